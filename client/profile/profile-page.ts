import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { ProfileResponse, ProfileStats } from '../../shared/accounts.ts';
import type { GalleryPage, Work } from '../../shared/protocol.ts';
import { ApiError, describeError } from '../api/http.ts';
import { fetchProfile, fetchUserWorks, profileHref } from '../api/profiles.ts';
import { setLiked } from '../api/rooms.ts';
import { ensureSession } from '../api/session.ts';
import { navigate } from '../app/router.ts';
import '../gallery/work-card.ts';
import { baseStyles, pageStyles } from '../ui/styles.ts';
import '../ui/user-avatar.ts';

/** The figures under a profile's name, in order; later features add theirs (followers, following). */
const STATS: ReadonlyArray<{ key: keyof ProfileStats; one: string; many: string }> = [
  { key: 'works', one: 'work', many: 'works' },
  { key: 'likes', one: 'like received', many: 'likes received' },
];

/** /u/:handle: a person, their stats and the works they made, newest first. */
@customElement('profile-page')
export class ProfilePage extends LitElement {
  static override styles = [
    baseStyles,
    pageStyles,
    css`
      :host {
        --page-width: 80rem;
      }
      header {
        display: flex;
        gap: clamp(1rem, 3vw, 2rem);
        align-items: center;
        flex-wrap: wrap;
        margin: 0.5rem 0 2rem;
      }
      .who {
        flex: 1;
        min-width: min(100%, 16rem);
        display: grid;
        gap: 0.35rem;
      }
      h1 {
        margin: 0;
        font-size: clamp(1.5rem, 3vw, 2.1rem);
        letter-spacing: -0.02em;
        overflow-wrap: anywhere;
      }
      .handle {
        color: var(--ink-3);
        font-size: 0.95rem;
      }
      .bio {
        margin: 0.2rem 0 0;
        color: var(--ink-2);
        line-height: 1.5;
        white-space: pre-wrap;
        overflow-wrap: anywhere;
        max-width: 40rem;
      }
      .stats {
        display: flex;
        flex-wrap: wrap;
        gap: 0.4rem 1.2rem;
        margin: 0.3rem 0 0;
        padding: 0;
        list-style: none;
        color: var(--ink-2);
        font-size: 0.9rem;
      }
      .stats strong {
        color: var(--ink);
        font-variant-numeric: tabular-nums;
      }
      .actions {
        display: flex;
        gap: 0.5rem;
      }
      .grid {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(min(100%, 14rem), 1fr));
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
      .more {
        display: flex;
        justify-content: center;
        padding: 1.5rem 0;
      }
    `,
  ];

  @property() handle = '';
  @state() private profile: ProfileResponse | null = null;
  @state() private works: Work[] = [];
  @state() private cursor: string | null = null;
  @state() private loadingWorks = false;
  @state() private error: { missing: boolean; message: string } | null = null;
  @state() private worksError: string | null = null;
  @state() private meId: string | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    void ensureSession().then(
      (s) => (this.meId = s.user.id),
      () => undefined,
    );
    void this.#load();
  }

  async #load(): Promise<void> {
    try {
      const embedded = embeddedProfile(this.handle);
      const profile = embedded?.profile ?? (await fetchProfile(this.handle));
      const canonical = profileHref(profile.user);
      // An id, a look-alike or an old handle: show the address people should share.
      if (canonical !== location.pathname) navigate(canonical, { replace: true });
      this.profile = profile;
      document.title = `${profile.user.name}${profile.user.handle ? ` (@${profile.user.handle})` : ''} — Atelier`;
      // The page's works were rendered for anyone; asked again, they carry my likes.
      await this.#more();
    } catch (err) {
      this.error = { missing: err instanceof ApiError && err.status === 404, message: describeError(err) };
      document.title = 'Profile not found — Atelier';
    }
  }

  #show(page: GalleryPage): void {
    this.works = [...this.works, ...page.items];
    this.cursor = page.nextCursor;
  }

  async #more(): Promise<void> {
    const profile = this.profile;
    if (!profile || this.loadingWorks) return;
    this.loadingWorks = true;
    this.worksError = null;
    try {
      this.#show(await fetchUserWorks(profile.user.id, this.works.length === 0 ? null : this.cursor));
    } catch (err) {
      this.worksError = describeError(err);
    } finally {
      this.loadingWorks = false;
    }
  }

  async #like(id: string, liked: boolean): Promise<void> {
    const before = this.works;
    const change = (w: Work): Work => (w.id === id ? { ...w, liked, likes: Math.max(0, w.likes + (liked ? 1 : -1)) } : w);
    this.works = before.map(change);
    try {
      const res = await setLiked(id, liked);
      this.works = this.works.map((w) => (w.id === id ? { ...w, liked: res.liked, likes: res.likes } : w));
    } catch (err) {
      this.works = before;
      this.worksError = describeError(err);
    }
  }

  override render() {
    if (this.error) {
      return html`<div class="state" role="alert">
        <h1>${this.error.missing ? 'Nobody here' : 'This profile could not load'}</h1>
        <p class="muted">${this.error.missing ? 'The account may have been deleted, or its handle changed long ago.' : this.error.message}</p>
        <a class="btn primary" href="/">Back to the gallery</a>
      </div>`;
    }
    const profile = this.profile;
    if (!profile) return html`<p class="state" aria-busy="true">Loading…</p>`;
    const { user, stats } = profile;
    return html`
      <header>
        <user-avatar .name=${user.name} .color=${user.color} .src=${user.avatarUrl} style="--avatar-size:clamp(4.5rem, 12vw, 6.5rem)"></user-avatar>
        <div class="who">
          <h1>${user.name}</h1>
          ${user.handle ? html`<span class="handle">@${user.handle}</span>` : nothing}
          ${user.bio ? html`<p class="bio">${user.bio}</p>` : nothing}
          <ul class="stats" aria-label="Stats">
            ${STATS.map(({ key, one, many }) => html`<li><strong>${stats[key]}</strong> ${stats[key] === 1 ? one : many}</li>`)}
          </ul>
        </div>
        <div class="actions">
          ${this.meId === user.id ? html`<a class="btn" href="/settings">Edit profile</a>` : nothing}
        </div>
      </header>
      ${this.#grid()}
    `;
  }

  #grid() {
    if (this.works.length === 0 && !this.loadingWorks) {
      return html`<div class="state"><p>${this.worksError ?? 'No published works yet.'}</p></div>`;
    }
    return html`
      <ul class="grid" aria-label="Works" aria-busy=${this.loadingWorks ? 'true' : 'false'}>
        ${this.works.map(
          (work) =>
            html`<li><work-card .work=${work} @work-like=${(e: CustomEvent<{ id: string; liked: boolean }>) => void this.#like(e.detail.id, e.detail.liked)}></work-card></li>`,
        )}
        ${this.loadingWorks ? Array.from({ length: 4 }, () => html`<li aria-hidden="true"><div class="ph skeleton"></div></li>`) : nothing}
      </ul>
      ${this.worksError ? html`<p class="error-text" role="alert">${this.worksError}</p>` : nothing}
      ${this.cursor ? html`<div class="more"><button class="btn" ?disabled=${this.loadingWorks} @click=${() => this.#more()}>More works</button></div>` : nothing}
    `;
  }
}

/** The profile the server put into the page it rendered (`/u/:handle`), if it is this one. */
function embeddedProfile(handle: string): { profile: ProfileResponse } | null {
  const script = document.getElementById('atelier-profile');
  if (!script?.textContent) return null;
  script.remove();
  try {
    const data = JSON.parse(script.textContent) as { profile: ProfileResponse };
    const { user } = data.profile;
    return handle === user.handle || handle === user.id ? data : null;
  } catch {
    return null;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'profile-page': ProfilePage;
  }
}
