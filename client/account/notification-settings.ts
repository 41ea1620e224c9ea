import { css, html, LitElement, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { NOTIFICATION_TYPES, type NotificationType } from '../../shared/social.ts';
import { describeError } from '../api/http.ts';
import { muteNotifications, notificationSettings } from '../api/social.ts';
import { baseStyles } from '../ui/styles.ts';
import { sectionStyles } from './settings-styles.ts';

/** What each kind of notification is, in the words of the switch that silences it. */
const KINDS: Record<NotificationType, { label: string; hint: string }> = {
  follow: { label: 'New followers', hint: 'Someone follows you.' },
  like: { label: 'Likes', hint: 'Someone likes a work you made.' },
  comment: { label: 'Comments', hint: 'Someone comments on a work you made.' },
  reply: { label: 'Replies', hint: 'Someone answers your comment.' },
  mention: { label: 'Mentions', hint: 'Someone writes your @handle in a comment.' },
  remix: { label: 'Remixes', hint: 'Someone remixes a work you made.' },
  join_request: { label: 'Requests to edit', hint: 'A viewer asks to edit a room you own.' },
};

/** Which notifications reach me: one switch per type; a muted type is neither stored nor sent. */
@customElement('notification-settings')
export class NotificationSettingsSection extends LitElement {
  static override styles = [
    baseStyles,
    sectionStyles,
    css`
      label {
        display: flex;
        align-items: center;
        gap: 0.75rem;
        cursor: pointer;
        width: 100%;
        min-height: var(--tap);
      }
      input[type='checkbox'] {
        width: 1.15rem;
        height: 1.15rem;
        accent-color: var(--accent);
        flex: none;
      }
    `,
  ];

  @state() private muted: ReadonlySet<NotificationType> | null = null;
  @state() private busy = false;
  @state() private error: string | null = null;
  @state() private notice: string | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    void notificationSettings().then(
      (settings) => (this.muted = new Set(settings.muted)),
      (err: unknown) => (this.error = describeError(err)),
    );
  }

  async #set(type: NotificationType, on: boolean): Promise<void> {
    const before = this.muted;
    if (!before) return;
    const next = new Set(before);
    if (on) next.delete(type);
    else next.add(type);
    this.muted = next;
    this.busy = true;
    this.error = null;
    this.notice = null;
    try {
      const saved = await muteNotifications(NOTIFICATION_TYPES.filter((t) => next.has(t)));
      this.muted = new Set(saved.muted);
      this.notice = 'Saved.';
    } catch (err) {
      this.muted = before;
      this.error = describeError(err);
    } finally {
      this.busy = false;
    }
  }

  override render() {
    const muted = this.muted;
    return html`<section aria-labelledby="notifications-title">
      <h2 id="notifications-title">Notifications</h2>
      <p class="lede">Choose what the bell tells you about. What you switch off is not collected for you either.</p>
      ${
        muted === null
          ? html`<p class="empty">${this.error ? '' : 'Loading…'}</p>`
          : html`<ul class="rows" aria-label="Notification types">
            ${NOTIFICATION_TYPES.map(
              (type) => html`<li>
                <label>
                  <input type="checkbox" name=${type} .checked=${!muted.has(type)} ?disabled=${this.busy}
                    @change=${(e: Event) => void this.#set(type, (e.target as HTMLInputElement).checked)} />
                  <span class="row-main"><strong>${KINDS[type].label}</strong><span>${KINDS[type].hint}</span></span>
                </label>
              </li>`,
            )}
          </ul>`
      }
      ${this.notice ? html`<span class="status" role="status">${this.notice}</span>` : nothing}
      ${this.error ? html`<p class="error-text" role="alert">${this.error}</p>` : nothing}
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'notification-settings': NotificationSettingsSection;
  }
}
