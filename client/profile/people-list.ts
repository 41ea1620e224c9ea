import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { PublicUser } from '../../shared/protocol.ts';
import { describeError } from '../api/http.ts';
import { followList } from '../api/social.ts';
import { baseStyles } from '../ui/styles.ts';
import '../social/person-row.ts';

/** Someone's followers or the people they follow, latest first, a page at a time. */
@customElement('people-list')
export class PeopleList extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(min(100%, 20rem), 1fr));
        gap: 0.6rem;
      }
      .state {
        text-align: center;
        padding: 3rem 1rem;
        color: var(--ink-2);
      }
      .more {
        display: flex;
        justify-content: center;
        padding: 1.5rem 0;
      }
    `,
  ];

  @property() userId = '';
  @property() which: 'followers' | 'following' = 'followers';
  /** The person's name, for the empty state. */
  @property() name = '';
  @state() private items: PublicUser[] = [];
  @state() private cursor: string | null = null;
  @state() private loaded = false;
  @state() private loading = false;
  @state() private error: string | null = null;
  #generation = 0;

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('userId') || changed.has('which')) {
      this.#generation++;
      this.items = [];
      this.cursor = null;
      this.loaded = false;
      this.error = null;
      if (this.userId) void this.#more();
    }
  }

  async #more(): Promise<void> {
    const generation = this.#generation;
    this.loading = true;
    this.error = null;
    try {
      const page = await followList(this.userId, this.which, this.items.length === 0 ? null : this.cursor);
      // A switch of list meanwhile makes this answer stale.
      if (generation !== this.#generation) return;
      this.items = [...this.items, ...page.items];
      this.cursor = page.nextCursor;
      this.loaded = true;
    } catch (err) {
      if (generation === this.#generation) this.error = describeError(err);
    } finally {
      if (generation === this.#generation) this.loading = false;
    }
  }

  override render() {
    const label = this.which === 'followers' ? 'Followers' : 'Following';
    if (this.loaded && this.items.length === 0) {
      return html`<p class="state">${this.which === 'followers' ? `Nobody follows ${this.name} yet.` : `${this.name} follows nobody yet.`}</p>`;
    }
    return html`
      <ul aria-label=${label} aria-busy=${this.loading ? 'true' : 'false'}>
        ${this.items.map((user) => html`<li><person-row .user=${user}></person-row></li>`)}
      </ul>
      ${this.loading && this.items.length === 0 ? html`<p class="state" aria-busy="true">Loading…</p>` : nothing}
      ${this.error ? html`<p class="error-text" role="alert">${this.error}</p>` : nothing}
      ${this.cursor ? html`<div class="more"><button class="btn" ?disabled=${this.loading} @click=${() => void this.#more()}>More people</button></div>` : nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'people-list': PeopleList;
  }
}
