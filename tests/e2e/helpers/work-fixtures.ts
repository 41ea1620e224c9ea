// A published work with real images in the media store, for pages that show it.
import sharp from 'sharp';
import type { Atelier } from '../../../server/atelier.ts';
import type { Work } from '../../../shared/protocol.ts';
import { seedWork } from '../../social/helpers.ts';

/** A 96 × 64 blue picture published by `author`, tagged #lighthouse #sea unless told otherwise. */
export async function realWork(
  atelier: Atelier,
  author: { id: string; name: string; token: string },
  fields: Partial<Work> = {},
): Promise<Work> {
  const png = await sharp({ create: { width: 96, height: 64, channels: 3, background: '#3b6ea8' } })
    .png()
    .toBuffer();
  const image = await atelier.media.put(png, 'png');
  const thumb = await atelier.media.put(await sharp(png).webp().toBuffer(), 'webp');
  return seedWork(atelier, [author], {
    title: fields.title ?? 'Lighthouse at dawn',
    description: 'Made in a shared room.',
    imageUrl: image.url,
    thumbUrl: thumb.url,
    width: 96,
    height: 64,
    tags: fields.tags ?? ['lighthouse', 'sea'],
  });
}
