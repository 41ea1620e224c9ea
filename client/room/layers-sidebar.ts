import { css, html, LitElement, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { Participant } from '../controllers/presence-controller.ts';
import type { LayerEntry } from '../doc/layers.ts';
import { icons } from '../ui/icons.ts';
import { baseStyles } from '../ui/styles.ts';
import './layer-panel.ts';

/** What the room page has to say: uploads under way, or what went wrong. */
export interface RoomNotice {
  text: string;
  error: boolean;
}

/**
 * The room's right column: the layer panel with the upload button, and the
 * room's notices. Chosen files go out as an `image-upload` event
 * (`{ files }`, like the canvas's `image-drop`); the layer panel's own events
 * pass through to the room page.
 */
@customElement('layers-sidebar')
export class LayersSidebar extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: flex;
        flex-direction: column;
        gap: 1.3rem;
        min-height: 0;
      }
      .toast {
        font-size: 0.82rem;
        padding: 0.5rem 0.7rem;
        border-radius: var(--radius-sm);
        background: var(--surface-2);
      }
      .toast.error {
        background: var(--danger-soft);
        color: var(--danger);
      }
    `,
  ];

  @property({ attribute: false }) layers: LayerEntry[] = [];
  @property({ attribute: false }) selectedId: string | null = null;
  @property({ attribute: false }) participants: Participant[] = [];
  @property({ type: Boolean }) editable = false;
  /** Names of the files being uploaded. */
  @property({ attribute: false }) uploads: string[] = [];
  @property({ attribute: false }) notice: RoomNotice | null = null;

  #onFiles(input: HTMLInputElement): void {
    const files = [...(input.files ?? [])];
    input.value = '';
    this.dispatchEvent(new CustomEvent('image-upload', { detail: { files }, bubbles: true, composed: true }));
  }

  override render() {
    return html`
      <layer-panel .layers=${this.layers} .selectedId=${this.selectedId} .participants=${this.participants} ?editable=${this.editable}>
        <label slot="actions" class="btn ghost" ?hidden=${!this.editable}>
          ${icons.upload} Upload
          <input
            class="visually-hidden"
            type="file"
            accept="image/png,image/jpeg,image/webp,image/gif,image/avif"
            multiple
            aria-label="Upload an image as a layer"
            @change=${(e: Event) => this.#onFiles(e.target as HTMLInputElement)}
          />
        </label>
      </layer-panel>
      ${this.uploads.length ? html`<p class="toast" role="status">Uploading ${this.uploads.join(', ')}…</p>` : nothing}
      ${this.notice ? html`<p class="toast ${this.notice.error ? 'error' : ''}" role="alert">${this.notice.text}</p>` : nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'layers-sidebar': LayersSidebar;
  }
}
