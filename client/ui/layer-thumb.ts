import { css, html, LitElement, type PropertyValues } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import { imageFailed, imageForWidth, onImageReady, peekImage } from '../render/image-cache.ts';
import { whenIdle } from './idle.ts';

/**
 * A small picture of a layer, drawn from the canvas's decoded image (no
 * second download of a full-size file).
 */
@customElement('layer-thumb')
export class LayerThumb extends LitElement {
  static override styles = css`
    :host {
      display: block;
      width: var(--thumb-size, 2.6rem);
      height: var(--thumb-size, 2.6rem);
      flex: none;
      border-radius: 6px;
      overflow: hidden;
      background: repeating-conic-gradient(#e7e7e2 0 25%, #fafaf7 0 50%) 50% / 12px 12px;
      border: 1px solid var(--line);
    }
    canvas {
      display: block;
      width: 100%;
      height: 100%;
    }
    :host([missing]) {
      background: var(--danger-soft);
    }
  `;

  @property() src = '';
  @query('canvas') private canvas!: HTMLCanvasElement;
  #stop: (() => void) | null = null;
  #cancelIdle: (() => void) | null = null;
  /** What was drawn last: every image arriving in the room wakes every thumbnail. */
  #drawn: CanvasImageSource | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    this.#stop = onImageReady(() => this.#schedule());
  }

  override disconnectedCallback(): void {
    this.#stop?.();
    this.#cancelIdle?.();
    super.disconnectedCallback();
  }

  override render() {
    return html`<canvas width="96" height="96" aria-hidden="true"></canvas>`;
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('src')) this.#schedule();
  }

  /** Thumbnails wait for an idle moment: the canvas comes first. */
  #schedule(): void {
    this.#cancelIdle?.();
    this.#cancelIdle = whenIdle(() => this.#draw(), 1000);
  }

  #draw(): void {
    const canvas = this.canvas;
    if (!canvas || !this.src) return;
    this.toggleAttribute('missing', imageFailed(this.src));
    const image = peekImage(this.src);
    const ctx = canvas.getContext('2d');
    if (!image || !ctx) return;
    const fit = Math.min(canvas.width / image.width, canvas.height / image.height);
    const w = image.width * fit;
    const h = image.height * fit;
    // The small copy only: drawing the full image this small costs more than the whole thumbnail list.
    const source = imageForWidth(this.src, w * 2, { waitForCopy: true });
    if (!source || source === this.#drawn) return;
    this.#drawn = source;
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(source, (canvas.width - w) / 2, (canvas.height - h) / 2, w, h);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'layer-thumb': LayerThumb;
  }
}
