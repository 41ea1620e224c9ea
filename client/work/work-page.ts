import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { ApiError, describeError } from '../api/http.ts';
import { fetchRemixes, fetchWork, remixWork, setLiked } from '../api/rooms.ts';
import { navigate } from '../app/router.ts';
import { likedWorks } from '../controllers/gallery-feed-controller.ts';
import type { Work } from '../../shared/protocol.ts';
import { profileHref } from '../api/profiles.ts';
import { icons } from '../ui/icons.ts';
import { baseStyles, pageStyles } from '../ui/styles.ts';
import '../ui/user-avatar.ts';
import '../social/comment-section.ts';
import '../social/follow-button.ts';
import '../social/report-dialog.ts';
import './making-of-player.ts';
import type { ReportDialog } from '../social/report-dialog.ts';

/** One published work: the image, prompt, authors, likes, remix and lineage. */
@customElement('work-page')
export class WorkPage extends LitElement {
  static override styles = [
    baseStyles,
    pageStyles,
    css`
      :host {
        --page-width: 84rem;
      }
      .layout {
        display: grid;
        grid-template-columns: minmax(0, 1.6fr) minmax(18rem, 1fr);
        gap: clamp(1rem, 3vw, 2.5rem);
        align-items: start;
      }
      @media (max-width: 900px) {
        .layout {
          grid-template-columns: 1fr;
        }
      }
      figure {
        margin: 0;
        border-radius: var(--radius);
        overflow: hidden;
        background: var(--surface-2);
        box-shadow: var(--shadow);
      }
      figure img {
        display: block;
        width: 100%;
        height: auto;
      }
      .side {
        display: grid;
        gap: 1.3rem;
      }
      h1 {
        margin: 0;
        font-size: clamp(1.5rem, 2.6vw, 2rem);
        letter-spacing: -0.02em;
        overflow-wrap: anywhere;
      }
      .desc {
        margin: 0.4rem 0 0;
        color: var(--ink-2);
        line-height: 1.55;
        white-space: pre-wrap;
        overflow-wrap: anywhere;
      }
      .date {
        font-size: 0.8rem;
        color: var(--ink-3);
      }
      .actions {
        display: flex;
        gap: 0.6rem;
        flex-wrap: wrap;
      }
      .btn.liked {
        color: #e11d48;
        border-color: #fecdd3;
        background: #fff1f2;
      }
      .btn.liked svg {
        fill: currentColor;
      }
      blockquote {
        margin: 0;
        padding: 0.8rem 1rem;
        border-radius: var(--radius-sm);
        background: var(--surface);
        border: 1px solid var(--line);
        font-size: 0.95rem;
        line-height: 1.55;
        white-space: pre-wrap;
        overflow-wrap: anywhere;
      }
      ul.authors {
        list-style: none;
        margin: 0;
        padding: 0;
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem 1rem;
      }
      ul.authors li {
        display: inline-flex;
        align-items: center;
        gap: 0.45rem;
      }
      ul.authors a {
        display: inline-flex;
        align-items: center;
        min-height: var(--tap);
        gap: 0.45rem;
        font-size: 0.9rem;
        color: var(--ink);
        text-decoration: none;
        border-radius: 999px;
        padding-right: 0.4rem;
      }
      ul.authors a:hover {
        text-decoration: underline;
      }
      .lineage a {
        color: var(--accent-strong);
      }
      .remixes {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(6.5rem, 1fr));
        gap: 0.6rem;
        list-style: none;
        padding: 0;
        margin: 0;
      }
      .remixes a {
        display: grid;
        gap: 0.3rem;
        color: var(--ink-2);
        text-decoration: none;
        font-size: 0.78rem;
        border-radius: var(--radius-sm);
      }
      .remixes img {
        width: 100%;
        aspect-ratio: 1;
        object-fit: cover;
        border-radius: var(--radius-sm);
        background: var(--surface-2);
      }
      .remixes span {
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .ph-image {
        aspect-ratio: 1;
        border-radius: var(--radius);
      }
      .ph-line {
        height: 1.2rem;
        border-radius: 6px;
      }
      .state {
        text-align: center;
        padding: 5rem 1rem;
      }
      .tags {
        display: flex;
        flex-wrap: wrap;
        gap: 0.4rem;
        margin: 0.6rem 0 0;
        padding: 0;
        list-style: none;
      }
      .tags a {
        display: inline-flex;
        align-items: center;
        min-height: var(--tap);
        padding: 0.15rem 0.6rem;
        border-radius: 999px;
        background: var(--surface-2);
        color: var(--ink-2);
        font-size: 0.8rem;
        text-decoration: none;
      }
      .tags a:hover {
        color: var(--ink);
      }
      .note {
        font-size: 0.8rem;
        color: var(--ink-3);
        margin: 0.4rem 0 0;
      }
      making-of-player,
      .comments {
        margin-top: clamp(1.5rem, 4vw, 2.5rem);
        max-width: 52rem;
      }
    `,
  ];

  @property() workId = '';
  @state() private work: Work | null = null;
  @state() private remixes: Work[] | null = null;
  @state() private error: { missing: boolean; message: string } | null = null;
  @state() private actionError: string | null = null;
  @state() private remixing = false;
  @query('report-dialog') private reportDialog!: ReportDialog;

  override connectedCallback(): void {
    super.connectedCallback();
    void this.#load();
  }

  async #load(): Promise<void> {
    this.error = null;
    try {
      const work = embeddedWork(this.workId) ?? (await fetchWork(this.workId));
      this.work = work.liked === undefined ? { ...work, liked: likedWorks.has(work.id) } : work;
      document.title = `${work.title} — Atelier`;
      void fetchRemixes(this.workId).then(
        (items) => (this.remixes = items),
        () => (this.remixes = []),
      );
    } catch (err) {
      this.error = { missing: err instanceof ApiError && err.status === 404, message: describeError(err) };
      document.title = 'Work not found — Atelier';
    }
  }

  async #toggleLike(): Promise<void> {
    const work = this.work;
    if (!work) return;
    const liked = !work.liked;
    this.work = { ...work, liked, likes: Math.max(0, work.likes + (liked ? 1 : -1)) };
    try {
      const res = await setLiked(work.id, liked);
      likedWorks.set(work.id, res.liked);
      this.work = { ...this.work, liked: res.liked, likes: res.likes };
    } catch (err) {
      this.work = work;
      this.actionError = describeError(err);
    }
  }

  /** Someone liked or unliked it (live, from the comments' subscription). */
  #likesChanged(likes: number): void {
    if (this.work) this.work = { ...this.work, likes };
  }

  async #remix(): Promise<void> {
    if (!this.work) return;
    this.remixing = true;
    this.actionError = null;
    try {
      const { room } = await remixWork(this.work.id);
      navigate(`/r/${room.id}`);
    } catch (err) {
      this.actionError = describeError(err);
    } finally {
      this.remixing = false;
    }
  }

  override render() {
    if (this.error) {
      return html`<div class="state" role="alert">
        <h1>${this.error.missing ? 'This work is not here' : 'The work could not load'}</h1>
        <p class="muted">${this.error.missing ? 'It may have been deleted by its author.' : this.error.message}</p>
        <a class="btn primary" href="/">Back to the gallery</a>
      </div>`;
    }
    const w = this.work;
    if (!w) {
      return html`<div class="layout" aria-busy="true">
        <div class="ph-image skeleton"></div>
        <div class="side"><div class="ph-line skeleton" style="width:70%"></div><div class="ph-line skeleton"></div><div class="ph-line skeleton" style="width:40%"></div></div>
      </div>`;
    }
    const created = new Date(w.createdAt);
    return html`<div class="layout">
      <figure>
        <img src=${w.imageUrl} alt=${w.title} width=${w.width} height=${w.height} />
      </figure>
      <div class="side">
        <div>
          <h1>${w.title}</h1>
          ${w.description ? html`<p class="desc">${w.description}</p>` : nothing}
          ${w.tags.length ? html`<ul class="tags" aria-label="Tags">${w.tags.map((t) => html`<li><a href="/t/${t}">#${t}</a></li>`)}</ul>` : nothing}
          <time class="date" datetime=${w.createdAt}>${Number.isNaN(created.getTime()) ? '' : created.toLocaleDateString(undefined, { dateStyle: 'long' })}</time>
        </div>
        <div class="actions">
          <button class="btn ${w.liked ? 'liked' : ''}" aria-pressed=${w.liked ? 'true' : 'false'} @click=${() => this.#toggleLike()}>
            ${icons.heart} <span>${w.likes} ${w.likes === 1 ? 'like' : 'likes'}</span>
          </button>
          <button class="btn primary" ?disabled=${this.remixing || !w.allowRemix} title=${w.allowRemix ? '' : 'Its authors do not allow remixes'} @click=${() => this.#remix()}>${icons.remix} ${this.remixing ? 'Opening a room…' : 'Remix in a new room'}</button>
          <a class="btn ghost" href=${w.imageUrl} download>Download</a>
          <button class="btn ghost" @click=${() => this.reportDialog.open({ type: 'work', id: w.id }, 'work')}>${icons.flag} Report</button>
        </div>
        ${w.allowRemix ? nothing : html`<p class="note">Its authors do not allow remixes of this work.</p>`}
        ${this.actionError ? html`<p class="error-text" role="alert">${this.actionError}</p>` : nothing}
        <section>
          <h2 class="section-title">Prompt</h2>
          <blockquote>${w.hidePrompt ? html`<span class="muted">Its authors keep the prompt to themselves.</span>` : w.prompt || html`<span class="muted">No prompt.</span>`}</blockquote>
        </section>
        <section>
          <h2 class="section-title">Made by</h2>
          <ul class="authors">
            ${w.authors.map((a) => html`<li><a href=${profileHref(a)}><user-avatar .name=${a.name} .color=${a.color} .src=${a.avatarUrl} style="--avatar-size:1.7rem"></user-avatar>${a.name}</a><follow-button .userId=${a.id} .name=${a.name}></follow-button></li>`)}
          </ul>
        </section>
        ${
          w.remixOfWork
            ? html`<section class="lineage">
              <h2 class="section-title">Remixed from</h2>
              <p>${w.remixOfWork.deleted ? html`<span class="muted">a work its author has since deleted</span>` : html`<a href="/g/${w.remixOfWork.id}">${w.remixOfWork.title}</a>`}</p>
            </section>`
            : nothing
        }
        <section>
          <h2 class="section-title">Remixes${this.remixes?.length ? ` · ${this.remixes.length}` : ''}</h2>
          ${
            this.remixes === null
              ? html`<p class="muted">Loading…</p>`
              : this.remixes.length === 0
                ? html`<p class="muted">No remixes yet. Be the first.</p>`
                : html`<ul class="remixes">
                  ${this.remixes.map((r) => html`<li><a href="/g/${r.id}"><img src=${r.thumbUrl} alt="" loading="lazy" /><span>${r.title}</span></a></li>`)}
                </ul>`
          }
        </section>
      </div>
    </div>
    <making-of-player .workId=${w.id}></making-of-player>
    <div class="comments">
      <comment-section .workId=${w.id} .authorIds=${w.authors.map((a) => a.id)}
        @work-likes=${(e: CustomEvent<number>) => this.#likesChanged(e.detail)}
        @report=${(e: CustomEvent<{ target: { type: 'comment'; id: string }; what: string }>) => this.reportDialog.open(e.detail.target, e.detail.what)}></comment-section>
    </div>
    <report-dialog></report-dialog>`;
  }
}

/** The work the server put into the page it rendered (`/g/:workId`), if it is this one. */
function embeddedWork(id: string): Work | null {
  const script = document.getElementById('atelier-work');
  if (!script?.textContent) return null;
  try {
    const work = JSON.parse(script.textContent) as Work;
    // Used once: later visits (likes change) ask the API.
    script.remove();
    return work.id === id ? work : null;
  } catch {
    return null;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'work-page': WorkPage;
  }
}
