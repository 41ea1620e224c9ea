// Where a layer lands on the canvas, with the server compositor's semantics
// (docs/gallery.md, server/render/layer-placement.ts): the image is scaled to
// w·scale × h·scale with its top-left corner at (x, y), then turned `rotation`
// degrees clockwise (y points down) about its own centre.
import type { Layer } from '../../shared/doc-schema.ts';

export interface Point {
  x: number;
  y: number;
}

/** A 2D affine matrix in canvas order: x' = a·x + c·y + e, y' = b·x + d·y + f. */
export interface Matrix {
  a: number;
  b: number;
  c: number;
  d: number;
  e: number;
  f: number;
}

export type Placement = Pick<Layer, 'x' | 'y' | 'scale' | 'rotation'>;

/** Maps a point of the image (0..width, 0..height) to the canvas. */
export function layerMatrix(layer: Placement, width: number, height: number): Matrix {
  const theta = (layer.rotation * Math.PI) / 180;
  const cos = Math.cos(theta) * layer.scale;
  const sin = Math.sin(theta) * layer.scale;
  const cx = layer.x + (width * layer.scale) / 2;
  const cy = layer.y + (height * layer.scale) / 2;
  return {
    a: cos,
    b: sin,
    c: -sin,
    d: cos,
    e: cx - (cos * width) / 2 + (sin * height) / 2,
    f: cy - (sin * width) / 2 - (cos * height) / 2,
  };
}

export function apply(m: Matrix, p: Point): Point {
  return { x: m.a * p.x + m.c * p.y + m.e, y: m.b * p.x + m.d * p.y + m.f };
}

export function invert(m: Matrix): Matrix {
  const det = m.a * m.d - m.b * m.c;
  if (det === 0) return { a: 0, b: 0, c: 0, d: 0, e: 0, f: 0 };
  return {
    a: m.d / det,
    b: -m.b / det,
    c: -m.c / det,
    d: m.a / det,
    e: (m.c * m.f - m.d * m.e) / det,
    f: (m.b * m.e - m.a * m.f) / det,
  };
}

/** The four corners on the canvas: top-left, top-right, bottom-right, bottom-left. */
export function corners(layer: Placement, width: number, height: number): [Point, Point, Point, Point] {
  const m = layerMatrix(layer, width, height);
  return [apply(m, { x: 0, y: 0 }), apply(m, { x: width, y: 0 }), apply(m, { x: width, y: height }), apply(m, { x: 0, y: height })];
}

export function centre(layer: Placement, width: number, height: number): Point {
  return { x: layer.x + (width * layer.scale) / 2, y: layer.y + (height * layer.scale) / 2 };
}

/** The placement at a new scale that keeps the layer's centre where it is. */
export function scaledAboutCentre(layer: Placement, width: number, height: number, scale: number): Placement {
  const c = centre(layer, width, height);
  return { x: c.x - (width * scale) / 2, y: c.y - (height * scale) / 2, scale, rotation: layer.rotation };
}

/** Whether a canvas point falls on the layer's box. */
export function contains(layer: Placement, width: number, height: number, p: Point): boolean {
  const local = apply(invert(layerMatrix(layer, width, height)), p);
  return local.x >= 0 && local.y >= 0 && local.x <= width && local.y <= height;
}

/** Degrees in [-180, 180). */
export function normaliseDegrees(deg: number): number {
  const r = ((((deg + 180) % 360) + 360) % 360) - 180;
  return Math.round(r * 100) / 100;
}
