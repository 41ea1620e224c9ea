import { css, html, LitElement, nothing } from 'lit';
import { customElement } from 'lit/decorators.js';
import { LiveFeedController } from '../controllers/live-feed-controller.ts';
import { baseStyles } from '../ui/styles.ts';
import './live-tile.ts';

/** `/live`: every room being made in the open, most recently changed first. */
@customElement('live-page')
export class LivePage extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
        max-width: 1200px;
        margin: 0 auto;
        padding: 1.5rem 1rem 3rem;
      }
      h1 {
        margin: 0 0 0.3rem;
      }
      .lede {
        margin: 0 0 1.5rem;
        color: var(--ink-2);
      }
      ul {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(min(100%, 15rem), 1fr));
        gap: 1.2rem;
        margin: 0;
        padding: 0;
        list-style: none;
      }
      .state {
        padding: 3rem 1rem;
        text-align: center;
        color: var(--ink-2);
      }
      .more {
        display: flex;
        justify-content: center;
        margin-top: 1.5rem;
      }
    `,
  ];

  readonly #live = new LiveFeedController(this);

  override render() {
    document.title = 'Live now — Atelier';
    return html`
      <h1>Live now</h1>
      <p class="lede">Rooms whose makers let anyone watch. Open one to see the prompt typed, cursors move and images arrive — and ask to join in.</p>
      ${this.#live.stale ? html`<p class="lede stale" role="status">Some rooms may be missing or out of date for a moment.</p>` : nothing}
      ${this.#body()}
    `;
  }

  #body() {
    const live = this.#live;
    if (live.error && live.items.length === 0) {
      return html`<div class="state" role="alert"><p>${live.error}</p><button class="btn" @click=${() => void live.reload()}>Try again</button></div>`;
    }
    if (!live.loaded) return html`<div class="state" role="status">Loading…</div>`;
    if (live.items.length === 0) {
      return html`<div class="state">
        <h2>Nothing is live right now</h2>
        <p>Start a room, open Share and turn on “List in Live now”: your room appears here while you make it.</p>
        <a class="btn" href="/">Back to the gallery</a>
      </div>`;
    }
    return html`
      <ul aria-label="Live rooms">${live.items.map((item) => html`<li><live-tile .item=${item}></live-tile></li>`)}</ul>
      ${live.nextCursor ? html`<div class="more"><button class="btn" ?disabled=${live.loading} @click=${() => void live.more()}>More rooms</button></div>` : nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'live-page': LivePage;
  }
}
