import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { BLEND_MODES, type BlendMode, type Layer } from '../../shared/doc-schema.ts';
import { Compositor, LayerRenderError, type Scene } from '../../server/render/compositor.ts';

type RGB = [number, number, number];
const rgb = (hex: string): RGB => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as RGB;

/** W3C Compositing and Blending Level 1, separable modes, on 0–1 values. */
function w3c(mode: BlendMode, cb: number, cs: number): number {
  const hardLight = (b: number, s: number) => (s <= 0.5 ? 2 * s * b : 1 - 2 * (1 - s) * (1 - b));
  switch (mode) {
    case 'normal':
      return cs;
    case 'multiply':
      return cb * cs;
    case 'screen':
      return cb + cs - cb * cs;
    case 'overlay':
      return hardLight(cs, cb);
    case 'darken':
      return Math.min(cb, cs);
    case 'lighten':
      return Math.max(cb, cs);
    case 'hard-light':
      return hardLight(cb, cs);
    case 'soft-light': {
      const d = cb <= 0.25 ? ((16 * cb - 12) * cb + 4) * cb : Math.sqrt(cb);
      return cs <= 0.5 ? cb - (1 - 2 * cs) * cb * (1 - cb) : cb + (2 * cs - 1) * (d - cb);
    }
    case 'difference':
      return Math.abs(cb - cs);
  }
}
const expected = (mode: BlendMode, below: RGB, above: RGB, alpha: number): RGB =>
  below.map((b, i) => 255 * ((1 - alpha) * (b / 255) + alpha * w3c(mode, b / 255, above[i]! / 255))) as RGB;

const sources = new Map<string, Uint8Array>();
async function source(name: string, width: number, height: number, colours: string[]): Promise<string> {
  const half = Math.ceil(width / colours.length);
  const png = await sharp({ create: { width, height, channels: 3, background: colours[0]! } })
    .composite(
      colours
        .slice(1)
        .map((c, i) => ({ input: { create: { width: half, height, channels: 3 as const, background: c } }, left: half * (i + 1), top: 0 })),
    )
    .png()
    .toBuffer();
  const src = `/media/${name.padEnd(64, '0')}.png`;
  sources.set(src, png);
  return src;
}
const read = async (src: string) => sources.get(src) ?? null;

function layer(fields: Partial<Layer> & { id: string; src: string }): Layer {
  return { name: fields.id, visible: true, opacity: 1, blend: 'normal', x: 0, y: 0, scale: 1, rotation: 0, createdBy: 'test', ...fields };
}

const compositor = new Compositor({ maxSourcePixels: 50_000_000, batchBytes: 256 * 1024 * 1024 });
async function flatten(scene: Scene, c = compositor) {
  const data = await c.flatten(scene, read);
  return { data, at: (x: number, y: number): RGB => [...data.subarray((y * scene.width + x) * 3, (y * scene.width + x) * 3 + 3)] as RGB };
}
function near(got: RGB, want: RGB, tolerance = 2): void {
  for (let i = 0; i < 3; i++) expect(Math.abs(got[i]! - want[i]!), `${got} vs ${want}`).toBeLessThanOrEqual(tolerance);
}

describe('the compositor', () => {
  const below = '#4a90c8';
  const above = '#c8641e';

  for (const mode of BLEND_MODES) {
    it(`blends "${mode}" by the W3C formula, opaque and at 0.35 opacity, and rotated (soft edges)`, async () => {
      const src = await source(`m${mode.replace('-', '')}`, 40, 40, [above]);
      for (const [opacity, rotation] of [
        [1, 0],
        [0.35, 0],
        [1, 30],
        [0.35, 30],
      ] as const) {
        const { at } = await flatten({
          width: 64,
          height: 64,
          background: below,
          layers: [layer({ id: 'l', src, blend: mode, opacity, rotation, x: 12, y: 12 })],
        });
        near(at(32, 32), expected(mode, rgb(below), rgb(above), opacity));
        near(at(2, 2), rgb(below), 0);
      }
    });
  }

  it('blends a translucent layer over the layers queued below it, and one covering the whole canvas', async () => {
    const red = await source('q-red', 32, 64, ['#e02010']);
    const green = await source('q-green', 64, 64, ['#30c060']);
    const grey = await source('q-grey', 64, 64, ['#a0a0a0']);
    const { at } = await flatten({
      width: 64,
      height: 64,
      background: '#2040a0',
      layers: [
        layer({ id: 'red', src: red }), // left half, queued (normal)
        layer({ id: 'green', src: green, blend: 'darken', opacity: 0.5 }), // whole canvas
        layer({ id: 'grey', src: grey, blend: 'difference', opacity: 0.25 }), // whole canvas again
      ],
    });
    const stack = (base: string) => expected('difference', expected('darken', rgb(base), rgb('#30c060'), 0.5), rgb('#a0a0a0'), 0.25);
    near(at(10, 30), stack('#e02010'));
    near(at(50, 30), stack('#2040a0'));
  });

  it('draws only visible layers with some opacity, bottom first', async () => {
    const red = await source('red', 32, 32, ['#ff0000']);
    const blue = await source('blue', 32, 32, ['#0000ff']);
    const { at } = await flatten({
      width: 64,
      height: 64,
      background: '#ffffff',
      layers: [
        layer({ id: 'a', src: red, x: 0, y: 0 }),
        layer({ id: 'b', src: blue, x: 16, y: 16 }),
        layer({ id: 'hidden', src: red, x: 16, y: 16, visible: false }),
        layer({ id: 'zero', src: red, x: 32, y: 32, opacity: 0 }),
      ],
    });
    expect(at(8, 8)).toEqual([255, 0, 0]);
    expect(at(24, 24)).toEqual([0, 0, 255]); // b lies over a
    expect(at(40, 40)).toEqual([0, 0, 255]);
    expect(at(56, 56)).toEqual([255, 255, 255]);
  });

  it('scales about the top-left corner, then turns clockwise about the centre', async () => {
    // Left half red, right half blue; 20 × 10 scaled 3× at (10, 20) covers x 10–70, y 20–50.
    const src = await source('halves', 20, 10, ['#ff0000', '#0000ff']);
    const flat = await flatten({
      width: 100,
      height: 100,
      background: '#ffffff',
      layers: [layer({ id: 'l', src, x: 10, y: 20, scale: 3 })],
    });
    expect(flat.at(12, 22)).toEqual([255, 0, 0]);
    expect(flat.at(68, 48)).toEqual([0, 0, 255]);
    expect(flat.at(72, 35)).toEqual([255, 255, 255]);
    expect(flat.at(40, 18)).toEqual([255, 255, 255]);
    // Turned 90° clockwise about its centre (40, 35): red (left) goes up, blue (right) goes down.
    const turned = await flatten({
      width: 100,
      height: 100,
      background: '#ffffff',
      layers: [layer({ id: 'l', src, x: 10, y: 20, scale: 3, rotation: 90 })],
    });
    expect(turned.at(40, 10)).toEqual([255, 0, 0]);
    expect(turned.at(40, 60)).toEqual([0, 0, 255]);
    expect(turned.at(20, 35)).toEqual([255, 255, 255]); // the 60 px side is now vertical: x spans 25–55
    expect(turned.at(30, 35)).not.toEqual([255, 255, 255]);
  });

  it('clips layers hanging over every edge, and skips one entirely off the canvas', async () => {
    const src = await source('green', 50, 50, ['#00ff00']);
    const { at } = await flatten({
      width: 60,
      height: 60,
      background: '#000000',
      layers: [
        layer({ id: 'tl', src, x: -40, y: -40 }),
        layer({ id: 'br', src, x: 50, y: 50, rotation: 10 }),
        layer({ id: 'away', src, x: 500, y: -500 }),
      ],
    });
    expect(at(5, 5)).toEqual([0, 255, 0]);
    expect(at(20, 20)).toEqual([0, 0, 0]);
    expect(at(58, 58)).toEqual([0, 255, 0]);
  });

  it('renders a huge scale from the visible part of the source only', async () => {
    // 64 × 64 at scale 100 would be 6400² px; only the crop that reaches the canvas is resized.
    const src = await source('bigscale', 64, 64, ['#ff0000', '#0000ff']);
    const scene = (rotation: number): Scene => ({
      width: 256,
      height: 256,
      background: '#ffffff',
      layers: [layer({ id: 'l', src, scale: 100, x: 128 - 3200, y: 128 - 3200, rotation })],
    });
    const flat = await flatten(scene(0));
    expect(flat.at(60, 128)).toEqual([255, 0, 0]);
    expect(flat.at(196, 128)).toEqual([0, 0, 255]);
    const turned = await flatten(scene(90));
    expect(turned.at(128, 60)).toEqual([255, 0, 0]);
    expect(turned.at(128, 196)).toEqual([0, 0, 255]);
  });

  it('gives the same picture however small RENDER_BATCH_BYTES makes each round', async () => {
    const a = await source('ba', 48, 48, ['#ff8800', '#0088ff']);
    const b = await source('bb', 30, 20, ['#22cc44', '#ffffff', '#000000']);
    const scene: Scene = {
      width: 96,
      height: 80,
      background: '#808080',
      layers: [
        layer({ id: '1', src: a, x: 5, y: 5, rotation: 15 }),
        layer({ id: '2', src: b, x: 30, y: 20, scale: 2, blend: 'multiply', opacity: 0.6 }),
        layer({ id: '3', src: a, x: 40, y: 30, scale: 0.75, blend: 'screen', rotation: -40 }),
        layer({ id: '4', src: b, x: 0, y: 50, blend: 'difference', opacity: 0.5 }),
      ],
    };
    const whole = await compositor.flatten(scene, read);
    const oneByOne = await new Compositor({ maxSourcePixels: 50_000_000, batchBytes: 1 }).flatten(scene, read);
    let worst = 0;
    for (let i = 0; i < whole.length; i++) worst = Math.max(worst, Math.abs(whole[i]! - oneByOne[i]!));
    expect(worst).toBeLessThanOrEqual(2); // rounding between passes only
  });

  it('names the layer whose source is missing, unreadable or over RENDER_MAX_SOURCE_PIXELS', async () => {
    const ok = await source('ok', 40, 30, ['#123456']);
    sources.set(`/media/${'c'.repeat(64)}.png`, new TextEncoder().encode('not an image at all'));
    const scene = (bad: Layer): Scene => ({ width: 64, height: 64, background: '#ffffff', layers: [layer({ id: 'fine', src: ok }), bad] });
    const failure = async (promise: Promise<unknown>) => {
      const err = await promise.then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(LayerRenderError);
      return err as LayerRenderError;
    };
    const missing = await failure(compositor.render(scene(layer({ id: 'gone', src: `/media/${'d'.repeat(64)}.png` })), read));
    expect([missing.layerId, missing.message]).toEqual(['gone', 'src is not a media file of this server']);
    const corrupt = await failure(compositor.render(scene(layer({ id: 'junk', src: `/media/${'c'.repeat(64)}.png` })), read));
    expect([corrupt.layerId, corrupt.message]).toEqual(['junk', 'src is not a readable image']);
    const small = new Compositor({ maxSourcePixels: 1000, batchBytes: 1 << 20 });
    const big = await failure(small.render(scene(layer({ id: 'big', src: ok })), read));
    expect(big.layerId).toBe('fine'); // 40 × 30 = 1200 px > 1000: the first layer already fails
    expect(big.message).toBe('src is over 1000 pixels');
  });

  it('outputs a full-size PNG, a WebP thumbnail within 512 px and the dominant colour', async () => {
    const src = await source('thumb', 100, 100, ['#10a050']);
    const rendering = await compositor.render(
      { width: 1200, height: 600, background: '#f0f0f0', layers: [layer({ id: 'l', src, x: 0, y: 0, scale: 2 })] },
      read,
    );
    const png = await sharp(rendering.png).metadata();
    expect([png.format, png.width, png.height]).toEqual(['png', 1200, 600]);
    const thumb = await sharp(rendering.thumbnail.webp).metadata();
    expect([thumb.format, thumb.width, thumb.height]).toEqual(['webp', 512, 256]);
    expect(rendering.thumbnail).toMatchObject({ width: 512, height: 256 });
    // sharp's dominant colour is the centre of a 16-level histogram bin: close to the background, not exact.
    near(rgb(rendering.placeholder), rgb('#f0f0f0'), 16);
  });
});
