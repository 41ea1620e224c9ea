import { css, html, LitElement, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { LiveItem } from '../../shared/live.ts';
import { watchHref } from '../api/live.ts';
import { icons } from '../ui/icons.ts';
import { baseStyles } from '../ui/styles.ts';
import '../ui/user-avatar.ts';

const FACES = 4;

/** One live room: its canvas as it is now, who is making it and how many watch; opens it to watch. */
@customElement('live-tile')
export class LiveTile extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
      }
      a {
        display: grid;
        gap: 0.45rem;
        color: inherit;
        text-decoration: none;
      }
      .frame {
        position: relative;
        aspect-ratio: 1;
        overflow: hidden;
        border-radius: var(--radius);
        background: var(--surface-3);
        border: 1px solid var(--line);
      }
      img {
        width: 100%;
        height: 100%;
        object-fit: cover;
        display: block;
      }
      .badge {
        position: absolute;
        top: 0.5rem;
        left: 0.5rem;
        display: inline-flex;
        align-items: center;
        gap: 0.3rem;
        padding: 0.15rem 0.5rem;
        border-radius: 999px;
        background: #dc2626;
        color: #fff;
        font-size: 0.72rem;
        font-weight: 700;
        letter-spacing: 0.04em;
      }
      .watching {
        position: absolute;
        bottom: 0.5rem;
        right: 0.5rem;
        display: inline-flex;
        align-items: center;
        gap: 0.25rem;
        padding: 0.15rem 0.45rem;
        border-radius: 999px;
        background: rgb(0 0 0 / 0.6);
        color: #fff;
        font-size: 0.75rem;
      }
      .watching svg {
        width: 0.9rem;
        height: 0.9rem;
      }
      .meta {
        display: flex;
        align-items: center;
        gap: 0.5rem;
        min-width: 0;
      }
      .title {
        flex: 1;
        min-width: 0;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
        font-weight: 600;
        font-size: 0.9rem;
      }
      .faces {
        display: flex;
      }
      .faces user-avatar {
        --avatar-size: 1.5rem;
        margin-left: -0.35rem;
      }
      .faces user-avatar:first-child {
        margin-left: 0;
      }
      a:focus-visible .frame,
      a:hover .frame {
        outline: 2px solid var(--accent);
        outline-offset: 2px;
      }
    `,
  ];

  @property({ attribute: false }) item: LiveItem | null = null;

  override render() {
    const item = this.item;
    if (!item) return nothing;
    const makers = item.participants;
    const names = makers.map((u) => u.name).join(', ');
    return html`<a href=${watchHref(item.room.id)} aria-label=${`Watch ${item.room.title}, made by ${names || 'nobody right now'}, ${item.spectators} watching`} data-room=${item.room.id}>
      <div class="frame">
        ${item.previewUrl ? html`<img src=${item.previewUrl} alt="" loading="lazy" decoding="async" />` : nothing}
        <span class="badge">LIVE</span>
        <span class="watching" title="Watching">${icons.eye}<span data-spectators>${item.spectators}</span></span>
      </div>
      <div class="meta">
        <span class="title" title=${item.room.title}>${item.room.title}</span>
        <span class="faces" title=${names}>
          ${makers.slice(0, FACES).map((u) => html`<user-avatar .name=${u.name} .color=${u.color}></user-avatar>`)}
        </span>
      </div>
    </a>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'live-tile': LiveTile;
  }
}
