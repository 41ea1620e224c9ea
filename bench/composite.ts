// Compositing a 1024 × 1024 work of 8 layers (mixed blend modes, opacity,
// offsets, scales, rotations) through the compositor, against the bare sharp
// pipeline a person would write for the same layers, in the same run and on
// the same inputs. Both produce the full PNG, the WebP thumbnail and the
// dominant colour. Goal: the compositor within 1.3× the bare pipeline.
//
//   npm run bench:composite [-- --runs 20]
import { parseArgs } from 'node:util';
import sharp, { type Blend } from 'sharp';
import type { BlendMode, Layer } from '../shared/doc-schema.ts';
import { Compositor, type Scene } from '../server/render/compositor.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '20' }, warmup: { type: 'string', default: '3' } } });
const RUNS = Number(values.runs);
const WARMUP = Number(values.warmup);
const SIZE = 1024;

/** A source image with detail everywhere (gradients and noise), so resampling does real work. */
async function sourceImage(width: number, height: number, seed: number, alpha: boolean): Promise<Buffer> {
  const channels = alpha ? 4 : 3;
  const data = Buffer.alloc(width * height * channels);
  let state = seed;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      state = (state * 1103515245 + 12345) >>> 0;
      const i = (y * width + x) * channels;
      data[i] = (x * 255) / width;
      data[i + 1] = (y * 255) / height;
      data[i + 2] = (state >>> 24) & 0xff;
      if (alpha) data[i + 3] = x < width / 8 ? (x * 255 * 8) / width : 255; // a soft left edge
    }
  }
  return sharp(data, { raw: { width, height, channels } }).png().toBuffer();
}

const specs: Array<{
  w: number;
  h: number;
  alpha: boolean;
  blend: BlendMode;
  opacity: number;
  x: number;
  y: number;
  scale: number;
  rotation: number;
}> = [
  { w: 1024, h: 1024, alpha: false, blend: 'normal', opacity: 1, x: 0, y: 0, scale: 1, rotation: 0 },
  { w: 768, h: 512, alpha: true, blend: 'multiply', opacity: 0.8, x: 100, y: 150, scale: 1, rotation: 12 },
  { w: 512, h: 512, alpha: false, blend: 'screen', opacity: 0.6, x: 300, y: 80, scale: 1.2, rotation: -30 },
  { w: 640, h: 480, alpha: true, blend: 'overlay', opacity: 1, x: 50, y: 500, scale: 0.9, rotation: 0 },
  { w: 400, h: 600, alpha: false, blend: 'soft-light', opacity: 0.5, x: 600, y: 300, scale: 1, rotation: 45 },
  { w: 512, h: 256, alpha: true, blend: 'darken', opacity: 0.9, x: 200, y: 700, scale: 1.5, rotation: 5 },
  { w: 300, h: 300, alpha: false, blend: 'difference', opacity: 0.7, x: 650, y: 40, scale: 1.1, rotation: -15 },
  { w: 600, h: 400, alpha: true, blend: 'normal', opacity: 0.85, x: 250, y: 350, scale: 0.8, rotation: 90 },
];

const files = new Map<string, Buffer>();
const layers: Layer[] = [];
for (const [i, spec] of specs.entries()) {
  const src = `/media/${String(i).repeat(64)}.png`;
  files.set(src, await sourceImage(spec.w, spec.h, i + 1, spec.alpha));
  layers.push({
    id: `l${i}`,
    name: `layer ${i}`,
    src,
    visible: true,
    opacity: spec.opacity,
    blend: spec.blend,
    x: spec.x,
    y: spec.y,
    scale: spec.scale,
    rotation: spec.rotation,
    createdBy: 'bench',
  });
}
const scene: Scene = { width: SIZE, height: SIZE, background: '#f4efe6', layers };
const read = async (src: string) => files.get(src) ?? null;
const compositor = new Compositor({ maxSourcePixels: 40_000_000, batchBytes: 256 * 1024 * 1024 });

const BARE_BLEND: Record<BlendMode, Blend> = {
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

/** The straightforward sharp version: transform each layer, fade it, one composite, the three outputs. */
async function bare(): Promise<{ png: Buffer; raw: Buffer }> {
  const overlays = await Promise.all(
    layers.map(async (layer, i) => {
      const spec = specs[i]!;
      const w = Math.round(spec.w * layer.scale);
      const h = Math.round(spec.h * layer.scale);
      let pipeline = sharp(files.get(layer.src)!).resize(w, h, { fit: 'fill' });
      if (layer.rotation !== 0) pipeline = pipeline.rotate(layer.rotation, { background: { r: 0, g: 0, b: 0, alpha: 0 } });
      const { data, info } = await pipeline.ensureAlpha().raw().toBuffer({ resolveWithObject: true });
      for (let p = 3; p < data.length; p += 4) data[p] = Math.round(data[p]! * layer.opacity);
      const left = Math.round(layer.x + w / 2 - info.width / 2);
      const top = Math.round(layer.y + h / 2 - info.height / 2);
      // sharp refuses overlays larger than the base; all of these fit.
      return {
        input: data,
        raw: { width: info.width, height: info.height, channels: 4 as const },
        left,
        top,
        blend: BARE_BLEND[layer.blend],
      };
    }),
  );
  const raw = await sharp({ create: { width: SIZE, height: SIZE, channels: 3, background: scene.background } })
    .composite(overlays)
    .removeAlpha()
    .raw()
    .toBuffer();
  const rawInput = { raw: { width: SIZE, height: SIZE, channels: 3 as const } };
  const [png] = await Promise.all([
    sharp(raw, rawInput).png({ compressionLevel: 6 }).toBuffer(),
    sharp(raw, rawInput).resize(512, 512, { fit: 'inside' }).webp({ quality: 80 }).toBuffer(),
    sharp(raw, rawInput).stats(),
  ]);
  return { png, raw };
}

async function ours(): Promise<Buffer> {
  return (await compositor.render(scene, read)).png;
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

for (let i = 0; i < WARMUP; i++) {
  await bare();
  await ours();
}
const times = { bare: [] as number[], ours: [] as number[] };
for (let i = 0; i < RUNS; i++) {
  // Alternate, so drift in the machine's load hits both alike.
  times.bare.push(await time(bare));
  times.ours.push(await time(ours));
}

// How far the bare pipeline is from the compositor's W3C-exact result (libvips blends translucent
// separable modes on premultiplied colour).
const reference = await compositor.flatten(scene, read);
const { raw: bareRaw } = await bare();
let worst = 0;
let off = 0;
for (let i = 0; i < reference.length; i++) {
  const d = Math.abs(reference[i]! - bareRaw[i]!);
  worst = Math.max(worst, d);
  if (d > 3) off++;
}

const result = {
  canvas: `${SIZE}x${SIZE}`,
  layers: layers.length,
  runs: RUNS,
  sharpConcurrency: sharp.concurrency(),
  bareMs: { median: +median(times.bare).toFixed(1), mean: +mean(times.bare).toFixed(1) },
  compositorMs: { median: +median(times.ours).toFixed(1), mean: +mean(times.ours).toFixed(1) },
  ratio: +(median(times.ours) / median(times.bare)).toFixed(2),
  goal: '≤ 1.3',
  bareVsExact: { maxChannelDiff: worst, channelsOffByMoreThan3: `${((off / reference.length) * 100).toFixed(1)}%` },
};
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
