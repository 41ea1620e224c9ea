import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { Invites, LinkAccess, Role, RoomInfo } from '../../shared/protocol.ts';
import { describeError } from '../api/http.ts';
import { setListed } from '../api/live.ts';
import { getRoom, inviteLink, updateRoom } from '../api/rooms.ts';
import { icons } from '../ui/icons.ts';
import { baseStyles, dialogStyles } from '../ui/styles.ts';

const ACCESS_LABELS: Record<LinkAccess, string> = {
  // Under their label ("The plain room link"), short enough to show whole on a phone.
  edit: 'Anyone with it can edit',
  view: 'Anyone with it can watch',
  none: 'Only invite links let people in',
};

/** The room's invite links (edit and view), copied with one click. */
@customElement('share-dialog')
export class ShareDialog extends LitElement {
  static override styles = [
    baseStyles,
    dialogStyles,
    css`
      :host {
        --dialog-width: 32rem;
      }
      .top {
        margin-bottom: 1rem;
      }
      .links {
        display: grid;
        gap: 1rem;
      }
      .link {
        display: grid;
        gap: 0.35rem;
      }
      .link-row {
        display: flex;
        gap: 0.4rem;
      }
      .link-row input {
        font-family: var(--mono);
        font-size: 0.78rem;
      }
      .desc {
        font-size: 0.8rem;
        color: var(--ink-3);
        margin: 0;
      }
      .listing {
        display: flex;
        gap: 0.6rem;
        align-items: flex-start;
        margin-top: 1rem;
        font-size: 0.9rem;
      }
      .listing input {
        margin-top: 0.2rem;
      }
      .access {
        margin-top: 1.2rem;
        padding-top: 1rem;
        border-top: 1px solid var(--line);
      }
    `,
  ];

  @property() roomId = '';
  @property({ attribute: false }) userRole: Role | null = null;
  @state() private invites: Invites | null = null;
  @state() private roomInfo: RoomInfo | null = null;
  @state() private listed = false;
  @state() private error: string | null = null;
  @state() private copied: 'edit' | 'view' | null = null;
  @query('dialog') private dialog!: HTMLDialogElement;

  async open(): Promise<void> {
    this.error = null;
    this.copied = null;
    this.dialog.showModal();
    try {
      const info = await getRoom(this.roomId);
      this.invites = info.invites;
      this.roomInfo = info.room;
      this.listed = info.listed;
    } catch (err) {
      this.error = describeError(err);
    }
  }

  async #copy(kind: 'edit' | 'view', link: string): Promise<void> {
    try {
      await navigator.clipboard.writeText(link);
      this.copied = kind;
      setTimeout(() => {
        if (this.copied === kind) this.copied = null;
      }, 2000);
    } catch {
      // No clipboard permission: select the text so Ctrl+C works.
      const input = this.renderRoot.querySelector<HTMLInputElement>(`input[name="${kind}-link"]`);
      input?.focus();
      input?.select();
      this.error = 'Copy was blocked by the browser; the link is selected, press Ctrl+C.';
    }
  }

  async #setAccess(linkAccess: LinkAccess): Promise<void> {
    try {
      this.roomInfo = await updateRoom(this.roomId, { linkAccess });
    } catch (err) {
      this.error = describeError(err);
    }
  }

  async #setListed(listed: boolean): Promise<void> {
    try {
      this.listed = await setListed(this.roomId, listed);
    } catch (err) {
      this.error = describeError(err);
    }
  }

  #link(kind: 'edit' | 'view', title: string, desc: string) {
    const code = this.invites?.[kind];
    if (!code) return nothing;
    const link = inviteLink(this.roomId, code);
    return html`<div class="link">
      <label class="field" for="${kind}-link">${title}</label>
      <div class="link-row">
        <input class="input" id="${kind}-link" name="${kind}-link" readonly .value=${link} @focus=${(e: FocusEvent) => (e.target as HTMLInputElement).select()} />
        <button class="btn ${kind === 'edit' ? 'primary' : ''}" @click=${() => this.#copy(kind, link)} aria-label=${`Copy ${kind} link`}>
          ${this.copied === kind ? icons.check : icons.copy} ${this.copied === kind ? 'Copied' : 'Copy'}
        </button>
      </div>
      <p class="desc">${desc}</p>
    </div>`;
  }

  override render() {
    return html`<dialog aria-labelledby="share-title">
      <div class="top">
        <h2 id="share-title">Invite people</h2>
        <button class="icon-btn" aria-label="Close" @click=${() => this.dialog.close()}>${icons.close}</button>
      </div>
      <div class="links">
        ${this.#link('edit', 'Edit link', 'They write the prompt, generate and arrange layers with you.')}
        ${this.#link('view', 'View link', 'They watch live, with their cursor shown, but cannot change anything.')}
        ${!this.invites && !this.error ? html`<p class="muted">Loading links…</p>` : nothing}
      </div>
      ${this.error ? html`<p class="error-text" role="alert">${this.error}</p>` : nothing}
      ${
        this.userRole === 'owner' && this.roomInfo
          ? html`<label class="listing">
              <input type="checkbox" name="listed" .checked=${this.listed} @change=${(e: Event) => void this.#setListed((e.target as HTMLInputElement).checked)} />
              <span><strong>List in Live now</strong><br /><span class="desc">Anyone can watch this room from the gallery while you make it, and ask you to join in. People you block cannot.</span></span>
            </label>
            <div class="access">
            <label class="field">
              The plain room link
              <select class="input" @change=${(e: Event) => this.#setAccess((e.target as HTMLSelectElement).value as LinkAccess)}>
                ${(Object.keys(ACCESS_LABELS) as LinkAccess[]).map((a) => html`<option value=${a} ?selected=${a === this.roomInfo?.linkAccess}>${ACCESS_LABELS[a]}</option>`)}
              </select>
            </label>
          </div>`
          : nothing
      }
    </dialog>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'share-dialog': ShareDialog;
  }
}
