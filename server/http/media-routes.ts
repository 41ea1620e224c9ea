import { Router } from 'express';
import { AppError } from '../errors.ts';
import { MEDIA_TYPES, type MediaStore, parseMediaFile } from '../media/media-store.ts';

/**
 * GET /media/:file: only `<64 hex>.<png|webp|jpg>` (anything else is a 400 and
 * never reaches the disk), immutable, with an ETag, and only for files that exist.
 */
export function mediaRoutes(media: MediaStore): Router {
  const router = Router();
  router.get('/media/:file', async (req, res) => {
    const file = String(req.params.file);
    const parsed = parseMediaFile(file);
    if (!parsed) throw new AppError('bad_request', 'not a media file name');
    if (!(await media.locate(file))) throw new AppError('not_found', 'no such media file');
    const etag = `"${parsed.hash}"`;
    res.setHeader('ETag', etag);
    res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    if (req.headers['if-none-match'] === etag) {
      res.status(304).end();
      return;
    }
    const data = await media.read(file);
    if (!data) throw new AppError('not_found', 'no such media file');
    res.type(MEDIA_TYPES[parsed.ext]).send(data);
  });
  return router;
}
