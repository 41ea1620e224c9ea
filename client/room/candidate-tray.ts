import { css, html, LitElement } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { Candidate } from '../../shared/doc-schema.ts';
import { icons } from '../ui/icons.ts';
import { baseStyles } from '../ui/styles.ts';

/** Generated images waiting to be used: place one as a layer, or discard it. */
@customElement('candidate-tray')
export class CandidateTray extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(7.5rem, 1fr));
        gap: 0.6rem;
      }
      li {
        display: grid;
        gap: 0.35rem;
      }
      img {
        width: 100%;
        aspect-ratio: 1;
        object-fit: contain;
        border-radius: var(--radius-sm);
        background: repeating-conic-gradient(#e7e7e2 0 25%, #fafaf7 0 50%) 50% / 12px 12px;
        border: 1px solid var(--line);
      }
      .actions {
        display: flex;
        gap: 0.3rem;
      }
      .actions .btn {
        flex: 1;
        min-height: 2rem;
        padding: 0 0.5rem;
        font-size: 0.8rem;
      }
      .meta {
        font-size: 0.72rem;
        color: var(--ink-3);
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .empty {
        font-size: 0.85rem;
        color: var(--ink-3);
        margin: 0;
      }
    `,
  ];

  @property({ attribute: false }) candidates: Candidate[] = [];
  @property({ type: Boolean }) editable = false;

  #emit(name: string, id: string): void {
    this.dispatchEvent(new CustomEvent(name, { detail: { id }, bubbles: true, composed: true }));
  }

  override render() {
    if (this.candidates.length === 0) return html`<p class="empty">Generated images appear here for anyone to place.</p>`;
    return html`<ul aria-label="Generated images">
      ${[...this.candidates].reverse().map(
        (c) => html`<li data-candidate-id=${c.id}>
          <img src=${c.src} alt=${`Generated: ${c.prompt}`} loading="lazy" />
          <span class="meta" title=${`${c.provider} · ${c.model} · seed ${c.seed} · ${c.width}×${c.height}`}>${c.provider === 'local' ? 'Sketch' : c.provider} · seed ${c.seed}</span>
          <span class="actions">
            <button class="btn primary" ?disabled=${!this.editable} @click=${() => this.#emit('candidate-place', c.id)} aria-label=${`Place as layer: ${c.prompt}`}>${icons.plus} Place</button>
            <button class="btn" ?disabled=${!this.editable} @click=${() => this.#emit('candidate-discard', c.id)} aria-label=${`Discard: ${c.prompt}`}>Discard</button>
          </span>
        </li>`,
      )}
    </ul>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'candidate-tray': CandidateTray;
  }
}
