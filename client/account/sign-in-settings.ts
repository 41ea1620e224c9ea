import { html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { AuthMethods, IdentityInfo, PasskeyInfo } from '../../shared/accounts.ts';
import type { SessionUser } from '../../shared/protocol.ts';
import {
  addPasskey,
  authMethods,
  browserSupportsWebAuthn,
  listIdentities,
  listPasskeys,
  oidcUrl,
  removeIdentity,
  removePasskey,
  renamePasskey,
} from '../api/accounts.ts';
import { describeError } from '../api/http.ts';
import { baseStyles } from '../ui/styles.ts';
import { ago, sectionStyles } from './settings-styles.ts';

/** The ways I sign in: passkeys (add, rename, remove) and linked accounts. */
@customElement('sign-in-settings')
export class SignInSettings extends LitElement {
  static override styles = [baseStyles, sectionStyles];

  @property({ attribute: false }) user!: SessionUser;
  @state() private passkeys: PasskeyInfo[] | null = null;
  @state() private identities: IdentityInfo[] = [];
  @state() private methods: AuthMethods | null = null;
  @state() private busy = false;
  @state() private error: string | null = null;
  readonly #supported = browserSupportsWebAuthn();

  override connectedCallback(): void {
    super.connectedCallback();
    void this.#load();
  }

  async #load(): Promise<void> {
    try {
      const [passkeys, identities, methods] = await Promise.all([listPasskeys(), listIdentities(), authMethods()]);
      this.passkeys = passkeys;
      this.identities = identities;
      this.methods = methods;
    } catch (err) {
      this.error = describeError(err);
      this.passkeys ??= [];
    }
  }

  async #run(action: () => Promise<unknown>): Promise<void> {
    this.busy = true;
    this.error = null;
    try {
      await action();
      await this.#load();
    } catch (err) {
      this.error = describeError(err);
    } finally {
      this.busy = false;
    }
  }

  #rename(passkey: PasskeyInfo): void {
    const name = prompt('A name for this passkey', passkey.name)?.trim();
    if (name && name !== passkey.name) void this.#run(() => renamePasskey(passkey.id, name));
  }

  #remove(passkey: PasskeyInfo): void {
    if (confirm(`Remove the passkey “${passkey.name}”? That device will no longer sign in.`))
      void this.#run(() => removePasskey(passkey.id));
  }

  override render() {
    const passkeys = this.passkeys;
    const oidc = this.methods?.oidc ?? null;
    const guest = !this.user.account;
    return html`<section aria-labelledby="sign-in-title">
      <h2 id="sign-in-title">Signing in</h2>
      <p class="lede">
        ${guest ? 'You are a guest: only this browser knows you. Add a passkey to keep everything you made and sign in anywhere.' : 'Passkeys use your fingerprint, face or screen lock. Add one on each device you use.'}
      </p>
      ${
        passkeys === null
          ? html`<p class="empty">Loading…</p>`
          : passkeys.length === 0
            ? html`<p class="empty">No passkeys yet.</p>`
            : html`<ul class="rows" aria-label="Passkeys">
              ${passkeys.map(
                (p) => html`<li>
                  <div class="row-main">
                    <strong>${p.name}${p.backedUp ? html`<span class="badge">synced</span>` : nothing}</strong>
                    <span>Added ${ago(p.createdAt)} · last used ${ago(p.lastUsedAt)}</span>
                  </div>
                  <button class="btn ghost" ?disabled=${this.busy} @click=${() => this.#rename(p)} aria-label=${`Rename ${p.name}`}>Rename</button>
                  <button class="btn ghost danger" ?disabled=${this.busy} @click=${() => this.#remove(p)} aria-label=${`Remove ${p.name}`}>Remove</button>
                </li>`,
              )}
            </ul>`
      }
      <div class="buttons">
        <button class="btn ${guest ? 'primary' : ''}" ?disabled=${this.busy || !this.#supported} @click=${() => this.#run(() => addPasskey())}>
          ${this.busy ? 'Waiting for your passkey…' : guest ? 'Create an account with a passkey' : 'Add a passkey'}
        </button>
      </div>
      ${this.#supported ? nothing : html`<p class="error-text">This browser does not support passkeys.</p>`}
      ${oidc ? this.#identities(oidc.label, guest) : nothing}
      ${this.error ? html`<p class="error-text" role="alert">${this.error}</p>` : nothing}
    </section>`;
  }

  #identities(label: string, guest: boolean) {
    return html`
      <h3 class="section-title">Linked accounts</h3>
      ${
        this.identities.length === 0
          ? html`<p class="empty">None linked.</p>`
          : html`<ul class="rows" aria-label="Linked accounts">
            ${this.identities.map(
              (i) => html`<li>
                <div class="row-main"><strong>${i.email ?? i.name ?? 'Account'}</strong><span>${new URL(i.issuer).host} · linked ${ago(i.createdAt)}</span></div>
                <button class="btn ghost danger" ?disabled=${this.busy} @click=${() => {
                  if (confirm('Unlink this account? It will no longer sign you in.')) void this.#run(() => removeIdentity(i.id));
                }}>Unlink</button>
              </li>`,
            )}
          </ul>`
      }
      <div class="buttons">
        <a class="btn" href=${oidcUrl(guest ? 'login' : 'link', '/settings')}>${guest ? label : `Link another account (${label})`}</a>
      </div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sign-in-settings': SignInSettings;
  }
}
