// Who sent a request: `Authorization: Bearer <token>` or the session cookie.
import type { Request, RequestHandler } from 'express';
import type { PublicUser } from '../../shared/protocol.ts';
import { readCookieToken } from '../auth/cookie.ts';
import type { Users } from '../auth/users.ts';
import { AppError } from '../errors.ts';

const callers = new WeakMap<Request, PublicUser>();
const badTokens = new WeakSet<Request>();

export function authenticate(users: Users): RequestHandler {
  return async (req, _res, next) => {
    const header = req.headers.authorization;
    const bearer = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    const token = bearer ?? readCookieToken(req.headers.cookie);
    if (token !== undefined) {
      const user = await users.authenticate(token);
      if (user) callers.set(req, user);
      else badTokens.add(req);
    }
    next();
  };
}

/** The caller, or null for an anonymous request. */
export function caller(req: Request): PublicUser | null {
  return callers.get(req) ?? null;
}

/** The caller; a 401 for anonymous requests and for forged or expired tokens. */
export function requireCaller(req: Request): PublicUser {
  const user = callers.get(req);
  if (user) return user;
  throw new AppError('unauthorized', badTokens.has(req) ? 'invalid or expired session token' : 'sign in first: POST /api/session');
}
