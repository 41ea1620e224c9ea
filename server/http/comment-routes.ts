// Comments under works (docs/social.md).
import { Router } from 'express';
import type { CommentPage, CommentResponse } from '../../shared/social.ts';
import { editCommentSchema, newCommentSchema } from '../../shared/social-schemas.ts';
import type { Comments } from '../social/comments.ts';
import { caller, requireCaller } from './auth.ts';
import { parse } from './errors.ts';
import { idParam, pageQuery } from './social-params.ts';

const listQuery = pageQuery(50);

export function commentRoutes(comments: Comments): Router {
  const router = Router();

  router.get('/api/works/:id/comments', async (req, res) => {
    const { limit, cursor } = parse(listQuery, req.query);
    res.setHeader('Cache-Control', 'private, no-cache');
    res.json((await comments.list(idParam(req.params, 'work'), caller(req)?.id ?? null, limit, cursor)) satisfies CommentPage);
  });

  router.post('/api/works/:id/comments', async (req, res) => {
    const me = requireCaller(req);
    const workId = idParam(req.params, 'work');
    const body = parse(newCommentSchema, req.body ?? {});
    const comment = await comments.post(me.id, workId, body.body, body.parentId);
    res.status(201).json({ comment } satisfies CommentResponse);
  });

  router.patch('/api/comments/:id', async (req, res) => {
    const me = requireCaller(req);
    const id = idParam(req.params, 'comment');
    const body = parse(editCommentSchema, req.body ?? {});
    res.json({ comment: await comments.edit(me.id, id, body.body) } satisfies CommentResponse);
  });

  router.delete('/api/comments/:id', async (req, res) => {
    const me = requireCaller(req);
    await comments.delete(me.id, idParam(req.params, 'comment'));
    res.status(204).end();
  });

  return router;
}
