// The caller's account as a whole: their data (export), its end (delete),
// and their avatar (an image upload through the media store).
import express, { Router } from 'express';
import { deleteAccountBodySchema } from '../../shared/accounts.ts';
import type { SessionUserResponse } from '../../shared/protocol.ts';
import { type AccountClosingDeps, closeAccount } from '../accounts/account-closing.ts';
import type { AccountExporter } from '../accounts/account-export.ts';
import { storeAvatar } from '../accounts/avatars.ts';
import type { Users } from '../auth/users.ts';
import type { Limits } from '../config.ts';
import { AppError } from '../errors.ts';
import type { MediaStore } from '../media/media-store.ts';
import type { RateLimiter } from '../rate-limit.ts';
import { requireSession } from './auth.ts';
import { parse } from './errors.ts';
import { rateLimit } from './rate-limit.ts';
import { clearSessionCookie } from './session-cookie.ts';

export interface AccountRoutesDeps {
  users: Users;
  exporter: AccountExporter;
  closing: AccountClosingDeps;
}

export interface AvatarRoutesDeps {
  users: Users;
  media: MediaStore;
  limiter: RateLimiter;
  limits: Limits;
}

const MINUTE = 60_000;

export function accountRoutes(deps: AccountRoutesDeps): Router {
  const router = Router();

  router.get('/api/account/export', async (req, res) => {
    const me = requireSession(req);
    const data = await deps.exporter.export(me.user.id);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Content-Disposition', `attachment; filename="atelier-${me.record.handle ?? me.user.id}.json"`);
    res.type('json').send(`${JSON.stringify(data, null, 2)}\n`);
  });

  router.delete('/api/account', async (req, res) => {
    const me = requireSession(req);
    parse(deleteAccountBodySchema, req.body ?? {});
    await closeAccount(deps.closing, me.user.id);
    clearSessionCookie(res);
    res.status(204).end();
  });

  router.delete('/api/account/avatar', async (req, res) => {
    const user = await deps.users.setAvatar(requireSession(req).user.id, null);
    if (!user) throw new AppError('unauthorized', 'this session no longer exists');
    res.json({ user } satisfies SessionUserResponse);
  });

  return router;
}

/** PUT /api/account/avatar: the image itself as the body, not JSON (mounted before the JSON gate, json-body.ts). */
export function avatarRoutes(deps: AvatarRoutesDeps): Router {
  const router = Router();
  router.put(
    '/api/account/avatar',
    rateLimit(deps.limiter, 'uploads', { limit: deps.limits.uploadsPerMinute, windowMs: MINUTE }),
    (req, _res, next) => {
      // Who may upload is settled before a byte of the body is read.
      requireSession(req);
      next();
    },
    express.raw({ type: () => true, limit: deps.limits.maxUploadBytes }),
    async (req, res) => {
      const me = requireSession(req);
      const body: unknown = req.body;
      if (!Buffer.isBuffer(body) || body.length === 0) throw new AppError('bad_request', 'send the image file itself as the request body');
      const url = await storeAvatar(deps.media, body, deps.limits.maxUploadPixels);
      const user = await deps.users.setAvatar(me.user.id, url);
      if (!user) throw new AppError('unauthorized', 'this session no longer exists');
      res.json({ user } satisfies SessionUserResponse);
    },
  );
  return router;
}
