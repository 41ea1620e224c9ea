import { Router } from 'express';
import { createSessionBodySchema, type SessionResponse, type SessionUserResponse, updateSessionBodySchema } from '../../shared/protocol.ts';
import { SESSION_COOKIE } from '../auth/cookie.ts';
import type { Users } from '../auth/users.ts';
import { AppError } from '../errors.ts';
import type { RateLimit, RateLimiter } from '../rate-limit.ts';
import { requireCaller } from './auth.ts';
import { parse } from './errors.ts';
import { rateLimit } from './rate-limit.ts';

const COOKIE_MAX_AGE_MS = 400 * 24 * 60 * 60 * 1000;

export function sessionRoutes(users: Users, limiter: RateLimiter, sessionLimit: RateLimit): Router {
  const router = Router();

  router.post('/api/session', rateLimit(limiter, 'session', sessionLimit), async (req, res) => {
    const body = parse(createSessionBodySchema, req.body ?? {});
    const session = await users.create(body.name);
    res.cookie(SESSION_COOKIE, session.token, {
      httpOnly: true,
      sameSite: 'lax',
      secure: req.secure,
      path: '/',
      maxAge: COOKIE_MAX_AGE_MS,
    });
    res.status(201).json(session satisfies SessionResponse);
  });

  router.get('/api/session', async (req, res) => {
    const user = await users.session(requireCaller(req).id);
    if (!user) throw new AppError('unauthorized', 'this session no longer exists');
    res.json({ user } satisfies SessionUserResponse);
  });

  router.patch('/api/session', async (req, res) => {
    const me = requireCaller(req);
    const body = parse(updateSessionBodySchema, req.body ?? {});
    const user = await users.update(me.id, body);
    if (!user) throw new AppError('unauthorized', 'this session no longer exists');
    res.json({ user } satisfies SessionUserResponse);
  });

  router.delete('/api/session', (_req, res) => {
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.status(204).end();
  });

  return router;
}
