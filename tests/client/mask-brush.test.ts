// The mask brush's maths: strokes land in the layer's own pixels whatever its
// placement, leave no gaps, and the keyboard brush moves by steps.
import { describe, expect, test } from 'vitest';
import { keyBrushMove, layerRadius, strokeDabs, toLayerPoint, touchesImage } from '../../client/mask/mask-brush.ts';
import type { Layer } from '../../shared/doc-schema.ts';
import { testLayer } from '../helpers/layers.ts';

const layer = (patch: Partial<Layer> = {}): Layer => testLayer({ id: 'l1', name: 'photo', createdBy: 'u', ...patch });

describe('mask brush', () => {
  test('maps document points to the layer image’s pixels through its position, scale and rotation', () => {
    expect(toLayerPoint(layer({ x: 100, y: 50 }), 200, 100, { x: 150, y: 75 })).toEqual({ x: 50, y: 25 });
    const scaled = toLayerPoint(layer({ x: 0, y: 0, scale: 2 }), 200, 100, { x: 200, y: 100 });
    expect(scaled.x).toBeCloseTo(100);
    expect(scaled.y).toBeCloseTo(50);
    // Turned 90° clockwise about its centre (100, 50): the image's top-left corner is now at (150, -50).
    const turned = toLayerPoint(layer({ rotation: 90 }), 200, 100, { x: 150, y: -50 });
    expect(turned.x).toBeCloseTo(0);
    expect(turned.y).toBeCloseTo(0);
    expect(layerRadius(layer({ scale: 2 }), 48)).toBe(12);
  });

  test('a stroke’s dabs overlap from one point to the next, and a stroke starts with one dab', () => {
    expect(strokeDabs(null, { x: 5, y: 5 }, 10, false)).toEqual([{ x: 5, y: 5, radius: 10, erase: false }]);
    const dabs = strokeDabs({ x: 0, y: 0 }, { x: 100, y: 0 }, 10, true);
    expect(dabs.at(-1)).toEqual({ x: 100, y: 0, radius: 10, erase: true });
    for (let i = 1; i < dabs.length; i++) expect(dabs[i]!.x - dabs[i - 1]!.x).toBeLessThanOrEqual(10 * 0.35 + 1e-9);
  });

  test('knows dabs that miss the image, and moves the keyboard brush by arrow keys', () => {
    expect(touchesImage({ x: -20, y: 10, radius: 10, erase: false }, 100, 100)).toBe(false);
    expect(touchesImage({ x: -5, y: 10, radius: 10, erase: false }, 100, 100)).toBe(true);
    expect(keyBrushMove('ArrowRight', false, { x: 10, y: 10 })).toEqual({ x: 18, y: 10 });
    expect(keyBrushMove('ArrowUp', true, { x: 10, y: 40 })).toEqual({ x: 10, y: 8 });
    expect(keyBrushMove('a', false, { x: 0, y: 0 })).toBeNull();
  });
});
