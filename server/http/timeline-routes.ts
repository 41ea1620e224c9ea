// A work's making-of (docs/live.md § Making-of): `GET /api/works/:id/timeline`.
import { Router } from 'express';
import { z } from 'zod';
import { workIdSchema } from '../../shared/protocol.ts';
import type { TimelineResponse } from '../../shared/timeline.ts';
import { AppError } from '../errors.ts';
import type { Timelines } from '../timeline/timelines.ts';
import { caller } from './auth.ts';
import { parse } from './errors.ts';

const params = z.object({ id: z.string() });

export function timelineRoutes(timelines: Timelines, options: { maxAgeSeconds: number }): Router {
  const router = Router();
  router.get('/api/works/:id/timeline', async (req, res) => {
    const { id } = parse(params, req.params);
    // A malformed id names no work: the same answer as an unknown one.
    if (!workIdSchema.safeParse(id).success) throw new AppError('not_found', 'no such work');
    const viewer = caller(req)?.id ?? null;
    const body: TimelineResponse = await timelines.forWork(id, viewer);
    // A moderator may see a hidden work's timeline: their answer is theirs alone.
    res.setHeader('Cache-Control', `${viewer === null ? 'public' : 'private'}, max-age=${options.maxAgeSeconds}`);
    res.setHeader('Vary', 'Authorization, Cookie');
    res.json(body);
  });
  return router;
}
