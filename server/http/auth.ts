// Who sent a request: `Authorization: Bearer <token>` or the session cookie,
// turned into a session and its user by Sessions (cached: no database round
// trip per request).
import type { Request, RequestHandler } from 'express';
import type { PublicUser } from '../../shared/protocol.ts';
import { readCookieToken } from '../auth/cookie.ts';
import type { Authenticated, Sessions } from '../auth/sessions.ts';
import { toPublicUser } from '../auth/users.ts';
import { AppError } from '../errors.ts';
import type { UserRecord } from '../store/records.ts';

export interface Caller {
  user: PublicUser;
  record: UserRecord;
  sessionId: string;
  /** Presented as a token of the first format (it gets one of the current format from GET /api/session). */
  legacy: boolean;
  /** Where the token came from. */
  via: 'bearer' | 'cookie';
}

const callers = new WeakMap<Request, Caller>();
const badTokens = new WeakSet<Request>();

export function authenticate(sessions: Sessions): RequestHandler {
  return async (req, _res, next) => {
    const header = req.headers.authorization;
    const bearer = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    const token = bearer ?? readCookieToken(req.headers.cookie);
    if (token !== undefined) {
      const found: Authenticated | null = await sessions.authenticate(token, req.headers['user-agent']);
      if (found) {
        callers.set(req, {
          user: toPublicUser(found.user),
          record: found.user,
          sessionId: found.sessionId,
          legacy: found.legacy,
          via: bearer === undefined ? 'cookie' : 'bearer',
        });
      } else badTokens.add(req);
    }
    next();
  };
}

/** The caller, or null for an anonymous request. */
export function caller(req: Request): PublicUser | null {
  return callers.get(req)?.user ?? null;
}

/** The caller's session, or null for an anonymous request. */
export function callerSession(req: Request): Caller | null {
  return callers.get(req) ?? null;
}

/** The caller; a 401 for anonymous requests and for forged, revoked or expired tokens. */
export function requireCaller(req: Request): PublicUser {
  return requireSession(req).user;
}

/** The caller's session; a 401 like requireCaller. */
export function requireSession(req: Request): Caller {
  const found = callers.get(req);
  if (found) return found;
  throw new AppError(
    'unauthorized',
    badTokens.has(req) ? 'invalid, expired or signed-out session token' : 'sign in first: POST /api/session',
  );
}
