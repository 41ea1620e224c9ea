// Direct manipulation on the canvas as pure maths: where a pointer is in
// document pixels, which layer it is on, and the patch a gesture or a key
// makes of the layer. canvas-preview.ts owns the pointers, the events sent
// and their timing; everything here is tested without a browser
// (tests/client/canvas-gestures.test.ts).
import { assertNever } from '../../shared/assert-never.ts';
import { type Layer, SCALE_LIMITS } from '../../shared/doc-schema.ts';
import type { LayerPatch } from '../doc/layers.ts';
import { centre, contains, normaliseDegrees, type Point, scaledAboutCentre } from '../render/geometry.ts';

/**
 * What pointer input on the canvas does. `transform` moves, scales and turns
 * the selected layer; `mask` paints a mask over it (client/mask/). A new tool
 * adds its name here, its gesture kinds to `Gesture`, and a case to the
 * canvas's pointer switch.
 */
export const CANVAS_TOOLS = ['transform', 'mask'] as const;
export type CanvasTool = (typeof CANVAS_TOOLS)[number];

/** A movement under this many document pixels on both axes is a click, not a move. */
export const MOVE_DEAD_ZONE = 0.5;
/** A scale gesture must start at least this far (document pixels) from the layer's centre, or its ratio blows up. */
export const MIN_SCALE_RADIUS = 1;
/** Shift snaps rotation, and Shift with `[` `]` turns, by this many degrees. */
export const ROTATE_SNAP_DEGREES = 15;
/** `[` `]` turn by this many degrees. */
export const KEY_ROTATE_DEGREES = 1;
/** Arrow keys move by this many document pixels, with Shift by KEY_NUDGE_SHIFT_PX. */
export const KEY_NUDGE_PX = 1;
export const KEY_NUDGE_SHIFT_PX = 10;
/** `+` and `−` multiply and divide the scale by this. */
export const KEY_SCALE_FACTOR = 1.05;
/** The rotate handle sits this many CSS pixels above the middle of the layer's top edge. */
export const ROTATE_HANDLE_OFFSET_PX = 28;
/** Scales are kept to three decimals, positions after a rescale to two; moves land on whole pixels. */
const SCALE_STEP = 1000;
const POSITION_STEP = 100;

/** A layer image's natural size in pixels. */
export interface Size {
  width: number;
  height: number;
}

/** A drag in progress on one layer, from where it started and what the layer was then. */
export type Gesture =
  | { kind: 'move'; id: string; start: Point; origin: Layer }
  | { kind: 'scale'; id: string; start: Point; origin: Layer; size: Size | null }
  | { kind: 'rotate'; id: string; start: Point; origin: Layer; size: Size | null };

/** The gesture a press on a selection handle starts (`data-handle` of the handle). */
export function handleGesture(handle: string, layer: Layer, size: Size | null, start: Point): Gesture {
  return { kind: handle === 'rotate' ? 'rotate' : 'scale', id: layer.id, start, origin: layer, size };
}

/** A pointer's position in document pixels, on a canvas whose box is at `box` and drawn at `fit` CSS pixels per document pixel. */
export function toDocPoint(pointer: { clientX: number; clientY: number }, box: { left: number; top: number }, fit: number): Point {
  return { x: (pointer.clientX - box.left) / fit, y: (pointer.clientY - box.top) / fit };
}

/** The topmost visible layer under a point (layers bottom first); layers whose size is unknown cannot be hit. */
export function hitTest(layers: readonly Layer[], sizeOf: (layer: Layer) => Size | null, point: Point): Layer | null {
  for (let i = layers.length - 1; i >= 0; i--) {
    const layer = layers[i];
    if (!layer?.visible) continue;
    const size = sizeOf(layer);
    if (size && contains(layer, size.width, size.height, point)) return layer;
  }
  return null;
}

/** The patch a gesture makes with the pointer at `point`; null while it changes nothing. `snap`: Shift is held. */
export function gesturePatch(gesture: Gesture, point: Point, snap: boolean): LayerPatch | null {
  const { origin } = gesture;
  switch (gesture.kind) {
    case 'move': {
      const dx = point.x - gesture.start.x;
      const dy = point.y - gesture.start.y;
      if (Math.abs(dx) < MOVE_DEAD_ZONE && Math.abs(dy) < MOVE_DEAD_ZONE) return null;
      return { x: Math.round(origin.x + dx), y: Math.round(origin.y + dy) };
    }
    case 'scale': {
      if (!gesture.size) return null;
      const c = centre(origin, gesture.size.width, gesture.size.height);
      const from = Math.hypot(gesture.start.x - c.x, gesture.start.y - c.y);
      const to = Math.hypot(point.x - c.x, point.y - c.y);
      if (from < MIN_SCALE_RADIUS) return null;
      const scale = clampScale(origin.scale * (to / from));
      return rescale(origin, gesture.size, Math.round(scale * SCALE_STEP) / SCALE_STEP);
    }
    case 'rotate': {
      if (!gesture.size) return null;
      const c = centre(origin, gesture.size.width, gesture.size.height);
      const a0 = Math.atan2(gesture.start.y - c.y, gesture.start.x - c.x);
      const a1 = Math.atan2(point.y - c.y, point.x - c.x);
      let rotation = origin.rotation + ((a1 - a0) * 180) / Math.PI;
      if (snap) rotation = Math.round(rotation / ROTATE_SNAP_DEGREES) * ROTATE_SNAP_DEGREES;
      return { rotation: normaliseDegrees(rotation) };
    }
    default:
      return assertNever(gesture);
  }
}

/** A new scale about the layer's centre (x and y move with it). */
export function rescale(layer: Layer, size: Size, scale: number): LayerPatch {
  const placed = scaledAboutCentre(layer, size.width, size.height, scale);
  return { scale, x: Math.round(placed.x * POSITION_STEP) / POSITION_STEP, y: Math.round(placed.y * POSITION_STEP) / POSITION_STEP };
}

function clampScale(scale: number): number {
  return Math.min(SCALE_LIMITS.max, Math.max(SCALE_LIMITS.min, scale));
}

/** What a key pressed on the focused canvas does. */
export type KeyAction =
  | { kind: 'deselect' }
  /** A key the canvas handles; `patch` is null when it cannot apply (a rescale before the image's size is known). */
  | { kind: 'patch'; patch: LayerPatch | null }
  | { kind: 'delete' }
  | { kind: 'none' };

/** The keyboard's direct manipulation of the selected layer (null: none selected). */
export function keyAction(key: string, shift: boolean, selected: { layer: Layer; size: Size | null } | null): KeyAction {
  if (key === 'Escape') return { kind: 'deselect' };
  if (!selected) return { kind: 'none' };
  const { layer, size } = selected;
  const step = shift ? KEY_NUDGE_SHIFT_PX : KEY_NUDGE_PX;
  const turn = shift ? ROTATE_SNAP_DEGREES : KEY_ROTATE_DEGREES;
  const scaled = (scale: number) => ({ kind: 'patch', patch: size ? rescale(layer, size, scale) : null }) as const;
  switch (key) {
    case 'ArrowLeft':
      return { kind: 'patch', patch: { x: layer.x - step } };
    case 'ArrowRight':
      return { kind: 'patch', patch: { x: layer.x + step } };
    case 'ArrowUp':
      return { kind: 'patch', patch: { y: layer.y - step } };
    case 'ArrowDown':
      return { kind: 'patch', patch: { y: layer.y + step } };
    case '+':
    case '=':
      return scaled(Math.min(SCALE_LIMITS.max, Math.round(layer.scale * KEY_SCALE_FACTOR * SCALE_STEP) / SCALE_STEP));
    case '-':
      return scaled(Math.max(SCALE_LIMITS.min, Math.round((layer.scale / KEY_SCALE_FACTOR) * SCALE_STEP) / SCALE_STEP));
    case '[':
    case '{':
      return { kind: 'patch', patch: { rotation: normaliseDegrees(layer.rotation - turn) } };
    case ']':
    case '}':
      return { kind: 'patch', patch: { rotation: normaliseDegrees(layer.rotation + turn) } };
    case 'Delete':
    case 'Backspace':
      return { kind: 'delete' };
    default:
      return { kind: 'none' };
  }
}

/** Where the rotate handle sits for a selection outline (corners top-left first), `fit` CSS pixels per document pixel. */
export function rotateHandlePosition(corners: readonly [Point, Point, Point, Point], fit: number): Point {
  const [tl, tr, br] = corners;
  const mid = { x: (tl.x + tr.x) / 2, y: (tl.y + tr.y) / 2 };
  const c = { x: (tl.x + br.x) / 2, y: (tl.y + br.y) / 2 };
  const len = Math.hypot(mid.x - c.x, mid.y - c.y) || 1;
  const off = ROTATE_HANDLE_OFFSET_PX / fit;
  return { x: mid.x + ((mid.x - c.x) / len) * off, y: mid.y + ((mid.y - c.y) / len) * off };
}
