// The canvas being flattened, as raw RGB, and how each piece is blended onto
// it so that the result is the W3C formula a browser canvas applies:
//   result = Cb + α·(B(Cb, Cs) − Cb)
// libvips evaluates its separable modes (multiply, screen, …) on premultiplied
// colours, which matches that only where α is 0 or 1. So:
// - `normal`, and any piece whose every pixel is fully opaque or transparent,
//   goes to libvips as it is;
// - multiply and screen are linear in Cs: fading the colour towards the mode's
//   neutral colour (white, black) by α and drawing it opaque is exact;
// - any other translucent piece is blended opaque by libvips over the region
//   it covers, mixed with what was there by α here, and drawn as an opaque
//   `normal` piece.
// Pieces queue up and reach the whole canvas in one libvips composite.
import { loadSharp } from '../media/sharp.ts';
import type { BlendMode } from '../../shared/doc-schema.ts';
import { sharpBlend } from './blend.ts';
import { intersect, type Rect } from './layer-placement.ts';
import type { Piece } from './layer-piece.ts';
import { copyRect } from './pixels.ts';

/** The colour each mode linear in Cs leaves the backdrop unchanged with. */
const NEUTRAL: Partial<Record<BlendMode, 0 | 255>> = { multiply: 255, screen: 0 };

/** A piece as libvips will take it. */
interface Overlay {
  pixels: Buffer;
  channels: 3 | 4;
  rect: Rect;
  blend: BlendMode;
}

export class Raster {
  readonly width: number;
  readonly height: number;
  readonly #area: Rect;
  #rgb: Buffer;
  /** Overlays not yet composited onto #rgb, bottom first. */
  #pending: Overlay[] = [];

  constructor(width: number, height: number, background: string) {
    this.width = width;
    this.height = height;
    this.#area = { left: 0, top: 0, width, height };
    this.#rgb = Buffer.alloc(width * height * 3).fill(Buffer.from(background.slice(1), 'hex'));
  }

  /** Adds the next piece up the stack. The piece's buffer is reused. */
  async draw(piece: Piece): Promise<void> {
    const { rect, rgba, blend } = piece;
    if (blend === 'normal' || !piece.translucent) {
      this.#pending.push({ pixels: rgba, channels: 4, rect, blend });
      return;
    }
    const neutral = NEUTRAL[blend];
    if (neutral !== undefined) {
      this.#pending.push({ pixels: towardsNeutral(rgba, neutral), channels: 3, rect, blend });
      return;
    }
    this.#pending.push({ pixels: await this.#mixed(piece), channels: 3, rect, blend: 'normal' });
  }

  /** The canvas with every piece drawn so far. */
  async pixels(): Promise<Buffer> {
    await this.flush();
    return this.#rgb;
  }

  /** Composites every queued piece onto the canvas (bounding how many are held at once). */
  async flush(): Promise<void> {
    if (this.#pending.length === 0) return;
    this.#rgb = await composite(this.#rgb, this.#area, this.#pending);
    this.#pending = [];
  }

  /** What the canvas shows inside `rect` after this piece: Cb + α·(B(Cb, Cs) − Cb), opaque RGB. */
  async #mixed(piece: Piece): Promise<Buffer> {
    const { rect, rgba } = piece;
    // Cb: the canvas inside the rect with everything queued so far drawn on it.
    const region = copyRect(this.#rgb, this.#area, 3, rect);
    // Mixed in place below, so never the canvas itself (a piece covering all of it).
    const below = await composite(region === this.#rgb ? Buffer.from(region) : region, rect, this.#pending);
    // B(Cb, Cs) at full strength: libvips is exact for an opaque source.
    const alpha = Buffer.allocUnsafe(rect.width * rect.height);
    // biome-ignore-start lint/style/noNonNullAssertion: indices stay below the buffers' lengths by the loop bounds; a check per byte would slow the compositor's innermost loops.
    for (let p = 0, i = 3; p < alpha.length; p++, i += 4) {
      alpha[p] = rgba[i]!;
      rgba[i] = 255;
    }
    const full = await composite(below, rect, [{ pixels: rgba, channels: 4, rect, blend: piece.blend }]);
    for (let p = 0, i = 0; p < alpha.length; p++, i += 3) {
      const a = alpha[p]!;
      if (a === 0) continue;
      const keep = 255 - a;
      below[i] = (below[i]! * keep + full[i]! * a + 127) / 255;
      below[i + 1] = (below[i + 1]! * keep + full[i + 1]! * a + 127) / 255;
      below[i + 2] = (below[i + 2]! * keep + full[i + 2]! * a + 127) / 255;
    }
    // biome-ignore-end lint/style/noNonNullAssertion: end of the per-pixel loops
    return below;
  }
}

/** Composites overlays (in canvas coordinates) onto an RGB image covering `area`; returns raw RGB. */
async function composite(base: Buffer, area: Rect, overlays: readonly Overlay[]): Promise<Buffer> {
  const inside = overlays.map((o) => clip(o, area)).filter((o): o is Overlay => o !== null);
  if (inside.length === 0) return base;
  const sharp = await loadSharp();
  return sharp(base, { raw: { width: area.width, height: area.height, channels: 3 } })
    .composite(
      inside.map((o) => ({
        input: o.pixels,
        raw: { width: o.rect.width, height: o.rect.height, channels: o.channels },
        left: o.rect.left - area.left,
        top: o.rect.top - area.top,
        blend: sharpBlend(o.blend),
      })),
    )
    .removeAlpha()
    .raw()
    .toBuffer();
}

/** The part of an overlay inside `area` (libvips takes no overlay larger than its base), or null. */
function clip(overlay: Overlay, area: Rect): Overlay | null {
  const rect = intersect(overlay.rect, area);
  if (!rect) return null;
  return { ...overlay, pixels: copyRect(overlay.pixels, overlay.rect, overlay.channels, rect), rect };
}

/**
 * Opaque RGB whose colour is the source faded towards `neutral` (the value
 * the mode leaves the backdrop unchanged with) by α: exact for modes linear in Cs.
 */
function towardsNeutral(rgba: Buffer, neutral: 0 | 255): Buffer {
  const out = Buffer.allocUnsafe((rgba.length / 4) * 3);
  // biome-ignore-start lint/style/noNonNullAssertion: indices stay below the buffers' lengths by the loop bounds; a check per byte would slow the compositor's innermost loops.
  for (let i = 0, o = 0; i < rgba.length; i += 4, o += 3) {
    const a = rgba[i + 3]!;
    const keep = (255 - a) * neutral;
    out[o] = (rgba[i]! * a + keep + 127) / 255;
    out[o + 1] = (rgba[i + 1]! * a + keep + 127) / 255;
    out[o + 2] = (rgba[i + 2]! * a + keep + 127) / 255;
  }
  // biome-ignore-end lint/style/noNonNullAssertion: end of the per-pixel loops
  return out;
}
