// Profiles' JSON API: a user by handle or id, and the works they made.
import { Router } from 'express';
import { z } from 'zod';
import { PROFILE_WORKS_PAGE_DEFAULT, PROFILE_WORKS_PAGE_MAX } from '../../shared/accounts.ts';
import type { Profiles } from '../accounts/profiles.ts';
import type { Gallery } from '../gallery/gallery.ts';
import { caller } from './auth.ts';
import { parse } from './errors.ts';

const userParams = z.object({ handleOrId: z.string().min(1).max(64) });
const worksQuery = z.object({
  limit: z.coerce.number().int().min(1).max(PROFILE_WORKS_PAGE_MAX).default(PROFILE_WORKS_PAGE_DEFAULT),
  cursor: z.string().min(1).max(200).optional(),
});

export function profileRoutes(profiles: Profiles, gallery: Gallery): Router {
  const router = Router();

  router.get('/api/users/:handleOrId', async (req, res) => {
    const { handleOrId } = parse(userParams, req.params);
    const viewer = caller(req)?.id ?? null;
    res.setHeader('Cache-Control', viewer ? 'private, no-cache' : 'public, max-age=5');
    res.setHeader('Vary', 'Authorization, Cookie');
    res.json(await profiles.profile(handleOrId, viewer));
  });

  router.get('/api/users/:handleOrId/works', async (req, res) => {
    const { handleOrId } = parse(userParams, req.params);
    const { limit, cursor } = parse(worksQuery, req.query);
    const user = await profiles.find(handleOrId);
    const viewer = caller(req)?.id ?? null;
    res.setHeader('Cache-Control', viewer ? 'private, no-cache' : 'public, max-age=5');
    res.setHeader('Vary', 'Authorization, Cookie');
    res.json(await gallery.byAuthor(user.id, { limit, cursor, viewer }));
  });

  return router;
}
