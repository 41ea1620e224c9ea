import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { LocalProvider } from '../../server/generation/local-provider.ts';
import { buildScene } from '../../server/generation/procedural-scene.ts';
import { type GenerationRequest, parseSize, type ProviderEvent } from '../../server/generation/provider.ts';
import type { ImageSize } from '../../shared/protocol.ts';

const provider = new LocalProvider();

function request(prompt: string, seed: number, size: ImageSize = '256x256', count = 1): GenerationRequest {
  return { jobId: 'job', prompt, seed, size, ...parseSize(size), count, model: 'procedural-v1', user: 'u' };
}

async function render(req: GenerationRequest, signal = new AbortController().signal) {
  const events: ProviderEvent[] = [];
  const images = await provider.generate(req, { signal, onProgress: (e) => events.push(e) });
  return { images, events };
}

/** Mean absolute difference per channel, 0–255, of two same-sized images. */
async function difference(a: Uint8Array, b: Uint8Array): Promise<number> {
  const [x, y] = await Promise.all([a, b].map((d) => sharp(d).removeAlpha().raw().toBuffer()));
  let sum = 0;
  for (let i = 0; i < x!.length; i++) sum += Math.abs(x![i]! - y![i]!);
  return sum / x!.length;
}

describe('local procedural renderer', () => {
  it('is deterministic: the same prompt, seed and size give byte-identical images', async () => {
    const one = await render(request('a lighthouse by the stormy sea', 42, '512x512'));
    const two = await render(request('a lighthouse by the stormy sea', 42, '512x512'));
    expect(Buffer.compare(Buffer.from(one.images[0]!.data), Buffer.from(two.images[0]!.data))).toBe(0);
  });

  it('draws visibly different images for other seeds and other prompts', async () => {
    const base = (await render(request('a quiet forest at dawn', 1))).images[0]!.data;
    const seed = (await render(request('a quiet forest at dawn', 2))).images[0]!.data;
    const prompt = (await render(request('neon city skyline at night', 1))).images[0]!.data;
    expect(await difference(base, seed)).toBeGreaterThan(3);
    expect(await difference(base, prompt)).toBeGreaterThan(20);
  });

  it('takes its palette from colour words and its motifs from the words', () => {
    const red = buildScene('a red and gold sunset over the ocean', 5);
    expect(red.palette.slice(0, 3)).toEqual(['#d62828', '#e9b949', '#ff7b00']);
    expect(red.motifs.map((m) => m.kind)).toEqual(['orb', 'waves']);
    expect(buildScene('grainy stone tower', 5).texture.type).toBe('turbulence');
    expect(buildScene('zzz', 5).motifs.length).toBeGreaterThan(0);
  });

  it('renders every size, `count` images with consecutive seeds, with progress and a preview per image', async () => {
    for (const size of ['256x256', '1024x1536', '1536x1024'] as const) {
      const { width, height } = parseSize(size);
      const { images } = await render(request('hills', 9, size));
      const meta = await sharp(images[0]!.data).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(['webp', width, height]);
    }
    const { images, events } = await render(request('hills', 2 ** 31 - 2, '256x256', 3));
    expect(images.map((i) => i.seed)).toEqual([2 ** 31 - 2, 2 ** 31 - 1, 0]);
    const progress = events.flatMap((e) => (e.type === 'progress' ? [e.progress] : []));
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress.at(-1)).toBe(1);
    expect(events.flatMap((e) => (e.type === 'preview' ? [e.index] : []))).toEqual([0, 1, 2]);
  });

  it('stops with the signal reason once aborted', async () => {
    const controller = new AbortController();
    const reason = new Error('stop');
    let seen = 0;
    const result = provider
      .generate(request('hills', 1, '256x256', 4), {
        signal: controller.signal,
        onProgress: () => {
          if (++seen === 1) controller.abort(reason);
        },
      })
      .then(
        () => 'finished',
        (e: unknown) => e,
      );
    expect(await result).toBe(reason);
  });

  it('edits only where the mask is transparent, and keeps the layer elsewhere', async () => {
    const image = await sharp({ create: { width: 200, height: 100, channels: 3, background: '#d22828' } })
      .png()
      .toBuffer();
    // Transparent on the right half: that is where the sketch goes.
    const raw = Buffer.alloc(200 * 100 * 4);
    for (let i = 0; i < 200 * 100; i++) raw[i * 4 + 3] = i % 200 >= 100 ? 0 : 255;
    const mask = await sharp(raw, { raw: { width: 200, height: 100, channels: 4 } })
      .png()
      .toBuffer();
    const { images } = await render({ ...request('blue sea at night', 4, '256x256'), edit: { image, mask } });
    const pixel = async (x: number, y: number) => [
      ...(await sharp(images[0]!.data).extract({ left: x, top: y, width: 1, height: 1 }).raw().toBuffer()),
    ];
    // The 2:1 layer covers the square job: its middle half is shown, the mask's edge in the middle.
    const [r, g, b] = await pixel(20, 128);
    expect(r).toBeGreaterThan(180);
    expect(Math.max(g!, b!)).toBeLessThan(70);
    expect(await pixel(236, 128)).not.toEqual([r, g, b]);
  });
});
