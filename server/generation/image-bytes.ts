// An image a backend sent, as a provider image: its format and size read by
// sharp, and anything a layer cannot show (gif, svg, avif…) converted to PNG.
import { loadSharp } from '../media/sharp.ts';
import type { MediaExt } from '../media/media-store.ts';
import type { ProviderImage } from './provider.ts';
import { ProviderError } from './provider-error.ts';

const FORMATS: Record<string, MediaExt> = { png: 'png', webp: 'webp', jpeg: 'jpg' };
/** A backend's image is trusted no further than an upload. */
const MAX_PIXELS = 64_000_000;

export async function imageFromBytes(data: Uint8Array, seed: number, backend: string): Promise<ProviderImage> {
  const sharp = await loadSharp();
  try {
    const meta = await sharp(data, { limitInputPixels: MAX_PIXELS }).metadata();
    const ext = FORMATS[meta.format];
    if (ext && meta.width > 0 && meta.height > 0) return { data, ext, width: meta.width, height: meta.height, seed };
    const png = await sharp(data, { limitInputPixels: MAX_PIXELS }).png().toBuffer({ resolveWithObject: true });
    return { data: png.data, ext: 'png', width: png.info.width, height: png.info.height, seed };
  } catch (err) {
    throw new ProviderError('internal', `${backend} sent an image that cannot be decoded`, { cause: err });
  }
}
