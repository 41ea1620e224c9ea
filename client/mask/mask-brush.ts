// The mask brush as pure maths: where a pointer (or the keyboard's brush
// cursor) falls in a layer's own image pixels, and the dabs a stroke leaves
// there. Painting in the layer's pixels keeps the mask on the image whatever
// the layer's position, scale and rotation. Tested without a browser
// (tests/client/mask-brush.test.ts).
import type { Layer } from '../../shared/doc-schema.ts';
import { apply, invert, layerMatrix, type Point } from '../render/geometry.ts';

/** Brush diameters offered, in document pixels (what the person sees on the canvas). */
export const BRUSH_SIZES = [24, 48, 96, 192] as const;
export const DEFAULT_BRUSH_SIZE = 48;
/** Arrow keys move the keyboard brush this many document pixels, with Shift four times as far. */
export const KEY_BRUSH_STEP = 8;
export const KEY_BRUSH_SHIFT_FACTOR = 4;
/** Dabs along a stroke are at most this fraction of the radius apart, so the stroke has no gaps. */
const SPACING = 0.35;

/** One round stamp of the brush, in the layer image's pixels. */
export interface Dab {
  x: number;
  y: number;
  radius: number;
  /** Erase instead of paint. */
  erase: boolean;
}

/** A document point in the layer image's own pixels (0..width, 0..height inside the image). */
export function toLayerPoint(layer: Layer, width: number, height: number, point: Point): Point {
  return apply(invert(layerMatrix(layer, width, height)), point);
}

/** A brush of `diameter` document pixels, in the layer image's pixels. */
export function layerRadius(layer: Layer, diameter: number): number {
  return diameter / 2 / Math.max(layer.scale, 1e-6);
}

/** The dabs from the stroke's last point (null at its start) to `to`, spaced so they overlap. */
export function strokeDabs(from: Point | null, to: Point, radius: number, erase: boolean): Dab[] {
  if (!from) return [{ ...to, radius, erase }];
  const distance = Math.hypot(to.x - from.x, to.y - from.y);
  const steps = Math.max(1, Math.ceil(distance / Math.max(0.5, radius * SPACING)));
  const dabs: Dab[] = [];
  for (let i = 1; i <= steps; i++) {
    const t = i / steps;
    dabs.push({ x: from.x + (to.x - from.x) * t, y: from.y + (to.y - from.y) * t, radius, erase });
  }
  return dabs;
}

/** Whether a dab touches the image at all (strokes outside the layer leave nothing). */
export function touchesImage(dab: Dab, width: number, height: number): boolean {
  return dab.x + dab.radius >= 0 && dab.y + dab.radius >= 0 && dab.x - dab.radius <= width && dab.y - dab.radius <= height;
}

/** Where an arrow key moves the keyboard brush (document pixels), or null for any other key. */
export function keyBrushMove(key: string, shift: boolean, at: Point): Point | null {
  const step = KEY_BRUSH_STEP * (shift ? KEY_BRUSH_SHIFT_FACTOR : 1);
  switch (key) {
    case 'ArrowLeft':
      return { x: at.x - step, y: at.y };
    case 'ArrowRight':
      return { x: at.x + step, y: at.y };
    case 'ArrowUp':
      return { x: at.x, y: at.y - step };
    case 'ArrowDown':
      return { x: at.x, y: at.y + step };
    default:
      return null;
  }
}
