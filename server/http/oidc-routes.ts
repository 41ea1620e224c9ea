// OpenID Connect in the browser: GET /auth/oidc/login sends it to the issuer,
// GET /auth/oidc/callback brings it back signed in (or with the identity
// linked) and redirects onwards. Absent (404) unless OIDC is configured.
import type { Request, Response } from 'express';
import { Router } from 'express';
import { z } from 'zod';
import { HTTP_STATUS } from '../../shared/protocol.ts';
import type { Oidc, OidcCaller } from '../auth/oidc.ts';
import { OIDC_MODES } from '../auth/oidc.ts';
import { readCookie } from '../auth/cookie.ts';
import { relyingParty } from '../auth/relying-party.ts';
import type { Sessions } from '../auth/sessions.ts';
import { AppError, toWireError } from '../errors.ts';
import { escapeMarkup as e } from '../gallery/markup.ts';
import { callerSession } from './auth.ts';
import { parse } from './errors.ts';
import { markSessionChanged, setSessionCookie } from './session-cookie.ts';

export const STATE_COOKIE = 'atelier_oidc';
const CALLBACK_PATH = '/auth/oidc/callback';

/** A path of this site: `/…`, never `//host` or a scheme. */
const returnToSchema = z
  .string()
  .max(500)
  .regex(/^\/(?![/\\])[^\s]*$/, 'a path of this site');
const loginQuery = z.object({ mode: z.enum(OIDC_MODES).default('login'), returnTo: returnToSchema.optional() });

export interface OidcRoutesDeps {
  oidc: Oidc;
  sessions: Sessions;
  publicUrl: string | undefined;
  stateTtlMs: number;
  cookieMaxAgeMs: number;
}

export function oidcRoutes(deps: OidcRoutesDeps): Router {
  const router = Router();
  const { oidc, sessions } = deps;
  const caller = (req: Request): OidcCaller | null => {
    const me = callerSession(req);
    return me ? { sessionId: me.sessionId, user: me.record } : null;
  };

  router.get('/auth/oidc/login', async (req, res) => {
    try {
      const { mode, returnTo } = parse(loginQuery, req.query);
      const { origin } = relyingParty(deps.publicUrl, { protocol: req.protocol, host: req.get('host') });
      const started = await oidc.start({
        mode,
        caller: caller(req),
        redirectUri: origin + CALLBACK_PATH,
        returnTo: returnTo ?? (mode === 'link' ? '/settings' : '/'),
      });
      res.cookie(STATE_COOKIE, started.state, {
        httpOnly: true,
        sameSite: 'lax',
        secure: req.secure,
        path: '/auth/oidc',
        maxAge: deps.stateTtlMs,
      });
      res.setHeader('Cache-Control', 'no-store');
      res.redirect(302, started.url);
    } catch (err) {
      failed(req, res, err);
    }
  });

  router.get(CALLBACK_PATH, async (req, res) => {
    res.clearCookie(STATE_COOKIE, { path: '/auth/oidc' });
    res.setHeader('Cache-Control', 'no-store');
    try {
      const query = new URLSearchParams(req.url.slice(req.url.indexOf('?') + 1 || req.url.length));
      const { outcome, returnTo } = await oidc.finish(query, readCookie(req.headers.cookie, STATE_COOKIE), caller(req));
      if (outcome.kind === 'sign-in') {
        const created = await sessions.create(outcome.user.id, req.headers['user-agent']);
        const previous = callerSession(req);
        if (outcome.replaces && previous) await sessions.revoke(previous.user.id, outcome.replaces);
        setSessionCookie(req, res, created.token, deps.cookieMaxAgeMs);
        markSessionChanged(req, res);
      } else {
        await sessions.userChanged(outcome.user.id);
      }
      res.redirect(303, returnTo);
    } catch (err) {
      failed(req, res, err);
    }
  });

  return router;
}

/**
 * A browser sees a short page saying what went wrong, with the error's status;
 * a program asking for JSON gets the usual `{error: {code, message}}`.
 */
function failed(req: Request, res: Response, err: unknown): void {
  if (!(err instanceof AppError)) throw err;
  const error = toWireError(err);
  res.status(HTTP_STATUS[error.code]);
  if (req.accepts(['html', 'json']) === 'json') {
    res.json({ error });
    return;
  }
  res.type('html').send(`<!doctype html>
<html lang="en"><head><meta charset="utf-8" /><meta name="viewport" content="width=device-width, initial-scale=1" />
<title>Sign-in failed · Atelier</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:20vh auto;padding:0 1rem;color:#1d1d1b}a{color:#4f46e5}</style></head>
<body><main data-error-code="${e(error.code)}"><h1>Sign-in failed</h1><p>${e(error.message)}</p><p><a href="/">Back to Atelier</a></p></main></body></html>
`);
}
