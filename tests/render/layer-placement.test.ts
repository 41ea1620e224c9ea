import { describe, expect, it } from 'vitest';
import { clipToCanvas, placeCentred, planSource, toCanvas, toSource } from '../../server/render/layer-placement.ts';

const source = { width: 200, height: 100 };
const canvas = { width: 1024, height: 768 };

describe('layer placement', () => {
  it('puts the scaled image at (x, y) and turns it clockwise about its centre', () => {
    const plain = { x: 10, y: 20, scale: 2, rotation: 0 };
    expect(toCanvas(source, plain, 0, 0)).toEqual({ x: 10, y: 20 });
    expect(toCanvas(source, plain, 200, 100)).toEqual({ x: 410, y: 220 });
    const turned = { ...plain, rotation: 90 };
    // Centre (210, 120); the top-left corner (-200, -100) from it turns to (100, -200).
    const corner = toCanvas(source, turned, 0, 0);
    expect(corner.x).toBeCloseTo(310);
    expect(corner.y).toBeCloseTo(-80);
    const centre = toCanvas(source, turned, 100, 50);
    expect(centre.x).toBeCloseTo(210);
    expect(centre.y).toBeCloseTo(120);
  });

  it('maps back exactly', () => {
    const t = { x: -33.5, y: 71.25, scale: 0.37, rotation: -123.4 };
    for (const [u, v] of [
      [0, 0],
      [200, 100],
      [57.5, 12.25],
    ] as const) {
      const p = toCanvas(source, t, u, v);
      const back = toSource(source, t, p.x, p.y);
      expect(back.x).toBeCloseTo(u, 9);
      expect(back.y).toBeCloseTo(v, 9);
    }
  });

  it('uses the whole source when the layer fits on the canvas', () => {
    const plan = planSource(source, { x: 100, y: 100, scale: 1.5, rotation: 20 }, canvas)!;
    expect(plan.crop).toEqual({ left: 0, top: 0, width: 200, height: 100 });
    expect(plan.resized).toEqual({ width: 300, height: 150 });
    expect(plan.centre.x).toBeCloseTo(250);
    expect(plan.centre.y).toBeCloseTo(175);
  });

  it('crops a hugely scaled source to what can reach the canvas (plus a resampling margin)', () => {
    const plan = planSource(source, { x: -5000, y: -2000, scale: 100, rotation: 0 }, canvas)!;
    // Canvas x 0–1024 is source u 50–60.24, y 0–768 is v 20–27.68.
    expect(plan.crop).toEqual({ left: 47, top: 17, width: 17, height: 14 });
    expect(plan.resized).toEqual({ width: 1700, height: 1400 });
    // The crop's centre lands where that source point belongs.
    const want = toCanvas(source, { x: -5000, y: -2000, scale: 100, rotation: 0 }, 47 + 8.5, 17 + 7);
    expect(plan.centre).toEqual(want);
  });

  it('has nothing to draw for a layer entirely off the canvas', () => {
    expect(planSource(source, { x: 2000, y: 0, scale: 1, rotation: 0 }, canvas)).toBeNull();
    expect(planSource(source, { x: 0, y: -500, scale: 2, rotation: 45 }, canvas)).toBeNull();
  });

  it('centres pieces on whole pixels and clips them to the canvas', () => {
    expect(placeCentred({ width: 11, height: 10 }, { x: 50, y: 50 })).toEqual({ x: 45, y: 45 });
    expect(clipToCanvas({ left: -10, top: 700, width: 50, height: 100 }, canvas)).toEqual({ left: 0, top: 700, width: 40, height: 68 });
    expect(clipToCanvas({ left: 1024, top: 0, width: 5, height: 5 }, canvas)).toBeNull();
  });
});
