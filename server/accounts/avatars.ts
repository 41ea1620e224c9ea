// An uploaded avatar: decoded and checked like any upload (image-ingest.ts),
// then cut to a square and stored in the media store.
import { loadSharp } from '../media/sharp.ts';
import { AppError } from '../errors.ts';
import { ingestImage } from '../media/image-ingest.ts';
import type { MediaStore } from '../media/media-store.ts';

/** Pixels a side: twice the largest size the client draws one at. */
export const AVATAR_SIDE = 256;

/** Stores the image as the user's avatar; returns its `/media/…` URL. */
export async function storeAvatar(media: MediaStore, body: Buffer, maxPixels: number): Promise<string> {
  const image = await ingestImage(body, { maxPixels });
  const sharp = await loadSharp();
  let square: Buffer;
  try {
    square = await sharp(image.data)
      .resize(AVATAR_SIDE, AVATAR_SIDE, { fit: 'cover', position: 'attention' })
      .webp({ quality: 85 })
      .toBuffer();
  } catch (err) {
    throw new AppError('bad_request', 'the image cannot be made into an avatar', { cause: err });
  }
  return (await media.put(square, 'webp')).url;
}
