// Layer placement as the server compositor defines it (docs/gallery.md): the
// image scaled to w·s × h·s with its top-left at (x, y), turned clockwise
// about its centre.
import { describe, expect, test } from 'vitest';
import {
  apply,
  centre,
  contains,
  corners,
  invert,
  layerMatrix,
  normaliseDegrees,
  scaledAboutCentre,
} from '../../client/render/geometry.ts';

const close = (p: { x: number; y: number }, x: number, y: number) => {
  expect(p.x).toBeCloseTo(x, 6);
  expect(p.y).toBeCloseTo(y, 6);
};

describe('layer geometry', () => {
  test('no transform: the image sits at (x, y) at its own size', () => {
    const [tl, tr, br, bl] = corners({ x: 10, y: 20, scale: 1, rotation: 0 }, 100, 50);
    close(tl, 10, 20);
    close(tr, 110, 20);
    close(br, 110, 70);
    close(bl, 10, 70);
  });

  test('scale keeps (x, y) as the scaled top-left', () => {
    const [tl, , br] = corners({ x: 10, y: 20, scale: 2, rotation: 0 }, 100, 50);
    close(tl, 10, 20);
    close(br, 210, 120);
    close(centre({ x: 10, y: 20, scale: 2, rotation: 0 }, 100, 50), 110, 70);
  });

  test('rotation turns clockwise about the scaled centre', () => {
    const layer = { x: 100, y: 50, scale: 2, rotation: 90 };
    const [tl, tr] = corners(layer, 40, 20);
    // Scaled box 80 × 40 centred at (140, 70); its top-left corner turns to the top-right.
    close(tl, 160, 30);
    close(tr, 160, 110);
    close(apply(layerMatrix(layer, 40, 20), { x: 20, y: 10 }), 140, 70);
  });

  test('hit testing and the inverse', () => {
    const layer = { x: 0, y: 0, scale: 1, rotation: 45 };
    expect(contains(layer, 100, 100, { x: 50, y: 50 })).toBe(true);
    // The corner of the unrotated box is outside the turned square.
    expect(contains(layer, 100, 100, { x: 2, y: 2 })).toBe(false);
    const m = layerMatrix({ x: 3, y: -7, scale: 1.5, rotation: -30 }, 64, 32);
    close(apply(invert(m), apply(m, { x: 12, y: 5 })), 12, 5);
  });

  test('scaling about the centre moves (x, y) to keep the centre', () => {
    const layer = { x: 100, y: 100, scale: 1, rotation: 30 };
    const scaled = scaledAboutCentre(layer, 200, 100, 0.5);
    close(centre(scaled, 200, 100), 200, 150);
    expect(scaled.scale).toBe(0.5);
    expect(scaled.rotation).toBe(30);
  });

  test('angles normalise to [-180, 180)', () => {
    expect(normaliseDegrees(190)).toBe(-170);
    expect(normaliseDegrees(-190)).toBe(170);
    expect(normaliseDegrees(360)).toBe(0);
  });
});
