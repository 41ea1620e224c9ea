import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { SessionUser } from '../../shared/protocol.ts';
import { describeError } from '../api/http.ts';
import { profileHref } from '../api/profiles.ts';
import { ensureSession, onSessionChange, signOut, updateMe } from '../api/session.ts';
import { baseStyles, dialogStyles } from '../ui/styles.ts';
import '../ui/user-avatar.ts';
import './sign-in-dialog.ts';
import type { SignInDialog } from './sign-in-dialog.ts';

/**
 * Me, in the top bar: my avatar and name, and a menu — for a guest, create an
 * account or sign in (passkey first) and rename; for an account, my profile,
 * settings and signing out.
 */
@customElement('user-menu')
export class UserMenu extends LitElement {
  static override styles = [
    baseStyles,
    dialogStyles,
    css`
      :host {
        display: inline-flex;
        position: relative;
        --dialog-width: 24rem;
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
        max-width: 14rem;
        min-width: var(--tap);
        min-height: var(--tap);
        justify-content: center;
      }
      .me:hover {
        border-color: var(--line-strong);
      }
      .name {
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
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
      @media (max-width: 560px) {
        .name {
          display: none;
        }
        .me {
          padding: 0.2rem;
        }
      }
      .menu {
        position: absolute;
        top: calc(100% + 0.4rem);
        right: 0;
        z-index: 30;
        width: min(18rem, calc(100vw - 1.5rem));
        padding: 0.4rem;
        border-radius: var(--radius);
        background: var(--surface);
        border: 1px solid var(--line);
        box-shadow: var(--shadow-lg);
        display: grid;
        gap: 0.15rem;
      }
      .who {
        padding: 0.6rem 0.6rem 0.7rem;
        border-bottom: 1px solid var(--line);
        margin-bottom: 0.25rem;
        display: grid;
        gap: 0.2rem;
      }
      .who strong {
        overflow-wrap: anywhere;
      }
      .who .sub {
        font-size: 0.8rem;
        color: var(--ink-3);
      }
      .menu .item {
        display: flex;
        align-items: center;
        width: 100%;
        min-height: max(2.5rem, var(--tap));
        padding: 0 0.7rem;
        border: none;
        border-radius: var(--radius-sm);
        background: none;
        color: var(--ink);
        font-size: 0.9rem;
        text-align: left;
        text-decoration: none;
        cursor: pointer;
      }
      .menu .item:hover,
      .menu .item:focus-visible {
        background: var(--surface-2);
      }
      .menu .item.primary {
        background: var(--accent);
        color: var(--on-accent);
        font-weight: 600;
        justify-content: center;
        margin: 0.3rem 0 0.2rem;
      }
      .menu .item.primary:hover {
        background: var(--accent-strong);
      }
      form {
        display: grid;
        gap: 1rem;
      }
    `,
  ];

  /** Only the avatar (in the room's crowded header). */
  @property({ type: Boolean, reflect: true }) compact = false;
  @state() private user: SessionUser | null = null;
  @state() private open = false;
  @state() private error: string | null = null;
  @state() private saving = false;
  @query('dialog.rename') private renameDialog!: HTMLDialogElement;
  @query('input[name="name"]') private input!: HTMLInputElement;
  @query('sign-in-dialog') private signIn!: SignInDialog;
  #stop: (() => void) | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    void ensureSession().then(
      (session) => (this.user = session.user),
      (err: unknown) => (this.error = describeError(err)),
    );
    this.#stop = onSessionChange((session) => (this.user = session.user));
    document.addEventListener('pointerdown', this.#outside);
    document.addEventListener('keydown', this.#escape);
  }

  override disconnectedCallback(): void {
    this.#stop?.();
    document.removeEventListener('pointerdown', this.#outside);
    document.removeEventListener('keydown', this.#escape);
    super.disconnectedCallback();
  }

  #outside = (event: Event): void => {
    if (this.open && !event.composedPath().includes(this)) this.open = false;
  };

  #escape = (event: KeyboardEvent): void => {
    if (event.key === 'Escape' && this.open) {
      this.open = false;
      this.renderRoot.querySelector<HTMLButtonElement>('.me')?.focus();
    }
  };

  #toggle(): void {
    this.open = !this.open;
    if (this.open) void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('.menu .item')?.focus());
  }

  #rename(): void {
    this.open = false;
    this.error = null;
    this.renameDialog.showModal();
    this.input.value = this.user?.name ?? '';
    this.input.select();
  }

  #signIn(mode: 'create' | 'signin'): void {
    this.open = false;
    this.signIn.open(mode);
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
      this.renameDialog.close();
    } catch (err) {
      this.error = describeError(err);
    } finally {
      this.saving = false;
    }
  }

  override render() {
    const user = this.user;
    const label = user ? `${user.name}${user.account ? '' : ' (guest)'}: account menu` : 'Signing in';
    return html`
      <button class="me" @click=${() => this.#toggle()} ?disabled=${!user} aria-haspopup="menu" aria-expanded=${this.open ? 'true' : 'false'} aria-label=${label} title=${label}>
        <user-avatar .name=${user?.name ?? ''} .color=${user?.color ?? '#94a3b8'} .src=${user?.avatarUrl} style="--avatar-size:1.8rem"></user-avatar>
        <span class="name">${user?.name ?? '…'}</span>
      </button>
      ${this.open && user ? this.#menu(user) : nothing}
      <dialog class="rename" aria-labelledby="name-title">
        <form @submit=${(e: SubmitEvent) => this.#save(e)}>
          <h2 id="name-title">Your name</h2>
          <label class="field">Shown to everyone in your rooms and on works you publish
            <input class="input" name="name" maxlength="40" autocomplete="nickname" required />
          </label>
          ${this.error ? html`<p class="error-text" role="alert">${this.error}</p>` : nothing}
          <div class="actions">
            <button type="button" class="btn ghost" @click=${() => this.renameDialog.close()}>Cancel</button>
            <button class="btn primary" ?disabled=${this.saving}>${this.saving ? 'Saving…' : 'Save'}</button>
          </div>
        </form>
      </dialog>
      <sign-in-dialog></sign-in-dialog>
    `;
  }

  #menu(user: SessionUser) {
    const close = () => (this.open = false);
    if (!user.account) {
      return html`<div class="menu" role="menu" aria-label="Account">
        <div class="who"><strong>${user.name}</strong><span class="sub">Guest — your work lives in this browser only</span></div>
        <button class="item primary" role="menuitem" @click=${() => this.#signIn('create')}>Create an account</button>
        <button class="item" role="menuitem" @click=${() => this.#signIn('signin')}>Sign in</button>
        <button class="item" role="menuitem" @click=${() => this.#rename()}>Change my name</button>
        <a class="item" role="menuitem" href=${profileHref(user)} @click=${close}>My profile</a>
      </div>`;
    }
    return html`<div class="menu" role="menu" aria-label="Account">
      <div class="who"><strong>${user.name}</strong><span class="sub">${user.handle ? `@${user.handle}` : 'No handle yet'}</span></div>
      <a class="item" role="menuitem" href=${profileHref(user)} @click=${close}>My profile</a>
      <a class="item" role="menuitem" href="/settings" @click=${close}>Settings</a>
      <button class="item" role="menuitem" @click=${() => void signOut()}>Sign out</button>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'user-menu': UserMenu;
  }
}
