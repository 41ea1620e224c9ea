// Where a layer lands on the canvas, as plain geometry (no images). The one
// definition of a layer's transform; docs/gallery.md states it for the client's
// canvas preview, which draws exactly this:
//
//   ctx.translate(x + w·scale/2, y + h·scale/2); ctx.rotate(rotation·π/180);
//   ctx.drawImage(img, -w·scale/2, -h·scale/2, w·scale, h·scale)
//
// i.e. the image is scaled to w·scale × h·scale with its top-left corner at
// (x, y), then turned `rotation` degrees clockwise about its own centre.

export interface Size {
  width: number;
  height: number;
}

export interface Transform {
  x: number;
  y: number;
  scale: number;
  /** Degrees, clockwise on screen (y points down). */
  rotation: number;
}

export interface Rect {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface Point {
  x: number;
  y: number;
}

/**
 * Only this much of the source is rendered: the part whose transformed image
 * can reach the canvas, plus a margin for the resampling kernel. It keeps a
 * huge scale (a tiny crop blown up) from allocating a huge image.
 */
export interface SourcePlan {
  /** Integer pixel rectangle of the source to use. */
  crop: Rect;
  /** The crop resized by `scale`, before rotation (at least 1 × 1). */
  resized: Size;
  /** Where the centre of the crop lands on the canvas. */
  centre: Point;
}

/** Source pixels kept beyond the visible area, so edge pixels interpolate as they would uncropped. */
const KERNEL_MARGIN = 3;

const radians = (degrees: number) => (degrees * Math.PI) / 180;

/** Maps a source point (pixels, continuous) to canvas coordinates. */
export function toCanvas(source: Size, t: Transform, u: number, v: number): Point {
  const cos = Math.cos(radians(t.rotation));
  const sin = Math.sin(radians(t.rotation));
  const dx = t.scale * (u - source.width / 2);
  const dy = t.scale * (v - source.height / 2);
  return {
    x: t.x + (source.width * t.scale) / 2 + cos * dx - sin * dy,
    y: t.y + (source.height * t.scale) / 2 + sin * dx + cos * dy,
  };
}

/** Maps a canvas point back to source coordinates (the inverse of toCanvas). */
export function toSource(source: Size, t: Transform, px: number, py: number): Point {
  const cos = Math.cos(radians(t.rotation));
  const sin = Math.sin(radians(t.rotation));
  const dx = px - (t.x + (source.width * t.scale) / 2);
  const dy = py - (t.y + (source.height * t.scale) / 2);
  return {
    x: source.width / 2 + (cos * dx + sin * dy) / t.scale,
    y: source.height / 2 + (-sin * dx + cos * dy) / t.scale,
  };
}

/** What of the source to render for this canvas, or null when none of it reaches the canvas. */
export function planSource(source: Size, t: Transform, canvas: Size): SourcePlan | null {
  // The layer's own bounds on the canvas first: the cheap, common way to miss it.
  const placed = [
    toCanvas(source, t, 0, 0),
    toCanvas(source, t, source.width, 0),
    toCanvas(source, t, 0, source.height),
    toCanvas(source, t, source.width, source.height),
  ];
  if (
    Math.max(...placed.map((p) => p.x)) <= 0 ||
    Math.max(...placed.map((p) => p.y)) <= 0 ||
    Math.min(...placed.map((p) => p.x)) >= canvas.width ||
    Math.min(...placed.map((p) => p.y)) >= canvas.height
  ) {
    return null;
  }
  // The canvas's corners in source space bound every source point that can land on it.
  const corners = [
    toSource(source, t, 0, 0),
    toSource(source, t, canvas.width, 0),
    toSource(source, t, 0, canvas.height),
    toSource(source, t, canvas.width, canvas.height),
  ];
  const left = Math.max(0, Math.floor(Math.min(...corners.map((p) => p.x))) - KERNEL_MARGIN);
  const top = Math.max(0, Math.floor(Math.min(...corners.map((p) => p.y))) - KERNEL_MARGIN);
  const right = Math.min(source.width, Math.ceil(Math.max(...corners.map((p) => p.x))) + KERNEL_MARGIN);
  const bottom = Math.min(source.height, Math.ceil(Math.max(...corners.map((p) => p.y))) + KERNEL_MARGIN);
  if (right <= left || bottom <= top) return null;
  const crop = { left, top, width: right - left, height: bottom - top };
  return {
    crop,
    resized: {
      width: Math.max(1, Math.round(crop.width * t.scale)),
      height: Math.max(1, Math.round(crop.height * t.scale)),
    },
    centre: toCanvas(source, t, left + crop.width / 2, top + crop.height / 2),
  };
}

/** The top-left corner, in whole pixels, of a piece of the given size centred on a canvas point. */
export function placeCentred(piece: Size, centre: Point): Point {
  return { x: Math.round(centre.x - piece.width / 2), y: Math.round(centre.y - piece.height / 2) };
}

/** The part of a rectangle inside the canvas, or null when they do not overlap. */
export function clipToCanvas(rect: Rect, canvas: Size): Rect | null {
  return intersect(rect, { left: 0, top: 0, ...canvas });
}

/** The overlap of two rectangles, or null. */
export function intersect(a: Rect, b: Rect): Rect | null {
  const left = Math.max(a.left, b.left);
  const top = Math.max(a.top, b.top);
  const right = Math.min(a.left + a.width, b.left + b.width);
  const bottom = Math.min(a.top + a.height, b.top + b.height);
  if (right <= left || bottom <= top) return null;
  return { left, top, width: right - left, height: bottom - top };
}
