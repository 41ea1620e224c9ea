// Keeps the composite of the bottom of the stack in an offscreen canvas, so
// that a redraw only draws what changed and what lies above it: while images
// arrive bottom first, each is composited once onto the cache; while one
// layer keeps changing (a drag, a slider, someone else's drag), the layers
// below it are not drawn again. Layers above a change are always redrawn:
// their blending depends on what is below them.
import type { CanvasMeta, Layer } from '../../shared/doc-schema.ts';
import { type DrawResult, drawStack } from './compositor.ts';

type ImageFor = Parameters<typeof drawStack>[3];

export interface PrefixPlan {
  /** Layers of the cache that stay valid and are kept (0: rebuild). */
  reuse: number;
  /** Layers the cache holds after this draw. */
  target: number;
}

/**
 * `previous` and `current` are the layers' signatures at the last draw and
 * now, `cached` those the cache holds, `settled` how many layers from the
 * bottom are final (image decoded, failed, or nothing to draw).
 */
export function planPrefix(
  previous: readonly string[],
  current: readonly string[],
  cached: readonly string[],
  settled: number,
): PrefixPlan {
  let changed = 0;
  while (changed < current.length && changed < previous.length && current[changed] === previous[changed]) changed++;
  const target = Math.min(settled, changed);
  const cacheValid = cached.length <= current.length && cached.every((sig, i) => sig === current[i]);
  return { reuse: cacheValid && cached.length <= target ? cached.length : 0, target };
}

export class StackCache {
  #canvas: HTMLCanvasElement | null = null;
  #key = '';
  #cached: string[] = [];
  #previous: string[] = [];

  /** Draws the whole stack onto `ctx` (its canvas is `width` × `height` device pixels). */
  draw(
    ctx: CanvasRenderingContext2D,
    meta: CanvasMeta,
    layers: readonly Layer[],
    imageFor: ImageFor,
    zoom: number,
    settled: (layer: Layer) => boolean,
    quality: ImageSmoothingQuality = 'high',
  ): DrawResult {
    const { width, height } = ctx.canvas;
    const key = `${width}x${height}:${zoom}:${meta.width}x${meta.height}:${meta.background}:${quality}`;
    if (key !== this.#key) {
      this.#key = key;
      this.#cached = [];
    }
    const current = layers.map((layer) => `${JSON.stringify(layer)}:${settled(layer) ? 1 : 0}`);
    const unsettled = layers.findIndex((layer) => !settled(layer));
    const settledCount = unsettled < 0 ? layers.length : unsettled;
    const plan = planPrefix(this.#previous, current, this.#cached, settledCount);
    this.#previous = current;
    if (plan.target === 0) {
      this.#cached = [];
      return drawStack(ctx, meta, layers, imageFor, zoom, { quality });
    }
    this.#canvas ??= document.createElement('canvas');
    const canvas = this.#canvas;
    if (canvas.width !== width || canvas.height !== height) {
      canvas.width = width;
      canvas.height = height;
    }
    const cacheCtx = canvas.getContext('2d');
    if (!cacheCtx) return drawStack(ctx, meta, layers, imageFor, zoom, { quality });
    if (plan.reuse === 0) drawStack(cacheCtx, meta, layers.slice(0, plan.target), imageFor, zoom, { quality });
    else if (plan.target > plan.reuse)
      drawStack(cacheCtx, meta, layers.slice(plan.reuse, plan.target), imageFor, zoom, { onto: true, quality });
    this.#cached = current.slice(0, plan.target);
    const result = drawStack(ctx, meta, layers.slice(plan.target), imageFor, zoom, { base: canvas, quality });
    const below = layers.slice(0, plan.target).filter((l) => l.visible && l.opacity > 0).length;
    return { drawn: result.drawn + below, pending: result.pending };
  }
}
