import { html, LitElement, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { SessionInfo } from '../../shared/accounts.ts';
import { describeUserAgent } from '../../shared/user-agent.ts';
import { listSessions, signOutOthers, signOutSession } from '../api/accounts.ts';
import { describeError } from '../api/http.ts';
import { signOut } from '../api/session.ts';
import { baseStyles } from '../ui/styles.ts';
import { ago, sectionStyles } from './settings-styles.ts';

/** Where I am signed in: every session, signed out one by one or all at once. */
@customElement('session-settings')
export class SessionSettings extends LitElement {
  static override styles = [baseStyles, sectionStyles];

  @state() private sessions: SessionInfo[] | null = null;
  @state() private busy = false;
  @state() private error: string | null = null;
  @state() private notice: string | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    void this.#load();
  }

  async #load(): Promise<void> {
    try {
      this.sessions = await listSessions();
    } catch (err) {
      this.error = describeError(err);
    }
  }

  async #run(action: () => Promise<string>): Promise<void> {
    this.busy = true;
    this.error = null;
    this.notice = null;
    try {
      this.notice = await action();
      await this.#load();
    } catch (err) {
      this.error = describeError(err);
    } finally {
      this.busy = false;
    }
  }

  override render() {
    const sessions = this.sessions;
    const others = sessions?.filter((s) => !s.current).length ?? 0;
    return html`<section aria-labelledby="sessions-title">
      <h2 id="sessions-title">Where you are signed in</h2>
      <p class="lede">Signing a device out ends its session at once, open rooms included.</p>
      ${
        sessions === null
          ? html`<p class="empty">${this.error ? '' : 'Loading…'}</p>`
          : html`<ul class="rows" aria-label="Sessions">
            ${sessions.map(
              (s) => html`<li>
                <div class="row-main">
                  <strong>${describeUserAgent(s.userAgent)}${s.current ? html`<span class="badge">this device</span>` : nothing}</strong>
                  <span>Active ${ago(s.lastSeenAt)} · signed in ${ago(s.createdAt)}</span>
                </div>
                ${
                  s.current
                    ? html`<button class="btn ghost" ?disabled=${this.busy} @click=${() => void signOut()}>Sign out</button>`
                    : html`<button class="btn ghost danger" ?disabled=${this.busy} aria-label=${`Sign out ${describeUserAgent(s.userAgent)}`} @click=${() =>
                        this.#run(async () => {
                          await signOutSession(s.id);
                          return 'Signed out.';
                        })}>Sign out</button>`
                }
              </li>`,
            )}
          </ul>`
      }
      <div class="buttons">
        <button class="btn" ?disabled=${this.busy || others === 0} @click=${() =>
          this.#run(async () => {
            const { revoked } = await signOutOthers();
            return `Signed out of ${revoked} other ${revoked === 1 ? 'session' : 'sessions'}.`;
          })}>Sign out everywhere else</button>
        ${this.notice ? html`<span class="status" role="status">${this.notice}</span>` : nothing}
      </div>
      ${this.error ? html`<p class="error-text" role="alert">${this.error}</p>` : nothing}
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'session-settings': SessionSettings;
  }
}
