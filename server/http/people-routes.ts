// Follows, follower lists and blocks (docs/social.md).
import { Router } from 'express';
import type { BlockResponse, FollowResponse, SocialSummary, UserPage } from '../../shared/social.ts';
import type { People } from '../social/people.ts';
import { caller, requireCaller } from './auth.ts';
import { parse } from './errors.ts';
import { idParam, pageQuery } from './social-params.ts';

const listQuery = pageQuery(24);

export function peopleRoutes(people: People): Router {
  const router = Router();

  router.post('/api/users/:id/follow', async (req, res) => {
    const me = requireCaller(req);
    res.json((await people.follow(me.id, idParam(req.params, 'user'))) satisfies FollowResponse);
  });

  router.delete('/api/users/:id/follow', async (req, res) => {
    const me = requireCaller(req);
    res.json((await people.unfollow(me.id, idParam(req.params, 'user'))) satisfies FollowResponse);
  });

  router.get('/api/users/:id/followers', async (req, res) => {
    const { limit, cursor } = parse(listQuery, req.query);
    res.json((await people.followers(idParam(req.params, 'user'), limit, cursor)) satisfies UserPage);
  });

  router.get('/api/users/:id/following', async (req, res) => {
    const { limit, cursor } = parse(listQuery, req.query);
    res.json((await people.following(idParam(req.params, 'user'), limit, cursor)) satisfies UserPage);
  });

  router.get('/api/users/:id/social', async (req, res) => {
    res.setHeader('Cache-Control', 'private, no-cache');
    res.json((await people.summary(caller(req)?.id ?? null, idParam(req.params, 'user'))) satisfies SocialSummary);
  });

  router.post('/api/users/:id/block', async (req, res) => {
    const me = requireCaller(req);
    res.json((await people.block(me.id, idParam(req.params, 'user'))) satisfies BlockResponse);
  });

  router.delete('/api/users/:id/block', async (req, res) => {
    const me = requireCaller(req);
    res.json((await people.unblock(me.id, idParam(req.params, 'user'))) satisfies BlockResponse);
  });

  return router;
}
