import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { BIO_MAX } from '../../shared/accounts.ts';
import { HANDLE_MAX, handleProblem, normalizeHandle } from '../../shared/handles.ts';
import type { SessionUser } from '../../shared/protocol.ts';
import { removeAvatar, uploadAvatar } from '../api/accounts.ts';
import { ApiError, describeError } from '../api/http.ts';
import { profileHref } from '../api/profiles.ts';
import { updateMe } from '../api/session.ts';
import { baseStyles } from '../ui/styles.ts';
import '../ui/user-avatar.ts';
import { sectionStyles } from './settings-styles.ts';

/** Name, handle, bio and avatar: what others see of me. */
@customElement('profile-settings')
export class ProfileSettings extends LitElement {
  static override styles = [
    baseStyles,
    sectionStyles,
    css`
      .avatar {
        display: flex;
        align-items: center;
        gap: 1rem;
        flex-wrap: wrap;
      }
      form {
        display: grid;
        gap: 1rem;
      }
      .handle {
        display: flex;
        align-items: center;
        border: 1px solid var(--line);
        border-radius: var(--radius-sm);
        background: var(--surface);
      }
      .handle span {
        padding-left: 0.6rem;
        color: var(--ink-3);
      }
      .handle .input {
        border: none;
        padding-left: 0.15rem;
      }
      .handle:focus-within {
        outline: 2px solid var(--focus);
        outline-offset: 2px;
      }
      .hint {
        font-weight: 400;
        color: var(--ink-3);
      }
      .hint.bad {
        color: var(--danger);
      }
      textarea.input {
        min-height: 5.5rem;
        resize: vertical;
        line-height: 1.45;
      }
      .counter {
        justify-self: end;
        font-size: 0.78rem;
        color: var(--ink-3);
        font-variant-numeric: tabular-nums;
      }
    `,
  ];

  @property({ attribute: false }) user!: SessionUser;
  @state() private saving = false;
  @state() private saved = false;
  @state() private error: string | null = null;
  @state() private handleError: string | null = null;
  @state() private avatarBusy = false;
  @state() private avatarError: string | null = null;
  @state() private bioLength = 0;
  @state() private handleHint: string | null = null;
  @query('input[name="name"]') private nameInput!: HTMLInputElement;
  @query('input[name="handle"]') private handleInput!: HTMLInputElement | null;
  @query('textarea[name="bio"]') private bioInput!: HTMLTextAreaElement;
  @query('input[type="file"]') private fileInput!: HTMLInputElement;

  override firstUpdated(): void {
    this.bioLength = [...(this.user.bio ?? '')].length;
  }

  #checkHandle(): void {
    this.handleError = null;
    const value = normalizeHandle(this.handleInput?.value ?? '');
    const problem = value ? handleProblem(value) : null;
    this.handleHint = problem ? problem.message : null;
  }

  async #save(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    this.error = null;
    this.handleError = null;
    this.saved = false;
    const patch: { name?: string; handle?: string; bio?: string } = {};
    const name = this.nameInput.value.trim();
    if (!name) {
      this.error = 'Your name cannot be empty.';
      return;
    }
    if (name !== this.user.name) patch.name = name;
    const bio = this.bioInput.value.trim();
    if (bio !== (this.user.bio ?? '')) patch.bio = bio;
    const handle = normalizeHandle(this.handleInput?.value ?? '');
    if (this.user.account && handle && handle !== this.user.handle) patch.handle = handle;
    if (Object.keys(patch).length === 0) {
      this.saved = true;
      return;
    }
    this.saving = true;
    try {
      await updateMe(patch);
      this.saved = true;
    } catch (err) {
      // A taken or reserved handle is the handle field's problem.
      if (err instanceof ApiError && (err.code === 'conflict' || err.message.startsWith('handle'))) this.handleError = describeError(err);
      else this.error = describeError(err);
    } finally {
      this.saving = false;
    }
  }

  async #upload(): Promise<void> {
    const file = this.fileInput.files?.[0];
    this.fileInput.value = '';
    if (!file) return;
    this.avatarBusy = true;
    this.avatarError = null;
    try {
      await uploadAvatar(file);
    } catch (err) {
      this.avatarError = err instanceof ApiError && err.code === 'too_large' ? 'That image is too large.' : describeError(err);
    } finally {
      this.avatarBusy = false;
    }
  }

  async #removeAvatar(): Promise<void> {
    this.avatarBusy = true;
    this.avatarError = null;
    try {
      await removeAvatar();
    } catch (err) {
      this.avatarError = describeError(err);
    } finally {
      this.avatarBusy = false;
    }
  }

  override render() {
    const u = this.user;
    return html`<section aria-labelledby="profile-title">
      <h2 id="profile-title">Profile</h2>
      <p class="lede">What people see next to your works and in rooms. <a href=${profileHref(u)}>See your profile</a>.</p>
      <div class="avatar">
        <user-avatar .name=${u.name} .color=${u.color} .src=${u.avatarUrl} style="--avatar-size:4.5rem"></user-avatar>
        <div class="buttons">
          <button class="btn" ?disabled=${this.avatarBusy} @click=${() => this.fileInput.click()}>${this.avatarBusy ? 'Uploading…' : u.avatarUrl ? 'Change picture' : 'Upload a picture'}</button>
          ${u.avatarUrl ? html`<button class="btn ghost" ?disabled=${this.avatarBusy} @click=${() => this.#removeAvatar()}>Remove</button>` : nothing}
          <input type="file" accept="image/png,image/jpeg,image/webp,image/gif,image/avif" hidden @change=${() => this.#upload()} aria-label="Picture file" />
        </div>
        ${this.avatarError ? html`<p class="error-text" role="alert">${this.avatarError}</p>` : nothing}
      </div>
      <form @submit=${(e: SubmitEvent) => this.#save(e)} @input=${() => (this.saved = false)}>
        <label class="field">Name
          <input class="input" name="name" maxlength="40" autocomplete="nickname" .value=${u.name} required />
        </label>
        <label class="field">Handle
          <span class="handle"><span aria-hidden="true">@</span><input class="input" name="handle" maxlength=${HANDLE_MAX + 1} autocomplete="username" autocapitalize="none" spellcheck="false" .value=${u.handle ?? ''} ?disabled=${!u.account} placeholder=${u.account ? 'your_name' : 'an account can choose one'} @input=${() => this.#checkHandle()} aria-describedby="handle-hint" /></span>
          <span id="handle-hint" class="hint ${this.handleError || this.handleHint ? 'bad' : ''}" role=${this.handleError ? 'alert' : nothing}>
            ${this.handleError ?? this.handleHint ?? (u.account ? '3–30 letters, digits or underscores. Your profile lives at /u/<handle>.' : 'Create an account to choose a handle.')}
          </span>
        </label>
        <label class="field">Bio
          <textarea class="input" name="bio" maxlength=${BIO_MAX * 2} .value=${u.bio ?? ''} @input=${() => (this.bioLength = [...this.bioInput.value].length)} aria-describedby="bio-count"></textarea>
          <span id="bio-count" class="counter ${this.bioLength > BIO_MAX ? 'error-text' : ''}">${this.bioLength} / ${BIO_MAX}</span>
        </label>
        ${this.error ? html`<p class="error-text" role="alert">${this.error}</p>` : nothing}
        <div class="buttons">
          <button class="btn primary" ?disabled=${this.saving || this.bioLength > BIO_MAX}>${this.saving ? 'Saving…' : 'Save profile'}</button>
          ${this.saved ? html`<span class="status" role="status">Saved.</span>` : nothing}
        </div>
      </form>
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'profile-settings': ProfileSettings;
  }
}
