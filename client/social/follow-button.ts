import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { describeError } from '../api/http.ts';
import { ensureSession } from '../api/session.ts';
import { setFollowing, socialSummary } from '../api/social.ts';
import { icons } from '../ui/icons.ts';
import { baseStyles } from '../ui/styles.ts';

/** Follow / Following for one person; shows nothing for yourself. Asks the server where it stands unless told. */
@customElement('follow-button')
export class FollowButton extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: inline-flex;
      }
      .btn {
        min-height: max(1.9rem, var(--tap));
        padding: 0 0.7rem;
        font-size: 0.8rem;
        border-radius: 999px;
      }
      .btn[aria-pressed='true'] {
        background: var(--surface-2);
      }
      .error {
        position: absolute;
        margin-top: 2.2rem;
        font-size: 0.75rem;
      }
    `,
  ];

  @property() userId = '';
  @property() name = '';
  /** Where it stands, when the page already knows (a profile); otherwise asked for. */
  @property({ attribute: false }) following: boolean | undefined;
  @state() private me: string | null = null;
  @state() private busy = false;
  @state() private error: string | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    void ensureSession().then((s) => (this.me = s.user.id));
    if (this.following === undefined && this.userId) {
      void socialSummary(this.userId).then(
        (summary) => (this.following = summary.followedByMe),
        () => undefined,
      );
    }
  }

  async #toggle(): Promise<void> {
    const next = !this.following;
    this.busy = true;
    this.error = null;
    try {
      const res = await setFollowing(this.userId, next);
      this.following = res.following;
      this.dispatchEvent(new CustomEvent('follow-change', { detail: res, bubbles: true, composed: true }));
    } catch (err) {
      this.error = describeError(err);
    } finally {
      this.busy = false;
    }
  }

  override render() {
    if (!this.userId || this.me === null || this.me === this.userId || this.following === undefined) return nothing;
    const label = this.following ? `Unfollow ${this.name}` : `Follow ${this.name}`;
    return html`<button class="btn ${this.following ? '' : 'primary'}" aria-pressed=${this.following ? 'true' : 'false'} aria-label=${label} title=${label} ?disabled=${this.busy} @click=${() => this.#toggle()}>
        ${this.following ? icons.userCheck : icons.userPlus}<span>${this.following ? 'Following' : 'Follow'}</span>
      </button>
      ${this.error ? html`<span class="error error-text" role="alert">${this.error}</span>` : nothing}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'follow-button': FollowButton;
  }
}
