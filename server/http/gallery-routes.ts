// The gallery's JSON API (docs/gallery.md, docs/protocol.md "Gallery").
import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import { GALLERY_PAGE_DEFAULT, GALLERY_PAGE_MAX, GALLERY_SORTS, type CreateRoomResponse, workIdSchema } from '../../shared/protocol.ts';
import { tagSchema } from '../../shared/social-schemas.ts';
import { AppError } from '../errors.ts';
import type { Gallery } from '../gallery/gallery.ts';
import type { RateLimit, RateLimiter } from '../rate-limit.ts';
import { caller, requireCaller } from './auth.ts';
import { FeedEncoder } from './feed-encoding.ts';
import { parse } from './errors.ts';
import { rateLimit } from './rate-limit.ts';

const workParams = z.object({ id: z.string() });
const pageQuery = {
  limit: z.coerce.number().int().min(1).max(GALLERY_PAGE_MAX).default(GALLERY_PAGE_DEFAULT),
  cursor: z.string().min(1).max(200).optional(),
};
const feedQuery = z.object({ sort: z.enum(GALLERY_SORTS).default('new'), tag: tagSchema.optional(), ...pageQuery });
const remixesQuery = z.object(pageQuery);

export interface GalleryRoutesOptions {
  /** `max-age` of feed and work responses. */
  maxAgeSeconds: number;
  /** Remixing creates a room: it shares the room creation limit. */
  roomLimit: RateLimit;
}

function workId(params: unknown): string {
  const { id } = parse(workParams, params);
  // A malformed id names no work: the same answer as an unknown one.
  if (!workIdSchema.safeParse(id).success) throw new AppError('not_found', 'no such work');
  return id;
}

export function galleryRoutes(gallery: Gallery, limiter: RateLimiter, options: GalleryRoutesOptions): Router {
  const router = Router();

  /**
   * Short-lived caching; express adds a strong ETag and answers 304 to a
   * matching If-None-Match. Signed-in answers mark the caller's likes, so they
   * are private to that caller.
   */
  const cacheable = (req: Request, res: Response) => {
    const scope = caller(req) ? 'private' : 'public';
    res.setHeader('Cache-Control', `${scope}, max-age=${options.maxAgeSeconds}`);
    res.setHeader('Vary', 'Authorization, Cookie');
  };

  const encoder = new FeedEncoder();

  router.get('/api/gallery', async (req, res) => {
    const { sort, limit, cursor, tag } = parse(feedQuery, req.query);
    const { page, liked } = await gallery.sharedFeed(sort, { limit, cursor, viewer: caller(req)?.id ?? null, ...(tag ? { tag } : {}) });
    const { body, etag } = encoder.encode(page, liked);
    cacheable(req, res);
    // express answers 304 itself when If-None-Match matches the ETag set here.
    res.setHeader('ETag', etag);
    res.type('json').send(body);
  });

  router.get('/api/works/:id', async (req, res) => {
    const work = await gallery.get(workId(req.params), caller(req)?.id ?? null);
    cacheable(req, res);
    res.json(work);
  });

  router.get('/api/works/:id/remixes', async (req, res) => {
    const id = workId(req.params);
    const { limit, cursor } = parse(remixesQuery, req.query);
    const page = await gallery.remixes(id, { limit, cursor, viewer: caller(req)?.id ?? null });
    cacheable(req, res);
    res.json(page);
  });

  router.post('/api/works/:id/like', async (req, res) => {
    const me = requireCaller(req);
    res.json(await gallery.like(workId(req.params), me.id));
  });

  router.delete('/api/works/:id/like', async (req, res) => {
    const me = requireCaller(req);
    res.json(await gallery.unlike(workId(req.params), me.id));
  });

  router.post('/api/works/:id/remix', rateLimit(limiter, 'rooms', options.roomLimit), async (req, res) => {
    const me = requireCaller(req);
    const created = await gallery.remix(workId(req.params), me.id);
    res.status(201).json(created satisfies CreateRoomResponse);
  });

  router.delete('/api/works/:id', async (req, res) => {
    const me = requireCaller(req);
    await gallery.delete(workId(req.params), me.id);
    res.status(204).end();
  });

  return router;
}
