import { css, html, LitElement, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { PublicUser } from '../../shared/protocol.ts';
import { profileHref } from '../api/profiles.ts';
import { baseStyles } from '../ui/styles.ts';
import '../ui/user-avatar.ts';
import './follow-button.ts';

/** One person in a list (search results, followers): avatar, name and handle linking to their profile, a follow button. */
@customElement('person-row')
export class PersonRow extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: flex;
        align-items: center;
        gap: 0.7rem;
        padding: 0.5rem 0.7rem;
        border: 1px solid var(--line);
        border-radius: var(--radius-sm);
        background: var(--surface);
        min-width: 0;
      }
      a {
        flex: 1;
        min-width: 0;
        min-height: var(--tap);
        display: flex;
        align-items: center;
        gap: 0.7rem;
        color: inherit;
        text-decoration: none;
      }
      a:hover .name,
      a:focus-visible .name {
        text-decoration: underline;
      }
      .who {
        min-width: 0;
        display: grid;
      }
      .name {
        font-weight: 600;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .handle {
        color: var(--ink-3);
        font-size: 0.8rem;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
    `,
  ];

  @property({ attribute: false }) user: PublicUser | null = null;

  override render() {
    const user = this.user;
    if (!user) return nothing;
    return html`<a href=${profileHref(user)}>
        <user-avatar .name=${user.name} .color=${user.color} .src=${user.avatarUrl} style="--avatar-size:2.2rem"></user-avatar>
        <span class="who"><span class="name">${user.name}</span>${user.handle ? html`<span class="handle">@${user.handle}</span>` : nothing}</span>
      </a>
      <follow-button .userId=${user.id} .name=${user.name}></follow-button>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'person-row': PersonRow;
  }
}
