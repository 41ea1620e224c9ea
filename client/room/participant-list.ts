import { css, html, LitElement, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { Participant } from '../controllers/presence-controller.ts';
import { profileHref } from '../api/profiles.ts';
import { baseStyles } from '../ui/styles.ts';
import '../ui/user-avatar.ts';

const SHOWN = 5;

/** The people in the room: overlapping avatars in their colours, who is typing. */
@customElement('participant-list')
export class ParticipantList extends LitElement {
  static override styles = [
    baseStyles,
    css`
    :host {
      display: inline-flex;
      align-items: center;
      gap: 0.6rem;
      font-family: var(--font);
    }
    ul {
      display: flex;
      margin: 0;
      padding: 0;
      list-style: none;
    }
    li {
      position: relative;
      margin-left: -0.45rem;
    }
    li:first-child {
      margin-left: 0;
    }
    li.typing user-avatar {
      --avatar-ring: var(--ring-color);
    }
    li a {
      display: block;
      border-radius: 50%;
    }
    .more {
      display: inline-grid;
      place-items: center;
      width: 2rem;
      height: 2rem;
      border-radius: 50%;
      background: var(--surface-3);
      color: var(--ink-2);
      font-size: 0.75rem;
      font-weight: 650;
      box-shadow: 0 0 0 2px var(--surface);
    }
    .typing-note {
      font-size: 0.8rem;
      color: var(--ink-3);
      white-space: nowrap;
    }
    .dots::after {
      content: '…';
    }
  `,
  ];

  @property({ attribute: false }) participants: Participant[] = [];

  override render() {
    const list = this.participants;
    const typing = list.filter((p) => p.typing && !p.isMe);
    return html`
      <ul aria-label="People in this room">
        ${list.slice(0, SHOWN).map(
          (
            p,
          ) => html`<li class=${p.typing ? 'typing' : ''} style="--ring-color:${p.color}" title=${`${p.name}${p.isMe ? ' (you)' : ''}${p.typing ? ' — typing' : ''}`} data-participant=${p.name}>
            <a href=${profileHref({ id: p.id, handle: p.handle ?? undefined })} target="_blank" rel="noopener">
              <user-avatar .name=${p.name} .color=${p.color}></user-avatar>
              <span class="visually-hidden">${p.name}${p.isMe ? ' (you)' : ''}${p.typing ? ', typing' : ''}: profile (opens a new tab)</span>
            </a>
          </li>`,
        )}
        ${
          list.length > SHOWN
            ? html`<li><span class="more" title=${list
                .slice(SHOWN)
                .map((p) => p.name)
                .join(', ')}>+${list.length - SHOWN}</span></li>`
            : nothing
        }
      </ul>
      <span class="typing-note" aria-live="polite">${
        typing.length === 0
          ? nothing
          : typing.length === 1
            ? html`${typing[0]?.name} is typing<span class="dots"></span>`
            : html`${typing.length} people are typing<span class="dots"></span>`
      }</span>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'participant-list': ParticipantList;
  }
}
