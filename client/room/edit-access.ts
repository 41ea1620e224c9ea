import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { EditRequest } from '../../shared/live.ts';
import type { PublicUser, Role } from '../../shared/protocol.ts';
import type { RoomConnection } from '../controllers/room-connection.ts';
import { icons } from '../ui/icons.ts';
import { baseStyles } from '../ui/styles.ts';

/**
 * Asking to edit and answering (docs/live.md): a viewer's "Ask to edit"; the
 * owner's prompt for each request as it arrives, and a way to take editing back.
 */
@customElement('edit-access')
export class EditAccess extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
      }
      .bar {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        justify-content: center;
        gap: 0.5rem 0.75rem;
        padding: 0.45rem 1rem;
        background: var(--accent-soft);
        color: var(--accent-strong);
        font-size: 0.86rem;
      }
      .bar svg {
        width: 1rem;
        height: 1rem;
      }
      .btn {
        padding: 0.2rem 0.7rem;
        font-size: 0.82rem;
      }
      .error {
        color: var(--danger, #b91c1c);
      }
    `,
  ];

  @property({ attribute: false }) connection: RoomConnection | null = null;
  @property({ attribute: false }) userRole: Role | null = null;
  @property({ attribute: false }) requests: EditRequest[] = [];
  @property({ attribute: false }) granted: PublicUser[] = [];
  @state() private asked = false;
  @state() private error: string | null = null;

  async #ask(): Promise<void> {
    const error = (await this.connection?.requestEdit()) ?? null;
    this.asked = error === null;
    this.error = error?.code === 'rate_limited' ? 'You asked a moment ago; the owner has been told.' : (error?.message ?? null);
  }

  async #grant(user: PublicUser, role: 'editor' | 'viewer'): Promise<void> {
    const error = (await this.connection?.grant(user, role)) ?? null;
    this.error = error?.message ?? null;
  }

  override updated(): void {
    // Granted: the ask is answered.
    if (this.userRole !== 'viewer' && this.asked) this.asked = false;
  }

  override render() {
    if (this.userRole === 'viewer') {
      return html`<div class="bar" role="note">
        ${icons.eye} <span>You are watching this room.</span>
        ${
          this.asked
            ? html`<span role="status">Asked — the owner decides.</span>`
            : html`<button class="btn primary" @click=${() => void this.#ask()}>Ask to edit</button>`
        }
        ${this.error ? html`<span class="error" role="alert">${this.error}</span>` : nothing}
      </div>`;
    }
    if (this.userRole !== 'owner' || (this.requests.length === 0 && this.granted.length === 0)) return nothing;
    return html`
      ${this.requests.map(
        (request) => html`<div class="bar" role="alert" data-request=${request.user.id}>
          <span><strong>${request.user.name}</strong> asks to edit.</span>
          <button class="btn primary" @click=${() => void this.#grant(request.user, 'editor')}>Let them edit</button>
          <button class="btn" @click=${() => this.connection?.dismissRequest(request.user.id)}>Not now</button>
        </div>`,
      )}
      ${this.granted.map(
        (user) => html`<div class="bar" data-granted=${user.id}>
          <span><strong>${user.name}</strong> can edit.</span>
          <button class="btn" @click=${() => void this.#grant(user, 'viewer')}>Take it back</button>
        </div>`,
      )}
      ${this.error ? html`<div class="bar error" role="alert">${this.error}</div>` : nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'edit-access': EditAccess;
  }
}
