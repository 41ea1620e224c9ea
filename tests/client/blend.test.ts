// The canvas preview's blend maths against libvips (through sharp), the engine
// of the server compositor: for every blend mode and a few opacities, one
// layer pixel over a backdrop pixel must come out the same.
import sharp, { type Blend } from 'sharp';
import { describe, expect, test } from 'vitest';
import { BLEND_MODES, type BlendMode } from '../../shared/doc-schema.ts';
import { BLEND_FUNCTIONS, compositeOperation, compositePixel, parseHex, type Rgba } from '../../client/render/blend.ts';

const SHARP_BLEND: Record<BlendMode, Blend> = {
  normal: 'over',
  multiply: 'multiply',
  screen: 'screen',
  overlay: 'overlay',
  darken: 'darken',
  lighten: 'lighten',
  'soft-light': 'soft-light',
  'hard-light': 'hard-light',
  difference: 'difference',
};

async function sharpComposite(backdrop: Rgba, source: Rgba, mode: BlendMode, opacity: number): Promise<Rgba> {
  const size = 4;
  const solid = (c: Rgba, alpha: number) =>
    sharp({ create: { width: size, height: size, channels: 4, background: { r: c[0], g: c[1], b: c[2], alpha } } })
      .png()
      .toBuffer();
  const base = await solid(backdrop, backdrop[3] / 255);
  // The layer's opacity multiplies its alpha, as the server compositor applies it.
  const top = await solid(source, (source[3] / 255) * opacity);
  const { data } = await sharp(base)
    .composite([{ input: top, blend: SHARP_BLEND[mode] }])
    .raw()
    .toBuffer({ resolveWithObject: true });
  return [data[0]!, data[1]!, data[2]!, data[3]!];
}

const BACKDROPS: Rgba[] = [
  [255, 255, 255, 255],
  [40, 90, 200, 255],
  [230, 180, 20, 255],
  [12, 12, 12, 255],
];
const SOURCES: Rgba[] = [
  [200, 30, 60, 255],
  [128, 128, 128, 255],
  [20, 220, 140, 255],
  [250, 240, 10, 255],
];

describe('blend maths', () => {
  test('every blend mode has a function and a canvas operation', () => {
    for (const mode of BLEND_MODES) {
      expect(typeof BLEND_FUNCTIONS[mode]).toBe('function');
      expect(compositeOperation(mode)).toBe(mode === 'normal' ? 'source-over' : mode);
    }
  });

  test('known values of the W3C formulas', () => {
    expect(BLEND_FUNCTIONS.multiply(0.5, 0.5)).toBeCloseTo(0.25);
    expect(BLEND_FUNCTIONS.screen(0.5, 0.5)).toBeCloseTo(0.75);
    expect(BLEND_FUNCTIONS.overlay(0.25, 0.8)).toBeCloseTo(0.4);
    expect(BLEND_FUNCTIONS['hard-light'](0.8, 0.25)).toBeCloseTo(0.4);
    expect(BLEND_FUNCTIONS['soft-light'](0.25, 0.75)).toBeCloseTo(0.375);
    expect(BLEND_FUNCTIONS.difference(0.2, 0.9)).toBeCloseTo(0.7);
    // Red at 40 % over white.
    expect(compositePixel([255, 255, 255, 255], [255, 0, 0, 255], 'normal', 0.4)).toEqual([255, 153, 153, 255]);
    // Opacity 0 leaves the backdrop; over transparency the source shows as is.
    expect(compositePixel([10, 20, 30, 255], [200, 100, 0, 255], 'multiply', 0)).toEqual([10, 20, 30, 255]);
    expect(compositePixel([0, 0, 0, 0], [200, 100, 0, 255], 'difference', 1)).toEqual([200, 100, 0, 255]);
    expect(parseHex('#ff8000')).toEqual([255, 128, 0, 255]);
  });

  // libvips blends a translucent layer's premultiplied colour, which is not the
  // W3C result; the server compositor therefore blends such a layer opaque and
  // mixes it back by alpha (Cb + α·(B(Cb, Cs) − Cb)), as the reference does here.
  for (const mode of BLEND_MODES) {
    test(`${mode} matches libvips (sharp) within 2/255`, async () => {
      for (const backdrop of BACKDROPS) {
        for (const source of SOURCES) {
          for (const opacity of [1, 0.6, 0.25]) {
            const opaque = await sharpComposite(backdrop, source, mode, 1);
            const expected: Rgba =
              mode === 'normal'
                ? await sharpComposite(backdrop, source, mode, opacity)
                : ([0, 1, 2, 3].map((i) => (i === 3 ? opaque[i]! : Math.round(backdrop[i]! + (opaque[i]! - backdrop[i]!) * opacity))) as [
                    number,
                    number,
                    number,
                    number,
                  ]);
            const actual = compositePixel(backdrop, source, mode, opacity);
            for (let i = 0; i < 4; i++) {
              expect(
                Math.abs(actual[i]! - expected[i]!),
                `${mode} ${backdrop} ← ${source} @${opacity} channel ${i}: ${actual} vs ${expected}`,
              ).toBeLessThanOrEqual(2);
            }
          }
        }
      }
    });
  }
});
