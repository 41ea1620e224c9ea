import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { Participant } from '../controllers/presence-controller.ts';
import { profileHref } from '../api/profiles.ts';
import { baseStyles } from '../ui/styles.ts';
import '../ui/user-avatar.ts';
import '../social/follow-button.ts';

import { SPECTATORS_SHOWN } from '../../shared/live.ts';
import { icons } from '../ui/icons.ts';

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
      align-items: center;
      min-height: var(--tap);
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
      /* A finger's height on touch, and still one line that ends in an ellipsis. */
      line-height: max(1.3em, var(--tap));
      flex: 1;
      min-width: 0;
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
      color: var(--ink);
      text-decoration: none;
    }
    .panel a.name:hover {
      text-decoration: underline;
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
    .watching {
      display: inline-flex;
      align-items: center;
      gap: 0.25rem;
      font-size: 0.8rem;
      color: var(--ink-3);
      white-space: nowrap;
    }
    li.alone {
      display: none;
    }
    @media (max-width: 640px) {
      .watching .label {
        display: none;
      }
      /* The user menu beside the header already shows your avatar on a phone: show it once. */
      li.me {
        display: none;
      }
      li.alone {
        display: inline-grid;
        width: auto;
        padding: 0 0.6rem;
        border-radius: 999px;
      }
      /* The button ends the header's first row on a phone: the panel opens leftwards, inside the screen. */
      .panel {
        left: auto;
        right: 0;
      }
    }
    .watching svg {
      width: 0.95rem;
      height: 0.95rem;
    }
    .panel h3 {
      margin: 0.5rem 0.4rem 0.2rem;
      font-size: 0.75rem;
      font-weight: 650;
      text-transform: uppercase;
      letter-spacing: 0.04em;
      color: var(--ink-3);
    }
    .panel .rest {
      padding: 0.3rem 0.4rem;
      font-size: 0.82rem;
      color: var(--ink-3);
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
    // On the host, not the button: focus is on a name or a follow button inside the panel as often.
    this.addEventListener('keydown', this.#onKey);
  }

  override disconnectedCallback(): void {
    document.removeEventListener('click', this.#onOutside);
    this.removeEventListener('keydown', this.#onKey);
    super.disconnectedCallback();
  }

  #onOutside = (event: Event): void => {
    if (this.open && !event.composedPath().includes(this)) this.open = false;
  };

  #onKey = (event: KeyboardEvent): void => {
    if (event.key !== 'Escape' || !this.open) return;
    this.open = false;
    this.renderRoot.querySelector<HTMLButtonElement>('button.people')?.focus();
  };

  /** Each person once (someone may have the room open twice). */
  #people(): Participant[] {
    const seen = new Map<string, Participant>();
    for (const p of this.participants) if (!seen.has(p.id) || p.isMe) seen.set(p.id, p);
    return [...seen.values()];
  }

  #row(p: Participant) {
    return html`<li>
      <user-avatar .name=${p.name} .color=${p.color} style="--avatar-size:1.7rem"></user-avatar>
      <a class="name" href=${profileHref({ id: p.id, handle: p.handle ?? undefined })} target="_blank" rel="noopener" title="Profile (opens a new tab)">${p.name}${p.isMe ? ' (you)' : ''}</a>
      ${p.isMe ? nothing : html`<follow-button .userId=${p.id} .name=${p.name}></follow-button>`}
    </li>`;
  }

  override render() {
    const everyone = this.#people();
    const list = this.participants.filter((p) => !p.watching);
    const watchers = everyone.filter((p) => p.watching);
    const typing = list.filter((p) => p.typing && !p.isMe);
    // Count each person once, makers and watchers alike, as the header shows them: a spectator
    // alone in a room must not hear "0 people".
    const making = everyone.length - watchers.length;
    const label = `People in this room: ${making} making${watchers.length > 0 ? ` · ${watchers.length} watching` : ''}`;
    return html`
      <button class="people" aria-expanded=${this.open ? 'true' : 'false'} aria-label=${label} @click=${() => (this.open = !this.open)}>
      <ul>
        ${list.slice(0, SHOWN).map(
          (
            p,
          ) => html`<li class=${`${p.typing ? 'typing' : ''} ${p.isMe ? 'me' : ''}`} style="--ring-color:${p.color}" title=${`${p.name}${p.isMe ? ' (you)' : ''}${p.typing ? ' — typing' : ''}`} data-participant=${p.name}>
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
        ${list.length > 0 && list.every((p) => p.isMe) ? html`<li class="alone more" aria-hidden="true">Just you</li>` : nothing}
      </ul>
      </button>
      ${
        this.open
          ? html`<div class="panel" role="region" aria-label="People in this room">
            <h3>Making</h3>
            <ol>${everyone.filter((p) => !p.watching).map((p) => this.#row(p))}</ol>
            ${
              watchers.length > 0
                ? html`<h3>Watching · ${watchers.length}</h3>
                  <ol aria-label="Watching">${watchers.slice(0, SPECTATORS_SHOWN).map((p) => this.#row(p))}</ol>
                  ${watchers.length > SPECTATORS_SHOWN ? html`<p class="rest">and ${watchers.length - SPECTATORS_SHOWN} more</p>` : nothing}`
                : nothing
            }
          </div>`
          : nothing
      }
      ${watchers.length > 0 ? html`<span class="watching" title="Watching" data-watching=${watchers.length}>${icons.eye}${watchers.length}<span class="label">&nbsp;watching</span></span>` : nothing}
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
