import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { PublicUser } from '../../shared/protocol.ts';
import { type Comment, COMMENT_MAX_LENGTH, splitMentions } from '../../shared/social.ts';
import { describeError } from '../api/http.ts';
import { profileHref } from '../api/profiles.ts';
import { ensureSession } from '../api/session.ts';
import { CommentsController } from '../controllers/comments-controller.ts';
import { icons } from '../ui/icons.ts';
import { baseStyles } from '../ui/styles.ts';
import '../ui/user-avatar.ts';
import { timeAgo } from './notification-text.ts';

/** How long after posting its author may still edit a comment (the server's default; it decides). */
const EDIT_WINDOW_MS = 10 * 60_000;

/** A user's handle, when the server sent one. */
const handleOf = (user: PublicUser): string | undefined =>
  'handle' in user && typeof user.handle === 'string' ? user.handle.toLowerCase() : undefined;

/**
 * The comments under a work, live: threads oldest first with their replies,
 * a box to write one, reply, edit (for ten minutes) and delete. Bodies are
 * text; `@handle`s that named someone become links to them.
 */
@customElement('comment-section')
export class CommentSection extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
      }
      h2 {
        margin: 0 0 0.8rem;
        font-size: 1.05rem;
      }
      form {
        display: grid;
        gap: 0.5rem;
      }
      textarea {
        min-height: 4.2rem;
        resize: vertical;
      }
      .row {
        display: flex;
        justify-content: space-between;
        align-items: center;
        gap: 0.5rem;
      }
      .count {
        font-size: 0.75rem;
        color: var(--ink-3);
      }
      ol {
        list-style: none;
        margin: 1rem 0 0;
        padding: 0;
        display: grid;
        gap: 0.9rem;
      }
      li.reply {
        margin-left: clamp(1.2rem, 5vw, 2.6rem);
      }
      article > a {
        min-width: var(--tap);
      }
      article {
        display: grid;
        grid-template-columns: auto 1fr;
        gap: 0.6rem;
        scroll-margin-top: 5rem;
      }
      article:target,
      article.flash {
        background: color-mix(in srgb, var(--accent) 8%, transparent);
        border-radius: var(--radius-sm);
      }
      .head {
        display: flex;
        flex-wrap: wrap;
        gap: 0.2rem 0.5rem;
        align-items: baseline;
        font-size: 0.85rem;
      }
      /* Name and avatar lead to the profile; on a phone each is a finger's size. */
      .head .name {
        display: inline-flex;
        align-items: center;
        min-height: var(--tap);
        min-width: var(--tap);
        font-weight: 650;
        color: inherit;
        text-decoration: none;
      }
      .head .name:hover,
      .head .name:focus-visible {
        text-decoration: underline;
      }
      .head .meta {
        color: var(--ink-3);
        font-size: 0.75rem;
      }
      .body {
        margin: 0.2rem 0 0.3rem;
        font-size: 0.92rem;
        line-height: 1.5;
        white-space: pre-wrap;
        overflow-wrap: anywhere;
      }
      .body a {
        color: var(--accent-strong);
      }
      .actions {
        display: flex;
        gap: 0.2rem;
        flex-wrap: wrap;
      }
      .actions .btn {
        min-height: max(1.7rem, var(--tap));
        padding: 0 0.45rem;
        font-size: 0.76rem;
      }
      .state {
        color: var(--ink-3);
        font-size: 0.9rem;
      }
      .nested {
        margin-top: 0.5rem;
      }
    `,
  ];

  @property() workId = '';
  /** The work's authors, who may delete any comment under it. */
  @property({ attribute: false }) authorIds: string[] = [];
  @state() private me: string | null = null;
  @state() private replyTo: Comment | null = null;
  @state() private editing: string | null = null;
  @state() private busy = false;
  @state() private error: string | null = null;
  @state() private length = 0;
  readonly #comments = new CommentsController(
    this,
    () => this.workId,
    (likes) => this.dispatchEvent(new CustomEvent('work-likes', { detail: likes, bubbles: true, composed: true })),
  );

  override connectedCallback(): void {
    super.connectedCallback();
    void ensureSession().then((s) => (this.me = s.user.id));
  }

  async #submit(event: SubmitEvent, mode: 'new' | 'reply' | 'edit', id?: string): Promise<void> {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const body = String(new FormData(form).get('body') ?? '').trim();
    if (!body) return;
    this.busy = true;
    this.error = null;
    try {
      if (mode === 'edit' && id) await this.#comments.edit(id, body);
      else await this.#comments.post(body, mode === 'reply' ? this.replyTo?.id : null);
      form.reset();
      this.length = 0;
      this.replyTo = null;
      this.editing = null;
    } catch (err) {
      this.error = describeError(err);
    } finally {
      this.busy = false;
    }
  }

  /** Opens the reply box under a comment, or its edit box, or neither. */
  #answer(replyTo: Comment | null, editing: string | null): void {
    this.replyTo = replyTo;
    this.editing = editing;
  }

  async #delete(comment: Comment): Promise<void> {
    if (!confirm(comment.parentId === null ? 'Delete this comment and its replies?' : 'Delete this reply?')) return;
    try {
      await this.#comments.remove(comment.id);
    } catch (err) {
      this.error = describeError(err);
    }
  }

  #report(comment: Comment): void {
    this.dispatchEvent(
      new CustomEvent('report', {
        detail: { target: { type: 'comment', id: comment.id }, what: 'comment' },
        bubbles: true,
        composed: true,
      }),
    );
  }

  override render() {
    const c = this.#comments;
    return html`<section aria-labelledby="comments-title">
      <h2 id="comments-title">Comments${c.items.length ? html` <span class="muted">· ${c.items.length}${c.nextCursor ? '+' : ''}</span>` : nothing}</h2>
      ${this.#form('new')}
      ${this.error ? html`<p class="error-text" role="alert">${this.error}</p>` : nothing}
      ${c.error && c.items.length === 0 ? html`<p class="error-text" role="alert">${c.error} <button class="btn" @click=${() => void c.reload()}>Try again</button></p>` : nothing}
      ${c.loaded && c.items.length === 0 && !c.error ? html`<p class="state">No comments yet. Say what you see.</p>` : nothing}
      ${!c.loaded && c.loading ? html`<p class="state">Loading comments…</p>` : nothing}
      <ol aria-live="polite">
        ${c.items.map((comment) => this.#item(comment))}
      </ol>
      ${c.nextCursor ? html`<p><button class="btn" ?disabled=${c.loading} @click=${() => void c.more()}>${c.loading ? 'Loading…' : 'More comments'}</button></p>` : nothing}
    </section>`;
  }

  #form(mode: 'new' | 'reply' | 'edit', comment?: Comment) {
    const label =
      mode === 'reply' ? `Reply to ${this.replyTo?.author.name ?? ''}` : mode === 'edit' ? 'Edit your comment' : 'Add a comment';
    return html`<form class=${mode === 'new' ? '' : 'nested'} @submit=${(e: SubmitEvent) => this.#submit(e, mode, comment?.id)}>
      <label class="visually-hidden" for="body-${mode}">${label}</label>
      <textarea id="body-${mode}" class="input" name="body" maxlength=${COMMENT_MAX_LENGTH} placeholder=${label} required
        .value=${mode === 'edit' ? (comment?.body ?? '') : ''}
        @input=${(e: Event) => (this.length = (e.target as HTMLTextAreaElement).value.length)}></textarea>
      <div class="row">
        <span class="count">${mode === 'new' && this.length > COMMENT_MAX_LENGTH * 0.8 ? `${this.length} / ${COMMENT_MAX_LENGTH}` : ''}</span>
        <span>
          ${mode === 'new' ? nothing : html`<button type="button" class="btn ghost" @click=${() => this.#answer(null, null)}>Cancel</button>`}
          <button class="btn primary" ?disabled=${this.busy}>${icons.send} ${mode === 'edit' ? 'Save' : mode === 'reply' ? 'Reply' : 'Comment'}</button>
        </span>
      </div>
    </form>`;
  }

  #item(comment: Comment) {
    const mine = comment.author.id === this.me;
    const canEdit = mine && Date.now() - Date.parse(comment.createdAt) < EDIT_WINDOW_MS;
    const canDelete = mine || (this.me !== null && this.authorIds.includes(this.me));
    return html`<li class=${comment.parentId ? 'reply' : ''}>
      <article id="comment-${comment.id}" data-comment-id=${comment.id}>
        <a href=${profileHref(comment.author)} tabindex="-1" aria-hidden="true"><user-avatar .name=${comment.author.name} .color=${comment.author.color} .src=${comment.author.avatarUrl} style="--avatar-size:1.9rem"></user-avatar></a>
        <div>
          <div class="head">
            <a class="name" href=${profileHref(comment.author)}>${comment.author.name}</a>
            <time class="meta" datetime=${comment.createdAt}>${timeAgo(comment.createdAt)}</time>
            ${comment.editedAt ? html`<span class="meta">edited</span>` : nothing}
          </div>
          ${this.editing === comment.id ? this.#form('edit', comment) : html`<p class="body">${this.#body(comment)}</p>`}
          <div class="actions">
            <button class="btn ghost" @click=${() => this.#answer(comment, null)}>${icons.reply} Reply</button>
            ${canEdit ? html`<button class="btn ghost" @click=${() => this.#answer(null, comment.id)}>${icons.edit} Edit</button>` : nothing}
            ${canDelete ? html`<button class="btn ghost danger" @click=${() => this.#delete(comment)}>${icons.trash} Delete</button>` : nothing}
            ${mine ? nothing : html`<button class="btn ghost" @click=${() => this.#report(comment)}>${icons.flag} Report</button>`}
          </div>
          ${this.replyTo?.id === comment.id ? this.#form('reply') : nothing}
        </div>
      </article>
    </li>`;
  }

  /** Text, with each `@handle` that named someone as a link to them; never HTML. */
  #body(comment: Comment) {
    const named = new Map(comment.mentions.map((u) => [handleOf(u), u] as const));
    return splitMentions(comment.body).map((part) => {
      const user = part.handle === undefined ? undefined : named.get(part.handle);
      return user ? html`<a href=${profileHref(user)} title=${user.name}>${part.text}</a>` : part.text;
    });
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'comment-section': CommentSection;
  }
}
