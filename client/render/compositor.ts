// Draws the layer stack onto a 2D canvas exactly as the server composites it:
// background, then every valid visible layer bottom-first, with its opacity,
// blend mode and placement, clipped to the canvas.
import type { CanvasMeta, Layer } from '../../shared/doc-schema.ts';
import { compositeOperation } from './blend.ts';
import { layerMatrix } from './geometry.ts';

export interface Drawable {
  source: CanvasImageSource;
  /** The image's natural size (the source may be a smaller copy of it). */
  width: number;
  height: number;
}

export interface DrawResult {
  /** Visible layers drawn. */
  drawn: number;
  /** Visible layers whose image is not loaded yet (missing images count in neither). */
  pending: number;
}

/**
 * Renders onto `ctx`, whose canvas shows the document at `zoom` device pixels
 * per document pixel.
 */
export function drawStack(
  ctx: CanvasRenderingContext2D,
  meta: CanvasMeta,
  layers: readonly Layer[],
  /** The image to draw for a layer, given how many device pixels wide it will be. */
  imageFor: (src: string, widthPx: (naturalWidth: number) => number) => Drawable | 'loading' | 'missing',
  zoom: number,
  /**
   * `base`: the stack below `layers`, already drawn at this size, instead of
   * the background. `onto`: draw over what the canvas already holds.
   * `quality`: of the resampling (`high` unless said otherwise).
   */
  start: { base?: CanvasImageSource; onto?: boolean; quality?: ImageSmoothingQuality } = {},
): DrawResult {
  ctx.save();
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.globalAlpha = 1;
  ctx.globalCompositeOperation = 'source-over';
  if (!start.onto) {
    ctx.clearRect(0, 0, ctx.canvas.width, ctx.canvas.height);
    if (start.base) ctx.drawImage(start.base, 0, 0);
  }
  ctx.setTransform(zoom, 0, 0, zoom, 0, 0);
  ctx.beginPath();
  ctx.rect(0, 0, meta.width, meta.height);
  ctx.clip();
  if (!start.base && !start.onto) {
    ctx.fillStyle = meta.background;
    ctx.fillRect(0, 0, meta.width, meta.height);
  }
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = start.quality ?? 'high';
  let drawn = 0;
  let pending = 0;
  for (const layer of layers) {
    if (!layer.visible || layer.opacity <= 0) continue;
    const image = imageFor(layer.src, (naturalWidth) => naturalWidth * layer.scale * zoom);
    if (image === 'loading') {
      pending++;
      continue;
    }
    if (image === 'missing') continue;
    const m = layerMatrix(layer, image.width, image.height);
    ctx.setTransform(zoom * m.a, zoom * m.b, zoom * m.c, zoom * m.d, zoom * m.e, zoom * m.f);
    ctx.globalAlpha = layer.opacity;
    ctx.globalCompositeOperation = compositeOperation(layer.blend);
    ctx.drawImage(image.source, 0, 0, image.width, image.height);
    drawn++;
  }
  ctx.restore();
  return { drawn, pending };
}
