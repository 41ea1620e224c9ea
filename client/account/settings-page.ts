import { css, html, LitElement, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { SessionUser } from '../../shared/protocol.ts';
import { describeError } from '../api/http.ts';
import { ensureSession, onSessionChange } from '../api/session.ts';
import { baseStyles, pageStyles } from '../ui/styles.ts';
import './data-settings.ts';
import './notification-settings.ts';
import './profile-settings.ts';
import './session-settings.ts';
import './sign-in-settings.ts';

/** /settings: my profile, how I sign in, what notifies me, where I am signed in, my data. */
@customElement('settings-page')
export class SettingsPage extends LitElement {
  static override styles = [
    baseStyles,
    pageStyles,
    css`
      :host {
        --page-width: 46rem;
      }
      h1 {
        margin: 0.3rem 0 1.4rem;
        font-size: clamp(1.5rem, 3vw, 2rem);
        letter-spacing: -0.02em;
      }
      .sections {
        display: grid;
        gap: 1.25rem;
      }
      .state {
        text-align: center;
        padding: 4rem 1rem;
      }
    `,
  ];

  @state() private user: SessionUser | null = null;
  @state() private error: string | null = null;
  #stop: (() => void) | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    document.title = 'Settings — Atelier';
    void ensureSession().then(
      (session) => (this.user = session.user),
      (err: unknown) => (this.error = describeError(err)),
    );
    this.#stop = onSessionChange((session) => (this.user = session.user));
  }

  override disconnectedCallback(): void {
    this.#stop?.();
    super.disconnectedCallback();
  }

  override render() {
    if (this.error) {
      return html`<div class="state" role="alert"><h1>Settings could not load</h1><p class="muted">${this.error}</p><button class="btn" @click=${() => location.reload()}>Reload</button></div>`;
    }
    const user = this.user;
    if (!user) return html`<p class="state muted" aria-busy="true">Loading…</p>`;
    return html`
      <h1>Settings</h1>
      <div class="sections">
        <profile-settings .user=${user}></profile-settings>
        <sign-in-settings .user=${user}></sign-in-settings>
        <notification-settings></notification-settings>
        ${user.account ? html`<session-settings></session-settings>` : nothing}
        <data-settings .user=${user}></data-settings>
      </div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'settings-page': SettingsPage;
  }
}
