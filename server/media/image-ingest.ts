// Turning uploaded bytes into a media file we trust: decoded by sharp under a
// pixel limit (a decompression bomb is refused from its header, before any
// decoding), oriented, bounded in size, re-encoded, every metadata chunk dropped.
import { loadSharp } from './sharp.ts';
import { CANVAS_LIMITS } from '../../shared/doc-schema.ts';
import { AppError } from '../errors.ts';
import type { MediaExt } from './media-store.ts';

export interface IngestLimits {
  /** Width × height of the decoded image. */
  maxPixels: number;
}

export interface IngestedImage {
  data: Buffer;
  ext: MediaExt;
  width: number;
  height: number;
}

/** Formats we decode. Not SVG: a script-capable document is not an image to re-serve. */
const ACCEPTED = new Set(['jpeg', 'png', 'webp', 'gif', 'avif', 'heif', 'tiff']);

export async function ingestImage(input: Buffer, { maxPixels }: IngestLimits): Promise<IngestedImage> {
  const sharp = await loadSharp();
  let format: string;
  let pixels: number;
  try {
    const meta = await sharp(input, { limitInputPixels: false }).metadata();
    format = meta.format;
    pixels = meta.width * meta.height;
  } catch (err) {
    throw new AppError('bad_request', 'the body is not an image (PNG, JPEG, WebP, GIF, AVIF or TIFF)', { cause: err });
  }
  if (!ACCEPTED.has(format)) throw new AppError('bad_request', `${format.toUpperCase()} images are not accepted`);
  if (pixels > maxPixels) {
    throw new AppError('too_large', `the image has ${pixels} pixels; at most ${maxPixels} are accepted`);
  }
  try {
    const image = sharp(input, { limitInputPixels: maxPixels })
      .autoOrient()
      .resize(CANVAS_LIMITS.maxSide, CANVAS_LIMITS.maxSide, { fit: 'inside', withoutEnlargement: true });
    const { hasAlpha } = await image.metadata();
    // Transparency needs PNG; everything else is smaller as WebP. sharp writes no metadata unless told to.
    const ext: MediaExt = hasAlpha ? 'png' : 'webp';
    const encoded = ext === 'png' ? image.png({ compressionLevel: 6 }) : image.webp({ quality: 90 });
    const { data, info } = await encoded.toBuffer({ resolveWithObject: true });
    return { data, ext, width: info.width, height: info.height };
  } catch (err) {
    throw new AppError('bad_request', 'the image is damaged or cannot be decoded', { cause: err });
  }
}
