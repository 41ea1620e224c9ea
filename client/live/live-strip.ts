import { css, html, LitElement, nothing } from 'lit';
import { customElement } from 'lit/decorators.js';
import { LiveFeedController } from '../controllers/live-feed-controller.ts';
import { baseStyles } from '../ui/styles.ts';
import './live-tile.ts';

const ON_STRIP = 8;

/** "Live now" above the gallery: the rooms being made at this moment, scrolling sideways. */
@customElement('live-strip')
export class LiveStrip extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
        margin-bottom: 1.5rem;
      }
      .head {
        display: flex;
        align-items: baseline;
        gap: 0.75rem;
        margin-bottom: 0.6rem;
      }
      h2 {
        margin: 0;
        font-size: 1.05rem;
      }
      .dot {
        display: inline-block;
        width: 0.55rem;
        height: 0.55rem;
        margin-right: 0.4rem;
        border-radius: 50%;
        background: #dc2626;
      }
      ul {
        display: grid;
        grid-auto-flow: column;
        grid-auto-columns: minmax(10rem, 13rem);
        gap: 0.9rem;
        margin: 0;
        padding: 0 0 0.4rem;
        list-style: none;
        overflow-x: auto;
        scroll-snap-type: x mandatory;
      }
      li {
        scroll-snap-align: start;
      }
      .empty {
        margin: 0;
        color: var(--ink-3);
        font-size: 0.88rem;
      }
    `,
  ];

  readonly #live = new LiveFeedController(this, ON_STRIP);

  override render() {
    const live = this.#live;
    const items = live.items;
    return html`<section aria-labelledby="live-now">
      <div class="head">
        <h2 id="live-now"><span class="dot" aria-hidden="true"></span>Live now</h2>
        ${items.length > 0 ? html`<a href="/live">See all</a>` : nothing}
      </div>
      ${
        live.loaded && items.length === 0
          ? html`<p class="empty">Nobody is making anything in the open right now. Start a room and list it from Share to appear here.</p>`
          : html`<ul aria-label="Rooms being made now">
            ${items.map((item) => html`<li><live-tile .item=${item}></live-tile></li>`)}
          </ul>`
      }
      ${live.error && items.length === 0 ? html`<p class="empty" role="alert">${live.error}</p>` : nothing}
      ${live.stale ? html`<p class="empty stale" role="status">Some rooms may be missing or out of date for a moment.</p>` : nothing}
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'live-strip': LiveStrip;
  }
}
