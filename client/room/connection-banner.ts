import { css, html, LitElement, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { assertNever } from '../../shared/assert-never.ts';
import type { ProviderStatus } from '../realtime/socketio-provider.ts';
import { icons } from '../ui/icons.ts';

/**
 * Connection state: a calm dot in the header while all is well, and a banner
 * when the room is offline (edits stay here and sync on reconnect).
 */
@customElement('connection-banner')
export class ConnectionBanner extends LitElement {
  static override styles = css`
    :host {
      display: contents;
      font-family: var(--font);
    }
    .banner {
      display: flex;
      align-items: center;
      justify-content: center;
      gap: 0.6rem;
      padding: 0.5rem 1rem;
      background: var(--warn-soft);
      color: #6b4e00;
      border-bottom: 1px solid #f0dc9c;
      font-size: 0.88rem;
    }
    svg {
      width: 1.1rem;
      height: 1.1rem;
    }
  `;

  @property() status: ProviderStatus = 'connecting';
  /** Whether the room was ever synced (so "connecting" means "reconnecting"). */
  @property({ type: Boolean }) wasSynced = false;

  override render() {
    const offline = this.status === 'offline' || (this.wasSynced && this.status === 'connecting');
    if (!offline) return nothing;
    return html`<div class="banner" role="status" data-offline>
      ${icons.wifiOff}
      <span><strong>You are offline.</strong> Keep working — your changes are kept here and sync when the connection is back. Reconnecting…</span>
    </div>`;
  }
}

/** A short word for the connection state. */
export function statusLabel(status: ProviderStatus): string {
  switch (status) {
    case 'connecting':
      return 'Connecting';
    case 'joined':
      return 'Syncing';
    case 'synced':
      return 'Live';
    case 'offline':
      return 'Offline';
    case 'refused':
      return 'No access';
    default:
      return assertNever(status);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'connection-banner': ConnectionBanner;
  }
}
