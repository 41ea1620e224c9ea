import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { describeError } from '../api/http.ts';
import { ensureSession, onSessionChange, updateMe } from '../api/session.ts';
import type { PublicUser } from '../../shared/protocol.ts';
import { baseStyles, dialogStyles } from '../ui/styles.ts';
import '../ui/user-avatar.ts';

/** Me: my avatar and name, and a dialog to change the name others see. */
@customElement('user-menu')
export class UserMenu extends LitElement {
  static override styles = [
    baseStyles,
    dialogStyles,
    css`
      :host {
        display: inline-flex;
      }
      .me {
        display: inline-flex;
        align-items: center;
        gap: 0.5rem;
        padding: 0.2rem 0.6rem 0.2rem 0.2rem;
        border-radius: 999px;
        border: 1px solid var(--line);
        background: var(--surface);
        cursor: pointer;
        font-size: 0.88rem;
        font-weight: 550;
      }
      .me:hover {
        border-color: var(--line-strong);
      }
      :host([compact]) .name {
        display: none;
      }
      @media (max-width: 480px) {
        .name {
          display: none;
        }
        .me {
          padding: 0.2rem;
        }
      }
      :host([compact]) .me {
        padding: 0.2rem;
      }
      :host {
        --dialog-width: 24rem;
      }
      form {
        display: grid;
        gap: 1rem;
      }
    `,
  ];

  /** Only the avatar (in the room's crowded header). */
  @property({ type: Boolean, reflect: true }) compact = false;
  @state() private user: PublicUser | null = null;
  @state() private error: string | null = null;
  @state() private saving = false;
  @query('dialog') private dialog!: HTMLDialogElement;
  @query('input[name="name"]') private input!: HTMLInputElement;
  #stop: (() => void) | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
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

  #open(): void {
    this.error = null;
    this.dialog.showModal();
    this.input.value = this.user?.name ?? '';
    this.input.select();
  }

  async #save(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const name = this.input.value.trim();
    if (!name) {
      this.error = 'Pick a name others will see.';
      return;
    }
    this.saving = true;
    try {
      await updateMe({ name });
      this.dialog.close();
    } catch (err) {
      this.error = describeError(err);
    } finally {
      this.saving = false;
    }
  }

  override render() {
    const user = this.user;
    return html`
      <button class="me" @click=${() => this.#open()} ?disabled=${!user} aria-label=${user ? `You are ${user.name}. Change your name` : 'Signing in'} title="Change your name">
        <user-avatar .name=${user?.name ?? ''} .color=${user?.color ?? '#94a3b8'} style="--avatar-size:1.8rem"></user-avatar>
        <span class="name">${user?.name ?? '…'}</span>
      </button>
      <dialog aria-labelledby="name-title">
        <form @submit=${(e: SubmitEvent) => this.#save(e)}>
          <h2 id="name-title">Your name</h2>
          <label class="field">Shown to everyone in your rooms and on works you publish
            <input class="input" name="name" maxlength="40" autocomplete="nickname" required />
          </label>
          ${this.error ? html`<p class="error-text" role="alert">${this.error}</p>` : nothing}
          <div class="actions">
            <button type="button" class="btn ghost" @click=${() => this.dialog.close()}>Cancel</button>
            <button class="btn primary" ?disabled=${this.saving}>${this.saving ? 'Saving…' : 'Save'}</button>
          </div>
        </form>
      </dialog>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'user-menu': UserMenu;
  }
}
