// The session cookie: HttpOnly, SameSite=Lax (sent on the identity provider's
// redirect back, never on cross-site subrequests), Secure over HTTPS.
import type { Request, Response } from 'express';
import { SESSION_COOKIE } from '../auth/cookie.ts';

/** Readable by the client, which then picks the new session up from the cookie (docs/accounts.md). */
export const SESSION_CHANGED_COOKIE = 'atelier_session_changed';
const CHANGED_MARK_MS = 5 * 60_000;

export function setSessionCookie(req: Request, res: Response, token: string, maxAgeMs: number): void {
  res.cookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', secure: req.secure, path: '/', maxAge: maxAgeMs });
}

/**
 * After a redirect that signed the browser into another session: the token in
 * the client's storage is stale, the cookie is right.
 */
export function markSessionChanged(req: Request, res: Response): void {
  res.cookie(SESSION_CHANGED_COOKIE, '1', { httpOnly: false, sameSite: 'lax', secure: req.secure, path: '/', maxAge: CHANGED_MARK_MS });
}

export function clearSessionCookie(res: Response): void {
  res.clearCookie(SESSION_COOKIE, { path: '/' });
}
