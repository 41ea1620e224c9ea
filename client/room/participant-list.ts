import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { Participant } from '../controllers/presence-controller.ts';
import { baseStyles } from '../ui/styles.ts';
import '../ui/user-avatar.ts';
import '../social/follow-button.ts';

const SHOWN = 5;

/** The people in the room: overlapping avatars in their colours, who is typing; opened, everyone with a follow button. */
@customElement('participant-list')
export class ParticipantList extends LitElement {
  static override styles = [
    baseStyles,
    css`
    :host {
      position: relative;
      display: inline-flex;
      align-items: center;
      gap: 0.6rem;
      font-family: var(--font);
    }
    button.people {
      display: inline-flex;
      padding: 0.1rem;
      border: none;
      border-radius: 999px;
      background: transparent;
      cursor: pointer;
    }
    .panel {
      position: absolute;
      top: calc(100% + 0.4rem);
      left: 0;
      z-index: 40;
      min-width: min(18rem, 90vw);
      max-height: 60vh;
      overflow: auto;
      padding: 0.4rem;
      background: var(--surface);
      border: 1px solid var(--line);
      border-radius: var(--radius);
      box-shadow: var(--shadow-lg);
    }
    .panel ol {
      display: grid;
      gap: 0.2rem;
      margin: 0;
      padding: 0;
      list-style: none;
    }
    .panel li {
      display: flex;
      align-items: center;
      gap: 0.55rem;
      margin: 0;
      padding: 0.3rem 0.4rem;
      font-size: 0.86rem;
    }
    .panel .name {
      flex: 1;
      min-width: 0;
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
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
  @state() private open = false;

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener('click', this.#onOutside);
  }

  override disconnectedCallback(): void {
    document.removeEventListener('click', this.#onOutside);
    super.disconnectedCallback();
  }

  #onOutside = (event: Event): void => {
    if (this.open && !event.composedPath().includes(this)) this.open = false;
  };

  #key(event: KeyboardEvent): void {
    if (event.key === 'Escape') this.open = false;
  }

  /** Each person once (someone may have the room open twice). */
  #people(): Participant[] {
    const seen = new Map<string, Participant>();
    for (const p of this.participants) if (!seen.has(p.id) || p.isMe) seen.set(p.id, p);
    return [...seen.values()];
  }

  override render() {
    const list = this.participants;
    const typing = list.filter((p) => p.typing && !p.isMe);
    return html`
      <button class="people" aria-expanded=${this.open ? 'true' : 'false'} aria-label=${`People in this room: ${list.length}`} @click=${() => (this.open = !this.open)} @keydown=${(e: KeyboardEvent) => this.#key(e)}>
      <ul>
        ${list.slice(0, SHOWN).map(
          (
            p,
          ) => html`<li class=${p.typing ? 'typing' : ''} style="--ring-color:${p.color}" title=${`${p.name}${p.isMe ? ' (you)' : ''}${p.typing ? ' — typing' : ''}`} data-participant=${p.name}>
            <user-avatar .name=${p.name} .color=${p.color}></user-avatar>
            <span class="visually-hidden">${p.name}${p.isMe ? ' (you)' : ''}${p.typing ? ', typing' : ''}</span>
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
      </button>
      ${
        this.open
          ? html`<div class="panel" role="region" aria-label="People in this room">
            <ol>
              ${this.#people().map(
                (p) => html`<li>
                  <user-avatar .name=${p.name} .color=${p.color} style="--avatar-size:1.7rem"></user-avatar>
                  <span class="name">${p.name}${p.isMe ? ' (you)' : ''}</span>
                  ${p.isMe ? nothing : html`<follow-button .userId=${p.id} .name=${p.name}></follow-button>`}
                </li>`,
              )}
            </ol>
          </div>`
          : nothing
      }
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
