import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { SessionUser } from '../../shared/protocol.ts';
import { deleteAccount, downloadExport } from '../api/accounts.ts';
import { describeError } from '../api/http.ts';
import { baseStyles, dialogStyles } from '../ui/styles.ts';
import { sectionStyles } from './settings-styles.ts';

/** My data: a download of everything, and deleting the account after a typed confirmation. */
@customElement('data-settings')
export class DataSettings extends LitElement {
  static override styles = [
    baseStyles,
    dialogStyles,
    sectionStyles,
    css`
      .danger-zone {
        border-top: 1px solid var(--line);
        padding-top: 1rem;
        display: grid;
        gap: 0.6rem;
      }
      .btn.danger-solid {
        background: var(--danger);
        border-color: var(--danger);
        color: white;
      }
      dialog form {
        display: grid;
        gap: 1rem;
      }
      dialog ul {
        margin: 0;
        padding-left: 1.2rem;
        color: var(--ink-2);
        line-height: 1.5;
        font-size: 0.9rem;
      }
    `,
  ];

  @property({ attribute: false }) user!: SessionUser;
  @state() private exporting = false;
  @state() private deleting = false;
  @state() private confirmed = false;
  @state() private error: string | null = null;
  @query('dialog') private dialog!: HTMLDialogElement;
  @query('input[name="confirm"]') private confirmInput!: HTMLInputElement;

  /** What must be typed to delete: the handle, else the word "delete". */
  get #phrase(): string {
    return this.user.handle ?? 'delete';
  }

  async #export(): Promise<void> {
    this.exporting = true;
    this.error = null;
    try {
      await downloadExport();
    } catch (err) {
      this.error = describeError(err);
    } finally {
      this.exporting = false;
    }
  }

  #openDelete(): void {
    this.error = null;
    this.confirmed = false;
    this.dialog.showModal();
    this.confirmInput.value = '';
    this.confirmInput.focus();
  }

  async #delete(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    if (!this.confirmed) return;
    this.deleting = true;
    this.error = null;
    try {
      await deleteAccount();
    } catch (err) {
      this.error = describeError(err);
      this.deleting = false;
    }
  }

  override render() {
    return html`<section aria-labelledby="data-title">
      <h2 id="data-title">Your data</h2>
      <p class="lede">Download everything Atelier keeps about you: profile, works, likes, comments, follows, blocks, notifications, reports, rooms, sessions and passkeys (as JSON).</p>
      <div class="buttons"><button class="btn" ?disabled=${this.exporting} @click=${() => this.#export()}>${this.exporting ? 'Preparing…' : 'Download my data'}</button></div>
      <div class="danger-zone">
        <h3 class="section-title">Delete account</h3>
        <p class="lede" style="margin:0">Your sessions, passkeys, likes and works you made alone are removed for good. Works you made with others stay, credited to “deleted user”.</p>
        <div class="buttons"><button class="btn danger" @click=${() => this.#openDelete()}>Delete my account…</button></div>
      </div>
      ${this.error && !this.dialog?.open ? html`<p class="error-text" role="alert">${this.error}</p>` : nothing}
      <dialog aria-labelledby="delete-title">
        <form @submit=${(e: SubmitEvent) => this.#delete(e)}>
          <h2 id="delete-title">Delete your account?</h2>
          <ul>
            <li>You are signed out everywhere, and your passkeys stop working.</li>
            <li>Works you made alone, your likes and the rooms only you used are deleted.</li>
            <li>Works made with others stay, credited to “deleted user”.</li>
            <li>This cannot be undone. Download your data first if you want a copy.</li>
          </ul>
          <label class="field">Type <strong>${this.#phrase}</strong> to confirm
            <input class="input" name="confirm" autocomplete="off" autocapitalize="none" spellcheck="false" @input=${() => (this.confirmed = this.confirmInput.value.trim() === this.#phrase)} />
          </label>
          ${this.error ? html`<p class="error-text" role="alert">${this.error}</p>` : nothing}
          <div class="actions">
            <button type="button" class="btn ghost" @click=${() => this.dialog.close()}>Keep my account</button>
            <button class="btn danger-solid" ?disabled=${!this.confirmed || this.deleting}>${this.deleting ? 'Deleting…' : 'Delete for good'}</button>
          </div>
        </form>
      </dialog>
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'data-settings': DataSettings;
  }
}
