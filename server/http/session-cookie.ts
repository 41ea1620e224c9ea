// The session cookie: HttpOnly, SameSite=Lax (sent on the identity provider's
// redirect back, never on cross-site subrequests), Secure over HTTPS.
import type { Request, Response } from 'express';
import { SESSION_COOKIE } from '../auth/cookie.ts';

export function setSessionCookie(req: Request, res: Response, token: string, maxAgeMs: number): void {
  res.cookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', secure: req.secure, path: '/', maxAge: maxAgeMs });
}

export function clearSessionCookie(res: Response): void {
  res.clearCookie(SESSION_COOKIE, { path: '/' });
}
