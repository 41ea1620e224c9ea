// Search over works and users, and the most used tags (docs/social.md).
import { Router } from 'express';
import { z } from 'zod';
import { SEARCH_QUERY_MAX, SEARCH_TYPES, type SearchPage, type TagCount } from '../../shared/social.ts';
import type { Gallery } from '../gallery/gallery.ts';
import type { Search } from '../social/search.ts';
import { caller } from './auth.ts';
import { parse } from './errors.ts';
import { pageQuery } from './social-params.ts';

const searchQuery = pageQuery(24).extend({
  q: z.string().max(SEARCH_QUERY_MAX),
  type: z.enum(SEARCH_TYPES).default('works'),
});
const tagsQuery = z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) });

export function searchRoutes(search: Search, gallery: Gallery): Router {
  const router = Router();

  router.get('/api/search', async (req, res) => {
    const { q, type, limit, cursor } = parse(searchQuery, req.query);
    res.setHeader('Cache-Control', 'private, no-cache');
    res.json((await search.search(q, type, caller(req)?.id ?? null, limit, cursor)) satisfies SearchPage);
  });

  router.get('/api/tags', async (req, res) => {
    const { limit } = parse(tagsQuery, req.query);
    res.setHeader('Cache-Control', 'public, max-age=60');
    res.json({ items: (await gallery.popularTags(limit)) satisfies TagCount[] });
  });

  return router;
}
