import { css, html, LitElement, nothing } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import type { AuthMethods } from '../../shared/accounts.ts';
import { addPasskey, authMethods, browserSupportsWebAuthn, oidcUrl, signInWithPasskey } from '../api/accounts.ts';
import { describeError } from '../api/http.ts';
import { switchTo } from '../api/session.ts';
import { icons } from '../ui/icons.ts';
import { baseStyles, dialogStyles } from '../ui/styles.ts';

export type SignInMode = 'create' | 'signin';

/**
 * Creating an account (a passkey for this guest, or a linked identity) and
 * signing in (a passkey, or OpenID Connect when configured). Passkeys first.
 */
@customElement('sign-in-dialog')
export class SignInDialog extends LitElement {
  static override styles = [
    baseStyles,
    dialogStyles,
    css`
      :host {
        --dialog-width: 25rem;
      }
      .body {
        display: grid;
        gap: 1rem;
      }
      p {
        margin: 0;
        line-height: 1.5;
        color: var(--ink-2);
        font-size: 0.92rem;
      }
      .btn {
        width: 100%;
        min-height: 2.75rem;
      }
      .or {
        display: flex;
        align-items: center;
        gap: 0.75rem;
        color: var(--ink-3);
        font-size: 0.8rem;
      }
      .or::before,
      .or::after {
        content: '';
        flex: 1;
        border-top: 1px solid var(--line);
      }
      .switch {
        text-align: center;
        font-size: 0.88rem;
      }
      .link {
        border: none;
        background: none;
        padding: 0;
        color: var(--accent-strong);
        font-weight: 600;
        cursor: pointer;
        text-decoration: underline;
      }
      .notice {
        padding: 0.6rem 0.75rem;
        border-radius: var(--radius-sm);
        background: var(--warn-soft);
        font-size: 0.85rem;
        color: var(--ink-2);
      }
      .done {
        padding: 0.6rem 0.75rem;
        border-radius: var(--radius-sm);
        background: var(--accent-soft);
        color: var(--ink);
      }
    `,
  ];

  @state() private mode: SignInMode = 'create';
  @state() private methods: AuthMethods | null = null;
  @state() private busy = false;
  @state() private error: string | null = null;
  @state() private created = false;
  @query('dialog') private dialog!: HTMLDialogElement;
  readonly #supported = browserSupportsWebAuthn();

  /** Opens the dialog in one mode; the person may switch to the other. */
  open(mode: SignInMode): void {
    this.mode = mode;
    this.error = null;
    this.created = false;
    this.dialog.showModal();
    void authMethods().then(
      (methods) => (this.methods = methods),
      () => (this.methods = { passkeys: true, oidc: null }),
    );
  }

  close(): void {
    this.dialog.close();
  }

  async #passkey(): Promise<void> {
    this.busy = true;
    this.error = null;
    try {
      if (this.mode === 'create') {
        await addPasskey();
        this.created = true;
      } else {
        switchTo(await signInWithPasskey());
      }
    } catch (err) {
      this.error = describeError(err);
    } finally {
      this.busy = false;
    }
  }

  #oidc(): void {
    // Signing in with it claims this guest when the identity is new (docs/accounts.md).
    location.assign(oidcUrl('login', `${location.pathname}${location.search}`));
  }

  override render() {
    const create = this.mode === 'create';
    const oidc = this.methods?.oidc ?? null;
    return html`<dialog aria-labelledby="sign-in-title" @close=${() => (this.error = null)}>
      <div class="body">
        <div class="top">
          <h2 id="sign-in-title">${create ? 'Create your account' : 'Sign in'}</h2>
          <button class="icon-btn" aria-label="Close" @click=${() => this.close()}>${icons.close}</button>
        </div>
        ${this.created ? this.#createdBody() : this.#choices(create, oidc)}
      </div>
    </dialog>`;
  }

  #choices(create: boolean, oidc: { label: string } | null) {
    return html`
      <p>
        ${
          create
            ? 'Keep everything you made as a guest and sign in on any device. A passkey uses your fingerprint, face or screen lock — no password.'
            : 'Use the passkey you created on this device, or on a phone nearby.'
        }
      </p>
      ${
        this.#supported
          ? nothing
          : html`<p class="notice" role="note">This browser does not support passkeys. ${oidc ? `Use ${oidc.label} below, or try` : 'Try'} a current Chrome, Safari, Firefox or Edge.</p>`
      }
      <button class="btn primary" ?disabled=${this.busy || !this.#supported} @click=${() => this.#passkey()}>
        ${this.busy ? 'Waiting for your passkey…' : create ? 'Create a passkey' : 'Sign in with a passkey'}
      </button>
      ${oidc ? html`<div class="or">or</div><button class="btn" ?disabled=${this.busy} @click=${() => this.#oidc()}>${oidc.label}</button>` : nothing}
      ${this.error ? html`<p class="error-text" role="alert">${this.error}</p>` : nothing}
      <p class="switch">
        ${create ? 'Already have an account? ' : 'New here? '}
        <button class="link" @click=${() => {
          this.mode = create ? 'signin' : 'create';
          this.error = null;
        }}>${create ? 'Sign in' : 'Create an account'}</button>
      </p>
      ${create ? nothing : html`<p class="muted" style="font-size:0.8rem">Signing in switches this browser to your account.</p>`}
    `;
  }

  #createdBody() {
    return html`
      <p class="done" role="status">${icons.check} Your account is ready. Everything you made is still yours.</p>
      <p>Pick a handle so people can find you, and add a passkey on your other devices, in your settings.</p>
      <div class="actions">
        <button class="btn ghost" style="width:auto" @click=${() => this.close()}>Later</button>
        <a class="btn primary" style="width:auto" href="/settings" @click=${() => this.close()}>Open settings</a>
      </div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sign-in-dialog': SignInDialog;
  }
}
