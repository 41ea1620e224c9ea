// Server-rendered gallery pages: `/g/:workId` and `/gallery.atom`.
import path from 'node:path';
import { type Request, Router } from 'express';
import { workIdSchema } from '../../shared/protocol.ts';
import { AppError } from '../errors.ts';
import { ATOM_ENTRIES, atomFeed } from '../gallery/atom-feed.ts';
import type { Gallery } from '../gallery/gallery.ts';
import { missingPage, renderPage, workPage } from '../gallery/work-page.ts';
import { CLIENT_DIST } from './client-routes.ts';
import { clientShell } from './client-shell.ts';

export interface GalleryPagesOptions {
  /** PUBLIC_URL; otherwise links are made absolute with the request's own origin. */
  publicUrl: string | undefined;
  maxAgeSeconds: number;
  distDir?: string;
}

export function galleryPages(gallery: Gallery, options: GalleryPagesOptions): Router {
  const router = Router();
  const indexFile = path.join(options.distDir ?? CLIENT_DIST, 'index.html');
  // Without a build the page stands alone.
  const shell = clientShell(indexFile);
  const base = (req: Request) => options.publicUrl ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`;
  const cacheControl = `public, max-age=${options.maxAgeSeconds}`;

  router.get('/g/:workId', async (req, res) => {
    const id = String(req.params.workId);
    res.type('html');
    try {
      if (!workIdSchema.safeParse(id).success) throw new AppError('not_found', 'no such work');
      const work = await gallery.get(id, null);
      res.setHeader('Cache-Control', cacheControl);
      res.send(renderPage(shell(), workPage(work, base(req))));
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'not_found') throw err;
      res.setHeader('Cache-Control', 'no-cache');
      res.status(404).send(renderPage(shell(), missingPage(err.message)));
    }
  });

  router.get('/gallery.atom', async (req, res) => {
    const { items } = await gallery.feed('new', { limit: ATOM_ENTRIES, viewer: null });
    res.setHeader('Cache-Control', cacheControl);
    res.type('application/atom+xml; charset=utf-8').send(atomFeed(items, base(req)));
  });

  return router;
}
