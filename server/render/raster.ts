// The canvas being flattened, as raw RGB, and the two ways a piece is blended
// onto it. libvips applies its separable blend modes (multiply, screen, …) to
// premultiplied colours, which differs from the W3C formula a browser canvas
// uses whenever the layer is partly transparent. So: pieces that are `normal`,
// or fully opaque or fully transparent at every pixel, go through one libvips
// composite together (exact); a translucent piece in another mode is blended
// at full strength by libvips (exact when opaque) and then mixed back by its
// alpha, which is the W3C result: Cb + α·(B(Cb, Cs) − Cb).
import sharp from 'sharp';
import { sharpBlend } from './blend.ts';
import type { Piece } from './layer-piece.ts';

export class Raster {
  readonly width: number;
  readonly height: number;
  #rgb: Buffer;
  /** Pieces waiting to go through libvips in one pass, bottom first. */
  #pending: Piece[] = [];

  constructor(width: number, height: number, background: string) {
    this.width = width;
    this.height = height;
    const colour = Buffer.from(background.slice(1), 'hex');
    this.#rgb = Buffer.alloc(width * height * 3).fill(colour);
  }

  /** Adds the next piece up the stack. */
  async draw(piece: Piece): Promise<void> {
    if (piece.blend === 'normal' || !piece.translucent) {
      this.#pending.push(piece);
      return;
    }
    await this.flush();
    await this.#mix(piece);
  }

  /** The canvas with every piece drawn so far. */
  async pixels(): Promise<Buffer> {
    await this.flush();
    return this.#rgb;
  }

  async flush(): Promise<void> {
    if (this.#pending.length === 0) return;
    const pieces = this.#pending;
    this.#pending = [];
    this.#rgb = await sharp(this.#rgb, { raw: { width: this.width, height: this.height, channels: 3 } })
      .composite(
        pieces.map((piece) => ({
          input: piece.rgba,
          raw: { width: piece.rect.width, height: piece.rect.height, channels: 4 as const },
          left: piece.rect.left,
          top: piece.rect.top,
          blend: sharpBlend(piece.blend),
        })),
      )
      .removeAlpha()
      .raw()
      .toBuffer();
  }

  /** A translucent piece in a separable mode: blend it opaque, then mix by alpha. */
  async #mix(piece: Piece): Promise<void> {
    const { rect, rgba } = piece;
    const count = rect.width * rect.height;
    const region = Buffer.allocUnsafe(count * 3);
    const colour = Buffer.allocUnsafe(count * 3);
    for (let row = 0; row < rect.height; row++) {
      const from = ((rect.top + row) * this.width + rect.left) * 3;
      this.#rgb.copy(region, row * rect.width * 3, from, from + rect.width * 3);
    }
    for (let p = 0; p < count; p++) {
      colour[p * 3] = rgba[p * 4]!;
      colour[p * 3 + 1] = rgba[p * 4 + 1]!;
      colour[p * 3 + 2] = rgba[p * 4 + 2]!;
    }
    const raw = { width: rect.width, height: rect.height, channels: 3 as const };
    const blended = await sharp(region, { raw })
      .composite([{ input: colour, raw, blend: sharpBlend(piece.blend) }])
      .removeAlpha()
      .raw()
      .toBuffer();
    for (let row = 0; row < rect.height; row++) {
      let out = ((rect.top + row) * this.width + rect.left) * 3;
      for (let col = 0; col < rect.width; col++, out += 3) {
        const p = row * rect.width + col;
        const alpha = rgba[p * 4 + 3]!;
        if (alpha === 0) continue;
        for (let c = 0; c < 3; c++) {
          const below = this.#rgb[out + c]!;
          this.#rgb[out + c] = Math.round(below + ((blended[p * 3 + c]! - below) * alpha) / 255);
        }
      }
    }
  }
}
