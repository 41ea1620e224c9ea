import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { TagCount } from '../../shared/social.ts';
import { popularTags } from '../api/social.ts';
import { describeError } from '../api/http.ts';
import { type FeedSort, GalleryFeedController } from '../controllers/gallery-feed-controller.ts';
import { icons } from '../ui/icons.ts';
import { baseStyles, pageStyles } from '../ui/styles.ts';
import './work-card.ts';
import '../live/live-strip.ts';

/** The public gallery: newest or most liked works, loading more as you scroll. */
@customElement('gallery-page')
export class GalleryPage extends LitElement {
  static override styles = [
    baseStyles,
    pageStyles,
    css`
      :host {
        --page-width: 92rem;
      }
      .hero {
        display: flex;
        flex-wrap: wrap;
        align-items: flex-end;
        justify-content: space-between;
        gap: 1rem;
        margin: 0.5rem 0 1.6rem;
      }
      h1 {
        margin: 0 0 0.35rem;
        font-size: clamp(1.6rem, 3vw, 2.2rem);
        letter-spacing: -0.02em;
      }
      .lede {
        margin: 0;
        color: var(--ink-2);
        max-width: 40rem;
        line-height: 1.5;
      }
      .lede a {
        color: var(--accent);
      }
      .sort {
        display: inline-flex;
        padding: 0.2rem;
        border-radius: 999px;
        background: var(--surface-2);
        border: 1px solid var(--line);
      }
      .sort button {
        min-height: var(--tap);
        border: none;
        background: transparent;
        padding: 0.35rem 0.95rem;
        border-radius: 999px;
        cursor: pointer;
        font-weight: 600;
        font-size: 0.86rem;
        color: var(--ink-2);
      }
      .sort button[aria-pressed='true'] {
        background: var(--surface);
        color: var(--ink);
        box-shadow: 0 1px 2px rgb(0 0 0 / 8%);
      }
      .chips {
        display: flex;
        flex-wrap: wrap;
        gap: 0.4rem;
        margin: -0.6rem 0 1.4rem;
        padding: 0;
        list-style: none;
      }
      .chips a {
        display: inline-flex;
        align-items: center;
        min-height: var(--tap);
        gap: 0.3rem;
        padding: 0.25rem 0.7rem;
        border-radius: 999px;
        border: 1px solid var(--line);
        background: var(--surface);
        color: var(--ink-2);
        font-size: 0.82rem;
        text-decoration: none;
      }
      .chips a:hover,
      .chips a[aria-current='page'] {
        color: var(--ink);
        border-color: var(--line-strong);
      }
      .chips small {
        color: var(--ink-3);
      }
      .grid {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(min(100%, 15rem), 1fr));
        gap: 1rem;
        margin: 0;
        padding: 0;
        list-style: none;
      }
      .ph {
        aspect-ratio: 1 / 1.18;
        border-radius: var(--radius);
      }
      .state {
        text-align: center;
        padding: 4rem 1rem;
        color: var(--ink-2);
      }
      .state h2 {
        color: var(--ink);
        margin: 0 0 0.5rem;
      }
      .state p {
        margin: 0 0 1.2rem;
      }
      .fresh {
        display: flex;
        justify-content: center;
        margin-bottom: 1rem;
      }
      .sentinel {
        height: 1px;
      }
      .end {
        text-align: center;
        color: var(--ink-3);
        font-size: 0.85rem;
        padding: 2rem 0 1rem;
      }
      .like-error {
        position: fixed;
        bottom: 1rem;
        left: 50%;
        transform: translateX(-50%);
        background: var(--ink);
        color: white;
        padding: 0.6rem 1rem;
        border-radius: var(--radius-sm);
        font-size: 0.88rem;
      }
    `,
  ];

  /** A tag page (`/t/:tag`): only works with this tag. */
  @property() tag: string | null = null;
  @state() private tags: TagCount[] = [];
  readonly #feed = new GalleryFeedController(this);
  #observer: IntersectionObserver | null = null;
  #likeError: string | null = null;
  @query('.sentinel') private sentinel!: HTMLElement | null;

  override connectedCallback(): void {
    // Before super: connecting the controllers loads the first page, which must already carry the tag.
    this.#feed.tag = this.tag;
    super.connectedCallback();
    void popularTags(12).then(
      (tags) => (this.tags = tags),
      () => undefined,
    );
  }

  override disconnectedCallback(): void {
    this.#observer?.disconnect();
    this.#observer = null;
    super.disconnectedCallback();
  }

  protected override updated(): void {
    // Infinite scroll: load the next page when the end of the grid comes near.
    if (!this.#observer) {
      this.#observer = new IntersectionObserver(
        (entries) => {
          if (entries.some((e) => e.isIntersecting)) void this.#feed.more();
        },
        { rootMargin: '800px 0px' },
      );
    }
    this.#observer.disconnect();
    if (this.sentinel) this.#observer.observe(this.sentinel);
  }

  #sort(sort: FeedSort): void {
    if (sort !== this.#feed.sort) void this.#feed.reload(sort);
  }

  async #like(id: string, liked: boolean): Promise<void> {
    try {
      await this.#feed.like(id, liked);
    } catch (err) {
      this.#likeError = describeError(err);
      this.requestUpdate();
      setTimeout(() => {
        this.#likeError = null;
        this.requestUpdate();
      }, 4000);
    }
  }

  override render() {
    const feed = this.#feed;
    return html`
      <section class="hero">
        <div>
          ${
            this.tag
              ? html`<h1>#${this.tag}</h1><p class="lede">Works tagged ${this.tag}. <a href="/">All works</a></p>`
              : html`<h1>Made together, live</h1>
                <p class="lede">Every piece here was written and arranged by people in a shared room — each watching the others' cursors, generating, layering. Like what moves you, or remix it into a room of your own.</p>`
          }
        </div>
        <div class="sort" role="group" aria-label="Sort the gallery">
          <button aria-pressed=${feed.sort === 'new' ? 'true' : 'false'} @click=${() => this.#sort('new')}>Newest</button>
          <button aria-pressed=${feed.sort === 'top' ? 'true' : 'false'} @click=${() => this.#sort('top')}>Most liked</button>
          ${this.tag ? nothing : html`<button aria-pressed=${feed.sort === 'following' ? 'true' : 'false'} @click=${() => this.#sort('following')}>Following</button>`}
        </div>
      </section>
      ${this.tag ? nothing : html`<live-strip></live-strip>`}
      ${
        this.tags.length > 0
          ? html`<ul class="chips" aria-label="Popular tags">
            ${this.tags.map((t) => html`<li><a href="/t/${t.tag}" aria-current=${this.tag === t.tag ? 'page' : 'false'}>#${t.tag} <small>${t.works}</small></a></li>`)}
          </ul>`
          : nothing
      }
      ${
        feed.newSinceLoad > 0
          ? html`<div class="fresh"><button class="btn" @click=${() => this.#sort('new')}>${feed.newSinceLoad} new ${feed.newSinceLoad === 1 ? 'work' : 'works'} — show newest</button></div>`
          : nothing
      }
      ${this.#body()}
      ${this.#likeError ? html`<div class="like-error" role="alert">${this.#likeError}</div>` : nothing}
    `;
  }

  #body() {
    const feed = this.#feed;
    if (feed.error && feed.items.length === 0) {
      return html`<div class="state" role="alert">
        <h2>The gallery could not load</h2>
        <p>${feed.error}</p>
        <button class="btn" @click=${() => void feed.reload()}>Try again</button>
      </div>`;
    }
    if (feed.loaded && feed.items.length === 0 && feed.sort === 'following') {
      return html`<div class="state">
        <h2>Nothing from people you follow yet</h2>
        <p>Follow the makers whose works you love — from a work's page — and their new pieces land here.</p>
        <button class="btn" @click=${() => this.#sort('new')}>See the newest works</button>
      </div>`;
    }
    if (feed.loaded && feed.items.length === 0 && this.tag) {
      return html`<div class="state">
        <h2>No works tagged #${this.tag}</h2>
        <p>Tag a work when you publish it, or write #${this.tag} in its description.</p>
        <a class="btn" href="/">All works</a>
      </div>`;
    }
    if (feed.loaded && feed.items.length === 0) {
      return html`<div class="state">
        <h2>No works yet</h2>
        <p>Start a room, invite a friend, and publish the first piece.</p>
        <button class="btn primary" @click=${() => this.dispatchEvent(new CustomEvent('start-room', { bubbles: true, composed: true }))}>${icons.plus} Start a room</button>
      </div>`;
    }
    return html`
      <ul class="grid" aria-label="Works" aria-busy=${feed.loading ? 'true' : 'false'}>
        ${feed.items.map((work) => html`<li><work-card .work=${work} @work-like=${(e: CustomEvent<{ id: string; liked: boolean }>) => void this.#like(e.detail.id, e.detail.liked)}></work-card></li>`)}
        ${feed.loading ? Array.from({ length: feed.items.length ? 4 : 8 }, () => html`<li aria-hidden="true"><div class="ph skeleton"></div></li>`) : nothing}
      </ul>
      ${feed.error ? html`<div class="state" role="alert"><p>${feed.error}</p><button class="btn" @click=${() => void feed.more()}>Try again</button></div>` : nothing}
      ${feed.done && feed.items.length > 0 ? html`<p class="end">That is everything — for now.</p>` : html`<div class="sentinel"></div>`}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'gallery-page': GalleryPage;
  }
}
