// Sign-in and its management (docs/accounts.md): passkey options, adding a
// passkey, signing in with one; the caller's passkeys, linked identities and
// sessions. Every route here shares the `auth` rate limit, per IP.
import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import {
  type AuthMethods,
  addPasskeyBodySchema,
  loginBodySchema,
  passkeyOptionsBodySchema,
  renamePasskeyBodySchema,
  type SignedIn,
} from '../../shared/accounts.ts';
import type { Passkeys } from '../auth/passkeys.ts';
import { toPasskeyInfo } from '../auth/passkeys.ts';
import { relyingParty } from '../auth/relying-party.ts';
import type { Sessions } from '../auth/sessions.ts';
import { toSessionUser, type Users } from '../auth/users.ts';
import { toIdentityInfo } from '../auth/oidc.ts';
import { AppError } from '../errors.ts';
import type { RateLimit, RateLimiter } from '../rate-limit.ts';
import type { AccountStore, CredentialRef } from '../store/accounts.ts';
import type { UserRecord } from '../store/records.ts';
import { callerSession, requireSession } from './auth.ts';
import { parse } from './errors.ts';
import { rateLimit } from './rate-limit.ts';
import { setSessionCookie } from './session-cookie.ts';

export interface AuthRoutesDeps {
  users: Users;
  passkeys: Passkeys;
  sessions: Sessions;
  accounts: AccountStore;
  limiter: RateLimiter;
  authLimit: RateLimit;
  publicUrl: string | undefined;
  /** The OpenID Connect button's label, when it is configured. */
  oidcLabel: string | undefined;
  cookieMaxAgeMs: number;
}

const idParams = z.object({ id: z.string().min(1).max(1400) });
const signOutQuery = z.object({ except: z.literal('current').optional() });

export function authRoutes(deps: AuthRoutesDeps): Router {
  const router = Router();
  const { passkeys, sessions, accounts } = deps;
  router.use(['/api/auth', '/auth'], rateLimit(deps.limiter, 'auth', deps.authLimit, 'ip'));
  const rp = (req: Request) => relyingParty(deps.publicUrl, { protocol: req.protocol, host: req.get('host') });

  /** Signs the browser into `user` with a new session, replacing the one it had. */
  const signIn = async (req: Request, res: Response, user: UserRecord): Promise<SignedIn> => {
    const previous = callerSession(req);
    const created = await sessions.create(user.id, req.headers['user-agent']);
    if (previous) await sessions.revoke(previous.user.id, previous.sessionId);
    setSessionCookie(req, res, created.token, deps.cookieMaxAgeMs);
    return { user: toSessionUser(user), token: created.token };
  };

  router.get('/api/auth/methods', (_req, res) => {
    res.json({ passkeys: true, oidc: deps.oidcLabel === undefined ? null : { label: deps.oidcLabel } } satisfies AuthMethods);
  });

  router.post('/api/auth/passkeys/options', async (req, res) => {
    const { purpose } = parse(passkeyOptionsBodySchema, req.body ?? {});
    const me = purpose === 'register' ? requireSession(req).record : null;
    res.setHeader('Cache-Control', 'no-store');
    res.json(await passkeys.options(purpose, rp(req), me));
  });

  router.post('/api/auth/passkeys', async (req, res) => {
    const me = requireSession(req);
    const body = parse(addPasskeyBodySchema, req.body ?? {});
    const passkey = await passkeys.register(me.record, body.response, body.name, req.headers['user-agent'] ?? '');
    await sessions.userChanged(me.user.id);
    res.status(201).json({ passkey, user: await deps.users.session(me.user.id) });
  });

  router.post('/api/auth/login', async (req, res) => {
    const { response } = parse(loginBodySchema, req.body ?? {});
    const owner = await passkeys.login(response);
    res.setHeader('Cache-Control', 'no-store');
    res.json(await signIn(req, res, owner));
  });

  router.get('/api/auth/passkeys', async (req, res) => {
    res.json({ items: await passkeys.list(requireSession(req).user.id) });
  });

  router.patch('/api/auth/passkeys/:id', async (req, res) => {
    const me = requireSession(req);
    const { id } = parse(idParams, req.params);
    const { name } = parse(renamePasskeyBodySchema, req.body ?? {});
    const passkey = (await accounts.renamePasskey(me.user.id, id, name)) ? await accounts.getPasskey(id) : null;
    if (!passkey) throw new AppError('not_found', 'no such passkey');
    res.json({ passkey: toPasskeyInfo(passkey) });
  });

  router.delete('/api/auth/passkeys/:id', async (req, res) => {
    await removeCredential(requireSession(req).user.id, { kind: 'passkey', id: parse(idParams, req.params).id });
    res.status(204).end();
  });

  router.get('/api/auth/identities', async (req, res) => {
    res.json({ items: (await accounts.listIdentities(requireSession(req).user.id)).map(toIdentityInfo) });
  });

  router.delete('/api/auth/identities/:id', async (req, res) => {
    await removeCredential(requireSession(req).user.id, { kind: 'identity', id: parse(idParams, req.params).id });
    res.status(204).end();
  });

  router.get('/api/auth/sessions', async (req, res) => {
    const me = requireSession(req);
    res.setHeader('Cache-Control', 'no-store');
    res.json({ items: await sessions.list(me.user.id, me.sessionId) });
  });

  router.delete('/api/auth/sessions/:id', async (req, res) => {
    const me = requireSession(req);
    const { id } = parse(idParams, req.params);
    if (!(await sessions.revoke(me.user.id, id))) throw new AppError('not_found', 'no such session');
    res.status(204).end();
  });

  router.delete('/api/auth/sessions', async (req, res) => {
    const me = requireSession(req);
    const { except } = parse(signOutQuery, req.query);
    const revoked = await sessions.revokeAll(me.user.id, except === 'current' ? me.sessionId : undefined);
    res.json({ revoked: revoked.length });
  });

  async function removeCredential(userId: string, credential: CredentialRef): Promise<void> {
    const result = await accounts.removeCredential(userId, credential);
    if (result === 'not_found') throw new AppError('not_found', `no such ${credential.kind}`);
    if (result === 'last') {
      throw new AppError('conflict', 'this is your only way to sign in: add another passkey or link an account before removing it');
    }
  }

  return router;
}
