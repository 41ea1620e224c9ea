// A mask being painted over one layer: a canvas in the layer image's own
// pixels where painted means "change this", a tinted copy for showing it over
// the canvas, and the PNG the server takes as `maskLayerId`'s image —
// transparent where painted, opaque elsewhere (OpenAI's convention, which
// every provider's translation starts from; docs/generation.md).
import type { Dab } from './mask-brush.ts';

/** Masks of bigger layers are painted at a lower resolution: a brush has no need of more. */
const MAX_SIDE = 2048;
const TINT = 'rgb(0, 176, 255)';

export class MaskPainter {
  readonly layerId: string;
  readonly width: number;
  readonly height: number;
  /** Painted pixels are opaque; drawn at `factor` × the layer's pixels. */
  readonly canvas: HTMLCanvasElement;
  /** The same, in the tint shown over the canvas. */
  readonly tinted: HTMLCanvasElement;
  readonly factor: number;
  #painted = false;

  constructor(layerId: string, width: number, height: number) {
    this.layerId = layerId;
    this.width = width;
    this.height = height;
    this.factor = Math.min(1, MAX_SIDE / Math.max(width, height));
    this.canvas = document.createElement('canvas');
    this.tinted = document.createElement('canvas');
    for (const canvas of [this.canvas, this.tinted]) {
      canvas.width = Math.max(1, Math.round(width * this.factor));
      canvas.height = Math.max(1, Math.round(height * this.factor));
    }
  }

  /** Whether anything was painted since the last clear. */
  get painted(): boolean {
    return this.#painted;
  }

  paint(dabs: readonly Dab[]): void {
    const ctx = this.canvas.getContext('2d');
    if (!ctx || dabs.length === 0) return;
    for (const dab of dabs) {
      ctx.globalCompositeOperation = dab.erase ? 'destination-out' : 'source-over';
      ctx.fillStyle = '#fff';
      ctx.beginPath();
      ctx.arc(dab.x * this.factor, dab.y * this.factor, Math.max(0.5, dab.radius * this.factor), 0, Math.PI * 2);
      ctx.fill();
      if (!dab.erase) this.#painted = true;
    }
    this.#retint();
  }

  /** Everything is to change. */
  fill(): void {
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    ctx.globalCompositeOperation = 'source-over';
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
    this.#painted = true;
    this.#retint();
  }

  clear(): void {
    this.canvas.getContext('2d')?.clearRect(0, 0, this.canvas.width, this.canvas.height);
    this.#painted = false;
    this.#retint();
  }

  /** The mask as the server takes it: the layer's size, transparent where painted, opaque black elsewhere. */
  async toPng(): Promise<Blob> {
    const out = document.createElement('canvas');
    out.width = this.width;
    out.height = this.height;
    const ctx = out.getContext('2d');
    if (!ctx) throw new Error('this browser cannot draw a mask');
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, this.width, this.height);
    ctx.globalCompositeOperation = 'destination-out';
    ctx.drawImage(this.canvas, 0, 0, this.width, this.height);
    return new Promise((resolve, reject) =>
      out.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('the mask could not be encoded'))), 'image/png'),
    );
  }

  #retint(): void {
    const ctx = this.tinted.getContext('2d');
    if (!ctx) return;
    ctx.globalCompositeOperation = 'copy';
    ctx.drawImage(this.canvas, 0, 0);
    ctx.globalCompositeOperation = 'source-in';
    ctx.fillStyle = TINT;
    ctx.fillRect(0, 0, this.tinted.width, this.tinted.height);
  }
}
