// The canvas's direct manipulation as maths: pointer to document pixels, hit
// testing, what a drag on a layer or a handle makes of it, and the keyboard.
import { describe, expect, test } from 'vitest';
import {
  type Gesture,
  gesturePatch,
  handleGesture,
  hitTest,
  KEY_NUDGE_SHIFT_PX,
  KEY_SCALE_FACTOR,
  keyAction,
  MOVE_DEAD_ZONE,
  ROTATE_HANDLE_OFFSET_PX,
  ROTATE_SNAP_DEGREES,
  rescale,
  rotateHandlePosition,
  toDocPoint,
} from '../../client/room/canvas-gestures.ts';
import { centre, corners } from '../../client/render/geometry.ts';
import { type Layer, SCALE_LIMITS } from '../../shared/doc-schema.ts';

function layer(patch: Partial<Layer> = {}): Layer {
  return {
    id: 'l1',
    name: 'Layer',
    src: `/media/${'a'.repeat(64)}.png`,
    visible: true,
    opacity: 1,
    blend: 'normal',
    x: 100,
    y: 100,
    scale: 1,
    rotation: 0,
    createdBy: 'u',
    ...patch,
  };
}

/** Every test image is 200 × 100. */
const SIZE = { width: 200, height: 100 };

describe('pointer position', () => {
  test('client pixels become document pixels through the canvas box and its fit', () => {
    expect(toDocPoint({ clientX: 150, clientY: 90 }, { left: 50, top: 40 }, 0.5)).toEqual({ x: 200, y: 100 });
    expect(toDocPoint({ clientX: 50, clientY: 40 }, { left: 50, top: 40 }, 2)).toEqual({ x: 0, y: 0 });
  });
});

describe('hit testing', () => {
  const bottom = layer({ id: 'bottom', x: 0, y: 0 });
  const top = layer({ id: 'top', x: 150, y: 50 });
  const size = () => SIZE;

  test('finds the topmost layer under the point', () => {
    expect(hitTest([bottom, top], size, { x: 180, y: 80 })?.id).toBe('top');
    expect(hitTest([bottom, top], size, { x: 20, y: 20 })?.id).toBe('bottom');
    expect(hitTest([bottom, top], size, { x: 500, y: 500 })).toBeNull();
  });

  test('skips hidden layers and layers whose image size is not known yet', () => {
    expect(hitTest([bottom, { ...top, visible: false }], size, { x: 180, y: 80 })?.id).toBe('bottom');
    expect(hitTest([bottom, top], (l) => (l.id === 'top' ? null : SIZE), { x: 180, y: 80 })?.id).toBe('bottom');
  });

  test('follows rotation: a corner of the unrotated box is outside the turned one', () => {
    const turned = layer({ x: 0, y: 0, rotation: 45 });
    expect(hitTest([turned], size, { x: 2, y: 2 })).toBeNull();
    expect(hitTest([turned], size, centre(turned, SIZE.width, SIZE.height))?.id).toBe('l1');
  });
});

describe('drag gestures', () => {
  const move = (origin: Layer): Gesture => ({ kind: 'move', id: origin.id, start: { x: 10, y: 10 }, origin });

  test('move: whole pixels from the layer where the drag started; a click inside the dead zone changes nothing', () => {
    const origin = layer();
    expect(gesturePatch(move(origin), { x: 10 + MOVE_DEAD_ZONE / 2, y: 10 }, false)).toBeNull();
    expect(gesturePatch(move(origin), { x: 35.4, y: 4.6 }, false)).toEqual({ x: 125, y: 95 });
    // Every move is measured from the start, not from the last pointer position.
    expect(gesturePatch(move(origin), { x: 20, y: 10 }, false)).toEqual({ x: 110, y: 100 });
  });

  test('scale: by the ratio of distances from the centre, about the centre, to three decimals', () => {
    const origin = layer();
    const c = centre(origin, SIZE.width, SIZE.height); // (200, 150)
    const gesture = handleGesture('scale', origin, SIZE, { x: c.x + 100, y: c.y });
    expect(gesture.kind).toBe('scale');
    const patch = gesturePatch(gesture, { x: c.x + 150, y: c.y }, false);
    expect(patch).toEqual({ scale: 1.5, x: 50, y: 75 });
    // The centre stays put.
    const scaled = { ...origin, ...patch };
    expect(centre(scaled, SIZE.width, SIZE.height)).toEqual(c);
    expect(gesturePatch(gesture, { x: c.x + 100 / 3, y: c.y }, false)?.scale).toBe(0.333);
  });

  test('scale: clamped to the document limits, and refused from the centre itself or without the image size', () => {
    const origin = layer();
    const c = centre(origin, SIZE.width, SIZE.height);
    const gesture = handleGesture('scale', origin, SIZE, { x: c.x + 10, y: c.y });
    expect(gesturePatch(gesture, { x: c.x + 100_000, y: c.y }, false)?.scale).toBe(SCALE_LIMITS.max);
    expect(gesturePatch(gesture, c, false)?.scale).toBe(SCALE_LIMITS.min);
    expect(gesturePatch(handleGesture('scale', origin, SIZE, { x: c.x + 0.5, y: c.y }), { x: c.x + 50, y: c.y }, false)).toBeNull();
    expect(gesturePatch(handleGesture('scale', origin, null, { x: c.x + 10, y: c.y }), { x: c.x + 50, y: c.y }, false)).toBeNull();
  });

  test('rotate: by the angle swept about the centre, clockwise, snapped with Shift, kept in [-180, 180)', () => {
    const origin = layer({ rotation: 10 });
    const c = centre(origin, SIZE.width, SIZE.height);
    const gesture = handleGesture('rotate', origin, SIZE, { x: c.x + 50, y: c.y });
    expect(gesture.kind).toBe('rotate');
    // A quarter turn down the screen is +90° (y points down).
    expect(gesturePatch(gesture, { x: c.x, y: c.y + 50 }, false)).toEqual({ rotation: 100 });
    const slightly = { x: c.x + 50, y: c.y + 50 * Math.tan((22 * Math.PI) / 180) };
    expect(gesturePatch(gesture, slightly, false)?.rotation).toBeCloseTo(32, 6);
    expect(gesturePatch(gesture, slightly, true)).toEqual({ rotation: 2 * ROTATE_SNAP_DEGREES });
    expect(gesturePatch(gesture, { x: c.x - 50, y: c.y - 1 }, false)?.rotation).toBeLessThan(-168);
    expect(gesturePatch(handleGesture('rotate', origin, null, { x: 0, y: 0 }), { x: 5, y: 5 }, false)).toBeNull();
  });

  test('any handle other than rotate scales', () => {
    expect(handleGesture('scale', layer(), SIZE, { x: 0, y: 0 }).kind).toBe('scale');
    expect(handleGesture('corner', layer(), SIZE, { x: 0, y: 0 }).kind).toBe('scale');
  });
});

describe('keyboard', () => {
  const selected = { layer: layer(), size: SIZE };

  test('Escape deselects, with or without a selection', () => {
    expect(keyAction('Escape', false, null)).toEqual({ kind: 'deselect' });
    expect(keyAction('Escape', false, selected)).toEqual({ kind: 'deselect' });
  });

  test('nothing happens without a selection or for other keys', () => {
    expect(keyAction('ArrowLeft', false, null)).toEqual({ kind: 'none' });
    expect(keyAction('a', false, selected)).toEqual({ kind: 'none' });
  });

  test('arrows nudge by a pixel, by ten with Shift', () => {
    expect(keyAction('ArrowLeft', false, selected)).toEqual({ kind: 'patch', patch: { x: 99 } });
    expect(keyAction('ArrowRight', true, selected)).toEqual({ kind: 'patch', patch: { x: 100 + KEY_NUDGE_SHIFT_PX } });
    expect(keyAction('ArrowUp', false, selected)).toEqual({ kind: 'patch', patch: { y: 99 } });
    expect(keyAction('ArrowDown', true, selected)).toEqual({ kind: 'patch', patch: { y: 110 } });
  });

  test('+ and − scale about the centre within the limits; without the image size they apply nothing', () => {
    expect(keyAction('+', false, selected)).toEqual({ kind: 'patch', patch: rescale(selected.layer, SIZE, KEY_SCALE_FACTOR) });
    expect(keyAction('=', false, selected)).toEqual(keyAction('+', false, selected));
    expect(keyAction('-', false, selected)).toEqual({ kind: 'patch', patch: rescale(selected.layer, SIZE, 0.952) });
    const huge = { layer: layer({ scale: SCALE_LIMITS.max }), size: SIZE };
    expect(keyAction('+', false, huge)).toMatchObject({ patch: { scale: SCALE_LIMITS.max } });
    const tiny = { layer: layer({ scale: SCALE_LIMITS.min }), size: SIZE };
    expect(keyAction('-', false, tiny)).toMatchObject({ patch: { scale: SCALE_LIMITS.min } });
    expect(keyAction('+', false, { layer: layer(), size: null })).toEqual({ kind: 'patch', patch: null });
  });

  test('[ and ] turn by a degree, by the snap step with Shift, wrapping at ±180', () => {
    expect(keyAction('[', false, selected)).toEqual({ kind: 'patch', patch: { rotation: -1 } });
    expect(keyAction('}', true, selected)).toEqual({ kind: 'patch', patch: { rotation: ROTATE_SNAP_DEGREES } });
    expect(keyAction(']', false, { layer: layer({ rotation: 179.5 }), size: SIZE })).toEqual({
      kind: 'patch',
      patch: { rotation: -179.5 },
    });
  });

  test('Delete and Backspace delete', () => {
    expect(keyAction('Delete', false, selected)).toEqual({ kind: 'delete' });
    expect(keyAction('Backspace', false, selected)).toEqual({ kind: 'delete' });
  });
});

describe('rotate handle', () => {
  test('sits a fixed screen distance beyond the middle of the top edge, whatever the zoom and rotation', () => {
    const box = corners(layer({ x: 0, y: 0 }), SIZE.width, SIZE.height);
    expect(rotateHandlePosition(box, 1)).toEqual({ x: 100, y: -ROTATE_HANDLE_OFFSET_PX });
    expect(rotateHandlePosition(box, 0.5)).toEqual({ x: 100, y: -2 * ROTATE_HANDLE_OFFSET_PX });
    const turned = corners(layer({ x: 0, y: 0, rotation: 90 }), SIZE.width, SIZE.height);
    const handle = rotateHandlePosition(turned, 1);
    // Turned a quarter clockwise, "up" points right: centre (100, 50), top edge 50 to its right.
    expect(handle.x).toBeCloseTo(100 + 50 + ROTATE_HANDLE_OFFSET_PX, 6);
    expect(handle.y).toBeCloseTo(50, 6);
  });
});
