// The caller's own session: a guest's first (POST), who they are (GET),
// their profile (PATCH: name, colour, consent, handle, bio), signing out (DELETE).
import { Router } from 'express';
import type { SignedIn } from '../../shared/accounts.ts';
import { createSessionBodySchema, type SessionResponse, type SessionUserResponse, updateSessionBodySchema } from '../../shared/protocol.ts';
import type { Sessions } from '../auth/sessions.ts';
import type { Users } from '../auth/users.ts';
import { AppError } from '../errors.ts';
import type { RateLimit, RateLimiter } from '../rate-limit.ts';
import { callerSession, requireSession } from './auth.ts';
import { parse } from './errors.ts';
import { rateLimit } from './rate-limit.ts';
import { clearSessionCookie, setSessionCookie } from './session-cookie.ts';

export interface SessionRoutesOptions {
  sessionLimit: RateLimit;
  handleChangeLimit: RateLimit;
  /** The cookie lives as long as a session may. */
  cookieMaxAgeMs: number;
}

export function sessionRoutes(users: Users, sessions: Sessions, limiter: RateLimiter, options: SessionRoutesOptions): Router {
  const router = Router();

  router.post('/api/session', rateLimit(limiter, 'session', options.sessionLimit, 'ip'), async (req, res) => {
    const body = parse(createSessionBodySchema, req.body ?? {});
    const { user, token } = await users.create(body.name, req.headers['user-agent']);
    setSessionCookie(req, res, token, options.cookieMaxAgeMs);
    res.status(201).json({ user, token } satisfies SessionResponse);
  });

  router.get('/api/session', async (req, res) => {
    const me = requireSession(req);
    // It may carry a token: never kept by a cache.
    res.setHeader('Cache-Control', 'no-store');
    const user = await users.session(me.user.id);
    if (!user) throw new AppError('unauthorized', 'this session no longer exists');
    // A client that only holds the cookie (back from an identity provider), or an
    // old-format token, gets the session's token of the current format.
    if (me.via === 'cookie' || me.legacy) {
      const token = sessions.token(me.sessionId);
      if (me.legacy) setSessionCookie(req, res, token, options.cookieMaxAgeMs);
      res.json({ user, token } satisfies SignedIn);
      return;
    }
    res.json({ user } satisfies SessionUserResponse);
  });

  router.patch('/api/session', async (req, res) => {
    const me = requireSession(req);
    const body = parse(updateSessionBodySchema, req.body ?? {});
    if (body.handle !== undefined && body.handle !== me.record.handle) {
      const key = `handle:u:${me.user.id}`;
      if (!(await limiter.take(key, options.handleChangeLimit))) {
        throw new AppError('rate_limited', `at most ${options.handleChangeLimit.limit} handle changes a day; try again tomorrow`);
      }
    }
    const user = await users.update(me.user.id, body);
    if (!user) throw new AppError('unauthorized', 'this session no longer exists');
    res.json({ user } satisfies SessionUserResponse);
  });

  router.delete('/api/session', async (req, res) => {
    const me = callerSession(req);
    if (me) await sessions.revoke(me.user.id, me.sessionId);
    clearSessionCookie(res);
    res.status(204).end();
  });

  return router;
}
