import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { PublicUser, Work } from '../../shared/protocol.ts';
import type { SearchType } from '../../shared/social.ts';
import { describeError } from '../api/http.ts';
import { setLiked } from '../api/rooms.ts';
import { search } from '../api/social.ts';
import { navigate } from '../app/router.ts';
import { baseStyles, pageStyles } from '../ui/styles.ts';
import '../gallery/work-card.ts';
import './person-row.ts';

/** `/search?q=&type=`: works by their words and tags, people by name. */
@customElement('search-page')
export class SearchPage extends LitElement {
  static override styles = [
    baseStyles,
    pageStyles,
    css`
      h1 {
        margin: 0.3rem 0 1rem;
        font-size: clamp(1.5rem, 3vw, 2rem);
        letter-spacing: -0.02em;
      }
      form {
        display: flex;
        gap: 0.5rem;
        margin-bottom: 1rem;
        max-width: 40rem;
      }
      .tabs {
        display: flex;
        gap: 0.4rem;
        margin-bottom: 1.2rem;
      }
      .tabs a {
        display: inline-flex;
        align-items: center;
        min-height: var(--tap);
        padding: 0.3rem 0.9rem;
        border-radius: 999px;
        border: 1px solid var(--line);
        color: var(--ink-2);
        text-decoration: none;
        font-size: 0.86rem;
        font-weight: 600;
      }
      .tabs a[aria-current='page'] {
        background: var(--ink);
        border-color: var(--ink);
        color: white;
      }
      .grid {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(min(100%, 15rem), 1fr));
        gap: 1rem;
        list-style: none;
        margin: 0;
        padding: 0;
      }
      .people {
        list-style: none;
        margin: 0;
        padding: 0;
        display: grid;
        gap: 0.6rem;
        max-width: 36rem;
      }
      .state {
        color: var(--ink-2);
        padding: 2rem 0;
      }
    `,
  ];

  @property() q = '';
  @property() type: SearchType = 'works';
  @state() private items: Array<Work | PublicUser> = [];
  @state() private nextCursor: string | null = null;
  @state() private loading = false;
  @state() private searched = false;
  @state() private error: string | null = null;
  #abort: AbortController | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    document.title = this.q ? `${this.q} — search — Atelier` : 'Search — Atelier';
    if (this.q.trim()) void this.#load(null);
  }

  async #load(cursor: string | null): Promise<void> {
    this.#abort?.abort();
    const abort = new AbortController();
    this.#abort = abort;
    this.loading = true;
    this.error = null;
    try {
      const page = await search(this.q, this.type, cursor, abort.signal);
      this.items = cursor === null ? page.items : [...this.items, ...page.items];
      this.nextCursor = page.nextCursor;
      this.searched = true;
    } catch (err) {
      if (!abort.signal.aborted) this.error = describeError(err);
    } finally {
      if (this.#abort === abort) this.loading = false;
    }
  }

  #submit(event: SubmitEvent): void {
    event.preventDefault();
    const q = String(new FormData(event.currentTarget as HTMLFormElement).get('q') ?? '').trim();
    if (q) navigate(`/search?${new URLSearchParams({ q, type: this.type })}`);
  }

  override render() {
    const link = (type: SearchType) => `/search?${new URLSearchParams({ q: this.q, type })}`;
    // A heading names the page for screen readers (and says what was searched).
    return html`
      <h1>${this.q.trim() ? `Search: “${this.q.trim()}”` : 'Search'}</h1>
      <form role="search" @submit=${(e: SubmitEvent) => this.#submit(e)}>
        <label class="visually-hidden" for="q">Search</label>
        <input id="q" class="input" name="q" type="search" .value=${this.q} maxlength="200" placeholder="Lighthouse, #dawn, a name…" autofocus />
        <button class="btn primary">Search</button>
      </form>
      <nav class="tabs" aria-label="What to search">
        <a href=${link('works')} aria-current=${this.type === 'works' ? 'page' : 'false'}>Works</a>
        <a href=${link('users')} aria-current=${this.type === 'users' ? 'page' : 'false'}>People</a>
      </nav>
      ${this.error ? html`<p class="error-text" role="alert">${this.error}</p>` : nothing}
      ${!this.q.trim() ? html`<p class="state">Search works by their title, description, prompt and tags, or people by name and @handle.</p>` : nothing}
      ${this.searched && this.items.length === 0 ? html`<p class="state">Nothing matches “${this.q}”.</p>` : nothing}
      ${this.type === 'works' ? this.#works() : this.#people()}
      ${this.loading ? html`<p class="state" aria-live="polite">Searching…</p>` : nothing}
      ${this.nextCursor && !this.loading ? html`<p><button class="btn" @click=${() => void this.#load(this.nextCursor)}>More results</button></p>` : nothing}
    `;
  }

  async #like(id: string, liked: boolean): Promise<void> {
    try {
      const res = await setLiked(id, liked);
      this.items = (this.items as Work[]).map((w) => (w.id === id ? { ...w, liked: res.liked, likes: res.likes } : w));
    } catch (err) {
      this.error = describeError(err);
    }
  }

  #works() {
    return html`<ul class="grid" aria-label="Works found">
      ${(this.items as Work[]).map(
        (w) =>
          html`<li><work-card .work=${w} @work-like=${(e: CustomEvent<{ id: string; liked: boolean }>) => void this.#like(e.detail.id, e.detail.liked)}></work-card></li>`,
      )}
    </ul>`;
  }

  #people() {
    return html`<ul class="people" aria-label="People found">
      ${(this.items as PublicUser[]).map((u) => html`<li><person-row .user=${u}></person-row></li>`)}
    </ul>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'search-page': SearchPage;
  }
}
