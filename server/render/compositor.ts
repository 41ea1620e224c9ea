// Flattens a layer stack into the finished image: every visible layer, bottom
// first, transformed (layer-placement.ts), faded by its opacity, clipped to the
// canvas and blended onto the background (raster.ts); then the full PNG, a
// WebP thumbnail and a placeholder colour for the feed.
import { loadSharp } from '../media/sharp.ts';
import type { Layer } from '../../shared/doc-schema.ts';
import { preparePiece, type SourceReader } from './layer-piece.ts';
import { Raster } from './raster.ts';

export { LayerRenderError, type SourceReader } from './layer-piece.ts';

export interface Scene {
  width: number;
  height: number;
  /** `#rrggbb`; the canvas is opaque. */
  background: string;
  /** Checked layers (checkLayer), bottom first; hidden ones are skipped here. */
  layers: readonly Layer[];
}

export interface CompositorOptions {
  /** Largest layer source decoded, in pixels (width × height). */
  maxSourcePixels: number;
  /**
   * Bytes of transformed layers held at once (each is up to canvas × 4 bytes);
   * past it, layers are prepared in several rounds, which changes nothing but
   * the peak memory.
   */
  batchBytes: number;
}

export interface Rendering {
  width: number;
  height: number;
  png: Buffer;
  thumbnail: { webp: Buffer; width: number; height: number };
  /** Dominant colour, `#rrggbb`. */
  placeholder: string;
}

export const THUMBNAIL_MAX_SIDE = 512;
const THUMBNAIL_QUALITY = 80;
const PNG_COMPRESSION = 6;

export class Compositor {
  readonly #options: CompositorOptions;

  constructor(options: CompositorOptions) {
    this.#options = options;
  }

  /** Throws LayerRenderError naming the first layer whose source is missing or unreadable. */
  async render(scene: Scene, read: SourceReader): Promise<Rendering> {
    const sharp = await loadSharp();
    const canvas = await this.flatten(scene, read);
    const raw = { raw: { width: scene.width, height: scene.height, channels: 3 as const } };
    const [png, thumbnail, stats] = await Promise.all([
      sharp(canvas, raw).png({ compressionLevel: PNG_COMPRESSION }).toBuffer(),
      sharp(canvas, raw)
        .resize(THUMBNAIL_MAX_SIDE, THUMBNAIL_MAX_SIDE, { fit: 'inside', withoutEnlargement: true })
        .webp({ quality: THUMBNAIL_QUALITY })
        .toBuffer({ resolveWithObject: true }),
      sharp(canvas, raw).stats(),
    ]);
    return {
      width: scene.width,
      height: scene.height,
      png,
      thumbnail: { webp: thumbnail.data, width: thumbnail.info.width, height: thumbnail.info.height },
      placeholder: hex(stats.dominant),
    };
  }

  /** The composited canvas as raw RGB bytes (width × height × 3). */
  async flatten(scene: Scene, read: SourceReader): Promise<Buffer> {
    const size = { width: scene.width, height: scene.height };
    const raster = new Raster(scene.width, scene.height, scene.background);
    const drawn = scene.layers.filter((layer) => layer.visible && layer.opacity > 0);
    const perRound = Math.max(1, Math.floor(this.#options.batchBytes / (scene.width * scene.height * 4)));
    for (let start = 0; start < drawn.length; start += perRound) {
      // Decoding and transforming run in parallel; blending, and the error reported, keep the stack's order.
      const pieces = await Promise.allSettled(
        drawn.slice(start, start + perRound).map((layer) => preparePiece(layer, size, read, this.#options.maxSourcePixels)),
      );
      for (const piece of pieces) if (piece.status === 'rejected') throw piece.reason;
      for (const piece of pieces) if (piece.status === 'fulfilled' && piece.value) await raster.draw(piece.value);
      await raster.flush();
    }
    return raster.pixels();
  }
}

function hex({ r, g, b }: { r: number; g: number; b: number }): string {
  return (
    '#' +
    [r, g, b]
      .map((v) =>
        Math.max(0, Math.min(255, Math.round(v)))
          .toString(16)
          .padStart(2, '0'),
      )
      .join('')
  );
}
