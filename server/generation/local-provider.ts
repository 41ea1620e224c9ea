// The `local` provider: a procedural sketch renderer, not an AI model. It draws
// the scene of procedural-scene.ts with sharp (librsvg), offline and
// deterministically: the same prompt, seed and size give byte-identical files.
import { loadSharp } from '../media/sharp.ts';
import { buildScene } from './procedural-scene.ts';
import { sceneSvg, textureSvg } from './procedural-svg.ts';
import {
  type EditInput,
  type GenerateOptions,
  type GenerationRequest,
  type ImageProvider,
  type ProviderImage,
  type ProviderStatus,
  seedFor,
} from './provider.ts';

export const LOCAL_MODEL = 'procedural-v1';
const PREVIEW_SIDE = 256;
/** The noise is drawn at a quarter of the size: feTurbulence at full size costs ~0.5 s per megapixel. */
const TEXTURE_SCALE = 4;
/** Steps per image: sketch with preview, texture, final render. */
const STEPS = 3;
const WEBP = { quality: 90, effort: 0 } as const;
/** Edits read layer images that this server stored; still, never decode more than this. */
const MAX_EDIT_PIXELS = 64_000_000;

export class LocalProvider implements ImageProvider {
  readonly name = 'local';
  readonly label = 'Sketch (offline, not AI)';
  readonly capabilities = {
    edit: true,
    mask: true,
    seed: true,
    negativePrompt: false,
    steps: false,
    previews: true,
    cancel: true,
    models: false,
  };
  /** It renders on this node's CPU: as many at once as the node runs jobs (GEN_CONCURRENCY). */
  readonly concurrency = Number.POSITIVE_INFINITY;
  readonly defaultModel = LOCAL_MODEL;

  async check(): Promise<ProviderStatus> {
    return { models: [{ id: LOCAL_MODEL, label: 'Procedural sketch v1' }] };
  }

  async generate(request: GenerationRequest, { signal, onProgress }: GenerateOptions): Promise<ProviderImage[]> {
    const sharp = await loadSharp();
    const { width, height, count } = request;
    const images: ProviderImage[] = [];
    const advance = (index: number, step: number) => onProgress({ type: 'progress', progress: (index * STEPS + step) / (count * STEPS) });
    for (let index = 0; index < count; index++) {
      signal.throwIfAborted();
      const seed = seedFor(request.seed, index);
      const scene = buildScene(request.prompt, seed);

      const scale = PREVIEW_SIDE / Math.max(width, height);
      const [pw, ph] = [Math.round(width * scale), Math.round(height * scale)];
      const preview = await sharp(Buffer.from(sceneSvg(scene, pw, ph)))
        .webp({ quality: 70, effort: 0 })
        .toBuffer();
      onProgress({ type: 'preview', index, image: { data: preview } });
      advance(index, 1);

      signal.throwIfAborted();
      const [tw, th] = [Math.ceil(width / TEXTURE_SCALE), Math.ceil(height / TEXTURE_SCALE)];
      const texture = await sharp(Buffer.from(textureSvg(scene.texture, width, height, tw, th)))
        .png({ compressionLevel: 0 })
        .toBuffer();
      advance(index, 2);

      signal.throwIfAborted();
      const svg = sceneSvg(scene, width, height, `data:image/png;base64,${texture.toString('base64')}`);
      const data = request.edit
        ? await applyEdit(await sharp(Buffer.from(svg)).png({ compressionLevel: 0 }).toBuffer(), request.edit, width, height)
        : await sharp(Buffer.from(svg)).webp(WEBP).toBuffer();
      images.push({ data, ext: 'webp', width, height, seed });
      advance(index, 3);
    }
    return images;
  }
}

/**
 * Paints the render into the layer's image: where the mask is transparent when
 * there is a mask (OpenAI's convention), else blended softly over all of it.
 */
async function applyEdit(render: Buffer, edit: EditInput, width: number, height: number): Promise<Buffer> {
  const sharp = await loadSharp();
  const source = sharp(edit.image, { limitInputPixels: MAX_EDIT_PIXELS }).resize(width, height, { fit: 'cover' });
  if (!edit.mask) {
    return source
      .composite([{ input: render, blend: 'soft-light' }])
      .webp(WEBP)
      .toBuffer();
  }
  const where = await sharp(edit.mask, { limitInputPixels: MAX_EDIT_PIXELS })
    .resize(width, height, { fit: 'cover' })
    .ensureAlpha()
    .extractChannel(3)
    .negate()
    .raw()
    .toBuffer();
  // The render's colours with the mask as their alpha, interleaved by hand: an image that
  // joinChannel gave a fourth band is still written as RGB, and would paint everywhere.
  const rgb = await sharp(render).removeAlpha().raw().toBuffer();
  const rgba = Buffer.alloc(width * height * 4);
  for (let i = 0, j = 0; i < width * height; i++, j += 3) {
    rgba[i * 4] = rgb[j] ?? 0;
    rgba[i * 4 + 1] = rgb[j + 1] ?? 0;
    rgba[i * 4 + 2] = rgb[j + 2] ?? 0;
    rgba[i * 4 + 3] = where[i] ?? 0;
  }
  const painted = await sharp(rgba, { raw: { width, height, channels: 4 } })
    .png({ compressionLevel: 0 })
    .toBuffer();
  return source
    .composite([{ input: painted }])
    .webp(WEBP)
    .toBuffer();
}
