import { css, html, LitElement, nothing } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import type { Notification } from '../../shared/social.ts';
import { NotificationsController } from '../controllers/notifications-controller.ts';
import { icons } from '../ui/icons.ts';
import { baseStyles } from '../ui/styles.ts';
import '../ui/user-avatar.ts';
import { notificationHref, notificationText, timeAgo } from './notification-text.ts';

/** The bell in the app bar: a badge with the unread count, and the list as a panel below it. */
@customElement('notification-bell')
export class NotificationBell extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        position: relative;
        display: inline-flex;
      }
      .bell {
        position: relative;
        width: max(2.35rem, var(--tap));
        height: max(2.35rem, var(--tap));
        border-radius: 999px;
        border: 1px solid var(--line);
        background: var(--surface);
      }
      .badge {
        position: absolute;
        top: -0.3rem;
        right: -0.35rem;
        min-width: 1.15rem;
        height: 1.15rem;
        padding: 0 0.3rem;
        border-radius: 999px;
        background: #e11d48;
        color: white;
        font-size: 0.68rem;
        font-weight: 700;
        line-height: 1.15rem;
        text-align: center;
        font-variant-numeric: tabular-nums;
        box-shadow: 0 0 0 2px var(--bg);
      }
      .panel {
        position: absolute;
        top: calc(100% + 0.5rem);
        right: 0;
        z-index: 30;
        width: min(24rem, calc(100vw - 1.5rem));
        max-height: min(32rem, 75vh);
        overflow: auto;
        background: var(--surface);
        border: 1px solid var(--line);
        border-radius: var(--radius);
        box-shadow: var(--shadow-lg);
      }
      .panel header {
        display: flex;
        align-items: center;
        justify-content: space-between;
        padding: 0.75rem 0.9rem;
        border-bottom: 1px solid var(--line);
        position: sticky;
        top: 0;
        background: var(--surface);
      }
      .panel h2 {
        margin: 0;
        font-size: 0.95rem;
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
      }
      li a,
      li .row {
        display: flex;
        gap: 0.65rem;
        align-items: flex-start;
        padding: 0.7rem 0.9rem;
        color: var(--ink);
        text-decoration: none;
        font-size: 0.86rem;
        line-height: 1.4;
      }
      li a:hover {
        background: var(--surface-2);
      }
      li.unread {
        background: color-mix(in srgb, var(--accent) 7%, transparent);
      }
      .text {
        flex: 1;
        min-width: 0;
        overflow-wrap: anywhere;
      }
      .when {
        color: var(--ink-3);
        font-size: 0.75rem;
        white-space: nowrap;
      }
      .empty,
      .more {
        padding: 1.2rem 0.9rem;
        text-align: center;
        color: var(--ink-3);
        font-size: 0.86rem;
      }
      @media (max-width: 480px) {
        .panel {
          position: fixed;
          /* Below the page's header, which a page may make taller (the room's two rows). */
          top: var(--bell-panel-top, max(3.6rem, calc(var(--tap) + 1.9rem)));
          left: 0.75rem;
          right: 0.75rem;
          width: auto;
        }
      }
    `,
  ];

  readonly #notes = new NotificationsController(this);
  @state() private open = false;
  @query('.panel') private panel!: HTMLElement | null;

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener('click', this.#onOutside);
    document.addEventListener('keydown', this.#onKey);
  }

  override disconnectedCallback(): void {
    document.removeEventListener('click', this.#onOutside);
    document.removeEventListener('keydown', this.#onKey);
    super.disconnectedCallback();
  }

  #onOutside = (event: Event): void => {
    if (this.open && !event.composedPath().includes(this)) this.#close();
  };

  #onKey = (event: KeyboardEvent): void => {
    if (this.open && event.key === 'Escape') {
      this.#close();
      this.renderRoot.querySelector<HTMLButtonElement>('.bell')?.focus();
    }
  };

  #close(): void {
    this.open = false;
    this.#notes.seen();
  }

  async #toggle(): Promise<void> {
    if (this.open) return this.#close();
    this.open = true;
    await this.updateComplete;
    this.panel?.focus();
    void this.#notes.markAllRead();
  }

  override render() {
    const unread = this.#notes.unread;
    const label = unread > 0 ? `Notifications, ${unread} unread` : 'Notifications';
    return html`
      <button class="icon-btn bell" aria-label=${label} aria-expanded=${this.open ? 'true' : 'false'} aria-haspopup="true" @click=${() => this.#toggle()}>
        ${icons.bell}
        ${unread > 0 ? html`<span class="badge" aria-hidden="true" data-unread=${unread}>${unread > 99 ? '99+' : unread}</span>` : nothing}
      </button>
      ${this.open ? this.#panel() : nothing}
    `;
  }

  #panel() {
    const notes = this.#notes;
    return html`<section class="panel" tabindex="-1" aria-label="Notifications">
      <header><h2>Notifications</h2><button class="icon-btn" aria-label="Close" @click=${() => this.#close()}>${icons.close}</button></header>
      ${notes.error ? html`<p class="empty error-text" role="alert">${notes.error}</p>` : nothing}
      ${
        notes.loaded && notes.items.length === 0
          ? html`<p class="empty">Nothing yet. Follows, likes, comments, replies, mentions and remixes show up here.</p>`
          : html`<ul>
            ${notes.items.map((n) => this.#item(n))}
          </ul>`
      }
      ${
        notes.nextCursor !== null
          ? html`<div class="more"><button class="btn" ?disabled=${notes.loading} @click=${() => void notes.more()}>${notes.loading ? 'Loading…' : 'Older'}</button></div>`
          : nothing
      }
    </section>`;
  }

  #item(n: Notification) {
    const { who, what } = notificationText(n);
    const href = notificationHref(n);
    const body = html`<user-avatar .name=${n.actor.name} .color=${n.actor.color} .src=${n.actor.avatarUrl} style="--avatar-size:2rem"></user-avatar>
      <span class="text"><strong>${who}</strong>${what}</span>
      <time class="when" datetime=${n.createdAt}>${timeAgo(n.createdAt)}</time>`;
    return html`<li class=${n.read ? '' : 'unread'} data-type=${n.type}>
      ${href ? html`<a href=${href} @click=${() => this.#close()}>${body}</a>` : html`<div class="row">${body}</div>`}
    </li>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'notification-bell': NotificationBell;
  }
}
