// `GET /api/live` (docs/live.md): listed rooms with someone in them.
import { Router } from 'express';
import { liveQuerySchema } from '../../shared/live.ts';
import { type LivePageDeps, livePage } from '../live/live-page.ts';
import { caller } from './auth.ts';
import { parse } from './errors.ts';

export function liveRoutes(deps: LivePageDeps): Router {
  const router = Router();
  router.get('/api/live', async (req, res) => {
    const query = parse(liveQuerySchema, req.query);
    // Personal (blocks): never shared by a cache.
    res.set('Cache-Control', 'private, no-store');
    res.json(await livePage(deps, caller(req)?.id ?? null, query));
  });
  return router;
}
