// One layer made ready to blend: its source decoded, the part that can reach
// the canvas cut out, scaled, turned, clipped to the canvas and faded by its
// opacity.
import type { OutputInfo } from 'sharp';
import { loadSharp } from '../media/sharp.ts';
import type { BlendMode, Layer } from '../../shared/doc-schema.ts';
import { clipToCanvas, placeCentred, planSource, type Rect, type Size } from './layer-placement.ts';
import { copyRect } from './pixels.ts';

/** Reads a layer's `src` (a `/media/…` URL); null when there is no such file. */
export type SourceReader = (src: string) => Promise<Uint8Array | null>;

/** A layer that cannot be drawn; the message is for the person who published. */
export class LayerRenderError extends Error {
  readonly layerId: string;
  constructor(layerId: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'LayerRenderError';
    this.layerId = layerId;
  }
}

export interface Piece {
  /** Unpremultiplied RGBA of `rect`, opacity already in the alpha. */
  rgba: Buffer;
  /** Where it goes, inside the canvas. */
  rect: Rect;
  blend: BlendMode;
  /** Whether some pixel is neither fully transparent nor fully opaque. */
  translucent: boolean;
}

const TRANSPARENT = { r: 0, g: 0, b: 0, alpha: 0 };

/** The layer's piece, or null when none of it lands on the canvas. */
export async function preparePiece(layer: Layer, canvas: Size, read: SourceReader, maxSourcePixels: number): Promise<Piece | null> {
  const bytes = await read(layer.src);
  if (!bytes) throw new LayerRenderError(layer.id, 'src is not a media file of this server');
  const sharp = await loadSharp();
  const options = { limitInputPixels: maxSourcePixels };
  let source: Size;
  try {
    // The header only: nothing is decoded before the size is known to be within the limit.
    const meta = await sharp(bytes, { limitInputPixels: false }).metadata();
    source = { width: meta.width, height: meta.height };
  } catch (err) {
    throw new LayerRenderError(layer.id, 'src is not a readable image', { cause: err });
  }
  if (source.width * source.height > maxSourcePixels) {
    throw new LayerRenderError(layer.id, `src is over ${maxSourcePixels} pixels`);
  }
  const plan = planSource(source, layer, canvas);
  if (!plan) return null;

  let pipeline = sharp(bytes, options);
  const { crop, resized } = plan;
  if (crop.width !== source.width || crop.height !== source.height) pipeline = pipeline.extract(crop);
  if (resized.width !== crop.width || resized.height !== crop.height) {
    pipeline = pipeline.resize(resized.width, resized.height, { fit: 'fill' });
  }
  const turn = layer.rotation % 360;
  if (turn !== 0) pipeline = pipeline.rotate(turn, { background: TRANSPARENT });
  let out: { data: Buffer; info: OutputInfo };
  try {
    out = await pipeline.ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  } catch (err) {
    throw new LayerRenderError(layer.id, 'src is not a readable image', { cause: err });
  }
  const size = { width: out.info.width, height: out.info.height };
  const corner = placeCentred(size, plan.centre);
  const rect = clipToCanvas({ left: corner.x, top: corner.y, ...size }, canvas);
  if (!rect) return null;
  const rgba = copyRect(out.data, { left: corner.x, top: corner.y, ...size }, 4, rect);
  const translucent = fade(rgba, layer.opacity);
  return { rgba, rect, blend: layer.blend, translucent };
}

/**
 * Multiplies alpha by the opacity in place (sharp cannot scale one band after
 * adding alpha in the same pipeline) and tells whether any pixel is partly
 * transparent.
 */
function fade(rgba: Buffer, opacity: number): boolean {
  let translucent = false;
  for (let i = 3; i < rgba.length; i += 4) {
    // biome-ignore lint/style/noNonNullAssertion: i < rgba.length by the loop bound; this runs once per pixel of every layer.
    const alpha = opacity < 1 ? Math.round(rgba[i]! * opacity) : rgba[i]!;
    rgba[i] = alpha;
    if (alpha !== 0 && alpha !== 255) translucent = true;
  }
  return translucent;
}
