import { css, html, LitElement, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { AuditEntry, ModerationAction, ModerationItem, ReportedContent, ReportStatus } from '../../shared/social.ts';
import { describeError } from '../api/http.ts';
import { profileHref } from '../api/profiles.ts';
import { amModerator, auditLog, moderate, moderationQueue } from '../api/social.ts';
import { baseStyles, pageStyles } from '../ui/styles.ts';
import { timeAgo } from './notification-text.ts';

const ACTIONS: Array<{ action: ModerationAction; label: string; confirm?: string }> = [
  { action: 'dismiss', label: 'Dismiss' },
  { action: 'hide', label: 'Hide' },
  { action: 'remove', label: 'Remove', confirm: 'Remove it for good?' },
  { action: 'suspend', label: 'Suspend the author', confirm: 'Suspend whoever made it? All their sessions end now.' },
];

/** `/moderation`: the report queue with each reported thing in context, the actions, and the audit log. */
@customElement('moderation-page')
export class ModerationPage extends LitElement {
  static override styles = [
    baseStyles,
    pageStyles,
    css`
      :host {
        --page-width: 64rem;
      }
      .tabs {
        display: flex;
        gap: 0.4rem;
        flex-wrap: wrap;
        margin: 0 0 1.2rem;
      }
      .tabs button[aria-pressed='true'] {
        background: var(--ink);
        color: white;
      }
      ol {
        list-style: none;
        padding: 0;
        margin: 0;
        display: grid;
        gap: 1rem;
      }
      .item {
        padding: 1rem;
        display: grid;
        gap: 0.6rem;
      }
      /* The app's link colour, not the browser's default blue. */
      .item a {
        color: var(--accent);
        text-underline-offset: 0.15em;
      }
      .meta {
        font-size: 0.82rem;
        color: var(--ink-3);
      }
      .reason {
        font-weight: 650;
        text-transform: capitalize;
      }
      .context {
        display: flex;
        gap: 0.8rem;
        align-items: flex-start;
        padding: 0.7rem;
        border-radius: var(--radius-sm);
        background: var(--surface-2);
        overflow-wrap: anywhere;
      }
      .context img {
        width: 7rem;
        height: 7rem;
        object-fit: cover;
        border-radius: var(--radius-sm);
        flex: none;
      }
      .context blockquote {
        margin: 0.3rem 0 0;
        white-space: pre-wrap;
      }
      .actions {
        display: flex;
        gap: 0.4rem;
        flex-wrap: wrap;
      }
      table {
        width: 100%;
        border-collapse: collapse;
        font-size: 0.86rem;
      }
      td,
      th {
        text-align: left;
        padding: 0.4rem 0.5rem;
        border-bottom: 1px solid var(--line);
      }
    `,
  ];

  @state() private allowed: boolean | null = null;
  @state() private status: ReportStatus | 'audit' = 'open';
  @state() private items: ModerationItem[] = [];
  @state() private audit: AuditEntry[] = [];
  @state() private nextCursor: string | null = null;
  @state() private busy = false;
  @state() private error: string | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    document.title = 'Moderation — Atelier';
    void amModerator().then((ok) => {
      this.allowed = ok;
      if (ok) void this.#load(null);
    });
  }

  async #show(status: ReportStatus | 'audit'): Promise<void> {
    this.status = status;
    this.items = [];
    this.audit = [];
    await this.#load(null);
  }

  async #load(cursor: string | null): Promise<void> {
    this.busy = true;
    this.error = null;
    try {
      if (this.status === 'audit') {
        const page = await auditLog(cursor);
        this.audit = cursor ? [...this.audit, ...page.items] : page.items;
        this.nextCursor = page.nextCursor;
      } else {
        const page = await moderationQueue(this.status, cursor);
        this.items = cursor ? [...this.items, ...page.items] : page.items;
        this.nextCursor = page.nextCursor;
      }
    } catch (err) {
      this.error = describeError(err);
    } finally {
      this.busy = false;
    }
  }

  async #act(item: ModerationItem, action: (typeof ACTIONS)[number]): Promise<void> {
    if (action.confirm && !confirm(action.confirm)) return;
    this.busy = true;
    this.error = null;
    try {
      await moderate(item.id, action.action);
      // Every open report of the same target was resolved with it.
      this.items = this.items.filter((i) => i.target.type !== item.target.type || i.target.id !== item.target.id);
    } catch (err) {
      this.error = describeError(err);
    } finally {
      this.busy = false;
    }
  }

  override render() {
    if (this.allowed === null) return html`<p class="muted">Loading…</p>`;
    if (!this.allowed) {
      return html`<h1>Moderation</h1><p>Only moderators can see this page. Moderators are named by the server's <code>MODERATORS</code> setting.</p>`;
    }
    const tab = (status: ReportStatus | 'audit', label: string) =>
      html`<button class="btn" aria-pressed=${this.status === status ? 'true' : 'false'} @click=${() => void this.#show(status)}>${label}</button>`;
    return html`
      <h1>Moderation</h1>
      <div class="tabs" role="group" aria-label="Show">${tab('open', 'Open reports')} ${tab('actioned', 'Acted on')} ${tab('dismissed', 'Dismissed')} ${tab('audit', 'Audit log')}</div>
      ${this.error ? html`<p class="error-text" role="alert">${this.error}</p>` : nothing}
      ${this.status === 'audit' ? this.#audit() : this.#queue()}
      ${this.nextCursor ? html`<p><button class="btn" ?disabled=${this.busy} @click=${() => void this.#load(this.nextCursor)}>More</button></p>` : nothing}
    `;
  }

  #queue() {
    if (!this.busy && this.items.length === 0)
      return html`<p class="muted">${this.status === 'open' ? 'No open reports. All clear.' : 'Nothing here yet.'}</p>`;
    return html`<ol>
      ${this.items.map(
        (item) => html`<li class="card item" data-report-id=${item.id}>
          <div class="meta">
            <span class="reason">${item.reason}</span> · ${item.target.type} · reported by ${item.reporter ? html`<a href=${profileHref(item.reporter)}>${item.reporter.name}</a>` : 'someone'} ${timeAgo(item.createdAt)}
            ${item.openReports > 1 ? html` · <strong>${item.openReports} open reports</strong>` : nothing}
            ${item.moderated ? html` · already hidden` : nothing}
            ${item.action ? html` · ${item.action}` : nothing}
          </div>
          ${item.note ? html`<p>“${item.note}”</p>` : nothing}
          <div class="context">${this.#content(item.content)}</div>
          ${item.status === 'open' ? html`<div class="actions">${ACTIONS.map((a) => html`<button class="btn ${a.action === 'dismiss' ? '' : 'danger'}" ?disabled=${this.busy} @click=${() => this.#act(item, a)}>${a.label}</button>`)}</div>` : nothing}
        </li>`,
      )}
    </ol>`;
  }

  #content(content: ReportedContent) {
    switch (content.type) {
      case 'work':
        return content.work
          ? html`<img src=${content.work.thumbUrl} alt="" /><div><a href="/g/${content.work.id}"><strong>${content.work.title}</strong></a> by ${content.work.authors.map((a) => a.name).join(', ')}<blockquote>${content.work.description}</blockquote></div>`
          : html`<span class="muted">The work is gone.</span>`;
      case 'comment':
        return content.comment
          ? html`<div>
              ${content.parent ? html`<div class="meta">In reply to ${content.parent.author.name}: “${content.parent.body}”</div>` : nothing}
              <strong><a href=${profileHref(content.comment.author)}>${content.comment.author.name}</a></strong> on ${content.work ? html`<a href="/g/${content.work.id}">${content.work.title}</a>` : 'a work'}:
              <blockquote>${content.comment.body}</blockquote>
            </div>`
          : html`<span class="muted">The comment is gone.</span>`;
      case 'user':
        return content.user
          ? html`<div><strong><a href=${profileHref(content.user)}>${content.user.name}</a></strong><div class="meta">${content.works.length} recent works: ${content.works.map((w) => html`<a href="/g/${w.id}">${w.title}</a> `)}</div></div>`
          : html`<span class="muted">The user is gone.</span>`;
      case 'room':
        return content.room
          ? html`<div><strong>${content.room.title}</strong>, owned by ${content.owner?.name ?? 'someone'} · <a href="/r/${content.room.id}">open the room</a></div>`
          : html`<span class="muted">The room is gone.</span>`;
    }
  }

  #audit() {
    if (!this.busy && this.audit.length === 0) return html`<p class="muted">No actions yet.</p>`;
    return html`<table>
      <thead><tr><th>When</th><th>Moderator</th><th>Action</th><th>Target</th></tr></thead>
      <tbody>
        ${this.audit.map(
          (e) =>
            html`<tr><td><time datetime=${e.at}>${new Date(e.at).toLocaleString()}</time></td><td>${e.moderator?.name ?? e.id}</td><td>${e.action}</td><td>${e.target.type} ${e.target.id}</td></tr>`,
        )}
      </tbody>
    </table>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'moderation-page': ModerationPage;
  }
}
