import { css, html, LitElement } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { Work } from '../../shared/protocol.ts';
import { profileHref } from '../api/profiles.ts';
import { icons } from '../ui/icons.ts';
import { baseStyles } from '../ui/styles.ts';
import '../ui/user-avatar.ts';

/** One work in the feed: thumbnail (placeholder until loaded), title, authors, like. */
@customElement('work-card')
export class WorkCard extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
      }
      article {
        position: relative;
        border-radius: var(--radius);
        overflow: hidden;
        background: var(--surface);
        border: 1px solid var(--line);
        transition: box-shadow 160ms ease, transform 160ms ease;
      }
      article:hover,
      article:focus-within {
        box-shadow: var(--shadow);
        transform: translateY(-1px);
      }
      a.image {
        display: block;
        aspect-ratio: var(--ratio, 1);
        background: var(--placeholder, var(--surface-2));
        background-size: cover;
        border-radius: 0;
      }
      a.image:focus-visible {
        outline-offset: -3px;
      }
      img {
        display: block;
        width: 100%;
        height: 100%;
        object-fit: cover;
        opacity: 0;
        transition: opacity 250ms ease;
      }
      img.ready {
        opacity: 1;
      }
      .info {
        display: flex;
        align-items: center;
        gap: 0.5rem;
        padding: 0.6rem 0.7rem;
      }
      .text {
        flex: 1;
        min-width: 0;
      }
      h3 {
        margin: 0;
        font-size: 0.92rem;
        font-weight: 620;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .by {
        font-size: 0.78rem;
        color: var(--ink-3);
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .by a {
        color: inherit;
        text-decoration: none;
        border-radius: 3px;
      }
      .by a:hover {
        color: var(--ink);
        text-decoration: underline;
      }
      .like {
        display: inline-flex;
        align-items: center;
        min-height: var(--tap);
        gap: 0.3rem;
        padding: 0.3rem 0.55rem;
        border-radius: 999px;
        border: 1px solid var(--line);
        background: var(--surface);
        cursor: pointer;
        font-size: 0.8rem;
        font-variant-numeric: tabular-nums;
      }
      .like[aria-pressed='true'] {
        color: #e11d48;
        border-color: #fecdd3;
        background: #fff1f2;
      }
      .like[aria-pressed='true'] svg {
        fill: currentColor;
      }
      .remix {
        position: absolute;
        top: 0.5rem;
        left: 0.5rem;
        padding: 0.15rem 0.5rem;
        border-radius: 999px;
        background: rgb(255 255 255 / 90%);
        font-size: 0.7rem;
        font-weight: 600;
        color: var(--ink-2);
      }
    `,
  ];

  @property({ attribute: false }) work!: Work;
  @state() private ready = false;

  #like(): void {
    this.dispatchEvent(
      new CustomEvent('work-like', { detail: { id: this.work.id, liked: !this.work.liked }, bubbles: true, composed: true }),
    );
  }

  override render() {
    const w = this.work;
    const ratio = w.width > 0 && w.height > 0 ? `${w.width} / ${w.height}` : '1';
    const placeholder = placeholderCss(w.placeholder);
    const authors = w.authors.map((a) => a.name).join(', ');
    const byline = w.authors.map((a, i) => html`${i > 0 ? ', ' : ''}<a href=${profileHref(a)}>${a.name}</a>`);
    return html`<article data-work-id=${w.id}>
      <a class="image" href="/g/${w.id}" style="--ratio:${ratio};--placeholder:${placeholder}" aria-label=${w.title}>
        <img class=${this.ready ? 'ready' : ''} src=${w.thumbUrl} alt="" loading="lazy" decoding="async" width=${w.width} height=${w.height} @load=${() => (this.ready = true)} />
      </a>
      ${w.remixOf ? html`<span class="remix">Remix</span>` : ''}
      <div class="info">
        <div class="text">
          <h3 title=${w.title}>${w.title}</h3>
          <div class="by" title=${authors}>${authors ? html`by ${byline}` : ''}</div>
        </div>
        <button class="like" aria-pressed=${w.liked ? 'true' : 'false'} aria-label=${`${w.liked ? 'Unlike' : 'Like'} ${w.title}, ${w.likes} likes`} @click=${() => this.#like()}>
          ${icons.heart}<span>${w.likes}</span>
        </button>
      </div>
    </article>`;
  }
}

/** A CSS background for the server's placeholder: a colour or a base64 image, nothing else. */
export function placeholderCss(value: string | undefined | null): string {
  if (!value) return 'var(--surface-2)';
  if (/^#[0-9a-f]{6}$/i.test(value)) return value;
  if (/^data:image\/(png|webp|jpeg);base64,[A-Za-z0-9+/=]+$/.test(value)) return `center / cover no-repeat url("${value}")`;
  return 'var(--surface-2)';
}

declare global {
  interface HTMLElementTagNameMap {
    'work-card': WorkCard;
  }
}
