import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { ProfileResponse, ProfileStats } from '../../shared/accounts.ts';
import type { GalleryPage, Work } from '../../shared/protocol.ts';
import { ApiError, describeError } from '../api/http.ts';
import { fetchProfile, fetchUserWorks, profileHref } from '../api/profiles.ts';
import { setLiked } from '../api/rooms.ts';
import { ensureSession } from '../api/session.ts';
import { setBlocked, socialSummary } from '../api/social.ts';
import { navigate } from '../app/router.ts';
import '../gallery/work-card.ts';
import '../social/follow-button.ts';
import '../social/report-dialog.ts';
import type { ReportDialog } from '../social/report-dialog.ts';
import './people-list.ts';
import { baseStyles, pageStyles } from '../ui/styles.ts';
import '../ui/user-avatar.ts';

/** The figures under a profile's name, in order. */
const STATS: ReadonlyArray<{ key: keyof ProfileStats; one: string; many: string }> = [
  { key: 'works', one: 'work', many: 'works' },
  { key: 'followers', one: 'follower', many: 'followers' },
  { key: 'following', one: 'following', many: 'following' },
  { key: 'likes', one: 'like received', many: 'likes received' },
];

/** What the page lists under the header. */
type Tab = 'works' | 'followers' | 'following';
const TABS: ReadonlyArray<{ tab: Tab; label: string }> = [
  { tab: 'works', label: 'Works' },
  { tab: 'followers', label: 'Followers' },
  { tab: 'following', label: 'Following' },
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
        flex-wrap: wrap;
        align-items: center;
        gap: 0.5rem;
      }
      .tabs {
        display: flex;
        gap: 0.25rem;
        margin: 0 0 1.25rem;
        border-bottom: 1px solid var(--line);
        overflow-x: auto;
      }
      .tabs button {
        min-height: var(--tap);
        appearance: none;
        background: none;
        border: none;
        border-bottom: 2px solid transparent;
        margin-bottom: -1px;
        padding: 0.6rem 0.9rem;
        font: inherit;
        font-weight: 600;
        color: var(--ink-2);
        cursor: pointer;
        white-space: nowrap;
      }
      .tabs button[aria-selected='true'] {
        color: var(--ink);
        border-bottom-color: var(--accent);
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
  @state() private tab: Tab = 'works';
  /** Whether followedByMe and blockedByMe are mine (the page the server rendered was for anyone). */
  @state() private standingKnown = false;
  @state() private actionError: string | null = null;
  @query('report-dialog') private reportDialog!: ReportDialog;

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
      // A page the server rendered for anyone knows nothing of me: where I stand comes from the server.
      void this.#standing(profile.user.id);
      document.title = `${profile.user.name}${profile.user.handle ? ` (@${profile.user.handle})` : ''} — Atelier`;
      // The page's works were rendered for anyone; asked again, they carry my likes.
      await this.#more();
    } catch (err) {
      this.error = { missing: err instanceof ApiError && err.status === 404, message: describeError(err) };
      document.title = 'Profile not found — Atelier';
    }
  }

  async #standing(userId: string): Promise<void> {
    try {
      const summary = await socialSummary(userId);
      const profile = this.profile;
      if (profile?.user.id !== userId) return;
      this.profile = {
        ...profile,
        stats: { ...profile.stats, followers: summary.followers, following: summary.following },
        followedByMe: summary.followedByMe,
        blockedByMe: summary.blockedByMe,
      };
      this.standingKnown = true;
    } catch {
      // The counts the page came with stand.
    }
  }

  async #block(blocked: boolean): Promise<void> {
    const profile = this.profile;
    if (!profile) return;
    const name = profile.user.name;
    const question = `Block ${name}? They will not be able to follow you, comment on your works, mention you or join your rooms, and you will no longer see their works or comments.`;
    if (blocked && !confirm(question)) return;
    this.actionError = null;
    try {
      await setBlocked(profile.user.id, blocked);
      await this.#standing(profile.user.id);
    } catch (err) {
      this.actionError = describeError(err);
    }
  }

  #followChanged(detail: { following: boolean; followers: number }): void {
    const profile = this.profile;
    if (!profile) return;
    this.profile = { ...profile, followedByMe: detail.following, stats: { ...profile.stats, followers: detail.followers } };
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
        <div class="actions">${this.#actions(profile)}</div>
      </header>
      ${this.actionError ? html`<p class="error-text" role="alert">${this.actionError}</p>` : nothing}
      <div class="tabs" role="tablist" aria-label="What to show">
        ${TABS.map(
          ({ tab, label }) =>
            html`<button role="tab" id=${`tab-${tab}`} aria-controls="panel" aria-selected=${this.tab === tab ? 'true' : 'false'} @click=${() => (this.tab = tab)}>
              ${label}
            </button>`,
        )}
      </div>
      <div id="panel" role="tabpanel" aria-labelledby=${`tab-${this.tab}`}>
        ${this.tab === 'works' ? this.#grid() : html`<people-list .userId=${user.id} .which=${this.tab} .name=${user.name}></people-list>`}
      </div>
      <report-dialog></report-dialog>
    `;
  }

  #actions(profile: ProfileResponse) {
    const { user } = profile;
    if (this.meId === null || (this.meId !== user.id && !this.standingKnown)) return nothing;
    if (this.meId === user.id) return html`<a class="btn" href="/settings">Edit profile</a>`;
    return html`
      ${
        profile.blockedByMe
          ? nothing
          : html`<follow-button .userId=${user.id} .name=${user.name} .following=${profile.followedByMe}
              @follow-change=${(e: CustomEvent<{ following: boolean; followers: number }>) => this.#followChanged(e.detail)}></follow-button>`
      }
      <button class="btn ghost" @click=${() => void this.#block(!profile.blockedByMe)}>${profile.blockedByMe ? 'Unblock' : 'Block'}</button>
      <button class="btn ghost" @click=${() => this.reportDialog.open({ type: 'user', id: user.id }, user.name)}>Report</button>
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
