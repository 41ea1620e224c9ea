// OpenID Connect sign-in with openid-client: the authorization code flow with
// PKCE, `state` (kept server-side, single-use, and bound to the browser by a
// cookie) and `nonce` checked, the issuer checked by openid-client. An
// identity signs into the account it is linked to; an unknown one claims the
// current guest (same user id) or becomes a new account; `link` adds it to
// the signed-in account.
import type * as client from 'openid-client';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { IdentityInfo } from '../../shared/accounts.ts';
import { userNameSchema } from '../../shared/protocol.ts';
import { clipText, keptText, textProblem } from '../../shared/text.ts';
import { AppError } from '../errors.ts';
import { randomId } from '../ids.ts';
import type { AccountStore, IdentityRecord } from '../store/accounts.ts';
import type { RecordStore, UserRecord } from '../store/records.ts';
import type { ChallengeStore } from './challenges.ts';
import { newGuest } from './users.ts';

/**
 * An authorization response's `error` as RFC 6749 (4.1.2.1) allows it: printable
 * ASCII but '"' and '\\'. Anyone can put anything in a callback's query, and the
 * refusal shows it to the person signing in.
 */
const PROVIDER_ERROR_CODE = /^[\x20\x21\x23-\x5b\x5d-\x7e]{1,64}$/;

export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The sign-in button's text. */
  label: string;
}

export const OIDC_MODES = ['login', 'link'] as const;
export type OidcMode = (typeof OIDC_MODES)[number];

const pendingSchema = z.strictObject({
  mode: z.enum(OIDC_MODES),
  sessionId: z.string().nullable(),
  nonce: z.string(),
  verifier: z.string(),
  redirectUri: z.string(),
  returnTo: z.string(),
});

export interface OidcCaller {
  sessionId: string;
  user: UserRecord;
}

export type OidcOutcome =
  /** Sign the browser into `user` with a new session (and out of `replaces`, its session until now). */
  | { kind: 'sign-in'; user: UserRecord; replaces: string | null }
  /** The browser's session stays; its user is now (or was already) an account with this identity. */
  | { kind: 'claimed' | 'linked' | 'already'; user: UserRecord };

export interface OidcDeps {
  settings: OidcSettings;
  accounts: AccountStore;
  records: RecordStore;
  challenges: ChallengeStore;
  /** Whether moderators suspended the user (docs/social.md): they may not sign in. */
  suspended: (userId: string) => Promise<boolean>;
  ttlMs: number;
  logger: Logger;
}

type OpenIdClient = typeof client;
let loading: Promise<OpenIdClient> | undefined;
/** openid-client (and jose) load with the first sign-in, not at start: most nodes never see one. */
const openIdClient = (): Promise<OpenIdClient> => (loading ??= import('openid-client'));

const stateKey = (state: string) => `oidc:${state}`;

/** The ID token's claims, with name and email from UserInfo where the ID token lacks them. */
interface Claims {
  iss: string;
  sub: string;
  [claim: string]: unknown;
}

export class Oidc {
  readonly #d: OidcDeps;
  #configuration: Promise<client.Configuration> | null = null;

  constructor(deps: OidcDeps) {
    this.#d = deps;
  }

  get label(): string {
    return this.#d.settings.label;
  }

  /** Where to send the browser, and the state to bind to it (cookie). */
  async start(request: {
    mode: OidcMode;
    caller: OidcCaller | null;
    redirectUri: string;
    returnTo: string;
  }): Promise<{ url: string; state: string }> {
    if (request.mode === 'link' && !request.caller) throw new AppError('unauthorized', 'sign in before linking another account');
    const configuration = await this.#config();
    const client = await openIdClient();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const verifier = client.randomPKCECodeVerifier();
    const pending: z.infer<typeof pendingSchema> = {
      mode: request.mode,
      sessionId: request.caller?.sessionId ?? null,
      nonce,
      verifier,
      redirectUri: request.redirectUri,
      returnTo: request.returnTo,
    };
    await this.#d.challenges.put(stateKey(state), JSON.stringify(pending), this.#d.ttlMs);
    const url = client.buildAuthorizationUrl(configuration, {
      redirect_uri: request.redirectUri,
      scope: 'openid profile email',
      response_type: 'code',
      state,
      nonce,
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      // Linking is for another account at the provider: let the person choose it.
      ...(request.mode === 'link' ? { prompt: 'login' } : {}),
    });
    return { url: url.href, state };
  }

  /**
   * Finishes a sign-in: `query` is the callback's, `cookieState` the state
   * cookie this browser holds, `caller` the session it is signed in with.
   */
  async finish(
    query: URLSearchParams,
    cookieState: string | undefined,
    caller: OidcCaller | null,
  ): Promise<{ outcome: OidcOutcome; returnTo: string }> {
    const state = query.get('state');
    if (!state || !cookieState || state !== cookieState) {
      throw new AppError('unauthorized', 'this sign-in was not started in this browser (state does not match)');
    }
    const stored = await this.#d.challenges.take(stateKey(state));
    if (stored === null) throw new AppError('unauthorized', 'this sign-in expired or was finished already; start again');
    const pending = pendingSchema.parse(JSON.parse(stored));
    const providerError = query.get('error');
    if (providerError !== null) {
      const cancelled = providerError === 'access_denied';
      const shown = PROVIDER_ERROR_CODE.test(providerError) ? providerError : '(an error code that is not one)';
      throw new AppError('unauthorized', cancelled ? 'sign-in was cancelled' : `the identity provider refused: ${shown}`);
    }
    const callbackUrl = new URL(pending.redirectUri);
    for (const [key, value] of query) callbackUrl.searchParams.append(key, value);
    const claims = await this.#exchange(callbackUrl, state, pending.nonce, pending.verifier);
    const current = caller !== null && caller.sessionId === pending.sessionId ? caller : null;
    return { outcome: await this.#settle(pending.mode, claims, current), returnTo: pending.returnTo };
  }

  async #exchange(callbackUrl: URL, state: string, nonce: string, verifier: string): Promise<Claims> {
    const configuration = await this.#config();
    const client = await openIdClient();
    try {
      const tokens = await client.authorizationCodeGrant(configuration, callbackUrl, {
        pkceCodeVerifier: verifier,
        expectedState: state,
        expectedNonce: nonce,
        idTokenExpected: true,
      });
      const claims = tokens.claims();
      if (!claims) throw new AppError('unauthorized', 'the identity provider sent no ID token');
      return { ...(await this.#profile(configuration, tokens.access_token, claims.sub)), ...claims };
    } catch (err) {
      if (err instanceof AppError) throw err;
      if (isNetworkError(err)) throw new AppError('unavailable', 'the identity provider cannot be reached', { cause: err });
      this.#d.logger.info({ err }, 'OpenID Connect callback refused');
      throw new AppError('unauthorized', `sign-in could not be verified: ${(err as Error).message}`, { cause: err });
    }
  }

  /**
   * Name and email, which many providers put only in the UserInfo response.
   * Optional: without them the account is named like a guest.
   */
  async #profile(configuration: client.Configuration, accessToken: string, subject: string): Promise<Record<string, unknown>> {
    if (!configuration.serverMetadata().userinfo_endpoint) return {};
    const client = await openIdClient();
    try {
      const { name, preferred_username, given_name, email } = await client.fetchUserInfo(configuration, accessToken, subject);
      return { name, preferred_username, given_name, email };
    } catch (err) {
      this.#d.logger.info({ err }, 'OpenID Connect UserInfo unavailable; going on without it');
      return {};
    }
  }

  async #settle(mode: OidcMode, claims: Claims, current: OidcCaller | null): Promise<OidcOutcome> {
    const { accounts, records } = this.#d;
    const at = new Date().toISOString();
    const known = await accounts.getIdentity(claims.iss, claims.sub);
    if (mode === 'link') {
      if (!current) throw new AppError('unauthorized', 'the session that started linking has signed out');
      if (known) {
        if (known.userId !== current.user.id) throw new AppError('conflict', 'this identity already signs into another account');
        return { kind: 'already', user: current.user };
      }
      await this.#link(identityFrom(claims, current.user.id, at));
      return { kind: 'linked', user: await this.#user(current.user.id) };
    }
    if (known) {
      const owner = await records.getUser(known.userId);
      if (!owner || owner.deletedAt !== null) throw new AppError('unauthorized', 'this account no longer exists');
      if (await this.#d.suspended(owner.id)) throw new AppError('forbidden', 'this account is suspended');
      await accounts.useIdentity(known.id, at);
      if (current?.user.id === owner.id) return { kind: 'already', user: owner };
      return { kind: 'sign-in', user: owner, replaces: current?.sessionId ?? null };
    }
    if (current && current.user.accountAt === null) {
      // The guest becomes the account: same user id, so everything they made stays theirs.
      await this.#link(identityFrom(claims, current.user.id, at));
      return { kind: 'claimed', user: await this.#user(current.user.id) };
    }
    const fresh = newGuest(nameFrom(claims));
    await this.#link(identityFrom(claims, fresh.id, at), fresh);
    return { kind: 'sign-in', user: await this.#user(fresh.id), replaces: current?.sessionId ?? null };
  }

  /** A user the sign-in has just linked (so one that exists). */
  async #user(id: string): Promise<UserRecord> {
    const user = await this.#d.records.getUser(id);
    if (!user) throw new AppError('internal', 'the signed-in user vanished');
    return user;
  }

  async #link(identity: IdentityRecord, newUser?: ReturnType<typeof newGuest>): Promise<void> {
    if ((await this.#d.accounts.addIdentity(identity, newUser)) === 'duplicate') {
      throw new AppError('conflict', 'this identity already signs into another account');
    }
  }

  /** Discovery, once; retried on the next sign-in if it failed. */
  #config(): Promise<client.Configuration> {
    this.#configuration ??= this.#discover().catch((err: unknown) => {
      this.#configuration = null;
      this.#d.logger.warn({ err }, 'OpenID Connect discovery failed');
      throw new AppError('unavailable', 'the identity provider cannot be reached', { cause: err });
    });
    return this.#configuration;
  }

  async #discover(): Promise<client.Configuration> {
    const { issuer, clientId, clientSecret } = this.#d.settings;
    const url = new URL(issuer);
    // Plain HTTP only for a provider on this machine (development, tests).
    const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
    const client = await openIdClient();
    return client.discovery(url, clientId, clientSecret, undefined, {
      execute: url.protocol === 'http:' && loopback ? [client.allowInsecureRequests] : [],
    });
  }
}

export function toIdentityInfo(identity: IdentityRecord): IdentityInfo {
  return {
    id: identity.id,
    issuer: identity.issuer,
    email: identity.email,
    name: identity.name,
    createdAt: identity.createdAt,
    lastUsedAt: identity.lastUsedAt,
  };
}

function identityFrom(claims: Claims, userId: string, at: string): IdentityRecord {
  // The provider's words, shown in the account's settings: free text like any other, or nothing.
  const text = (value: unknown) => {
    const kept = typeof value === 'string' ? keptText(value) : '';
    return kept.length > 0 && textProblem(kept, 'line') === null ? clipText(kept, 200) : null;
  };
  return {
    id: randomId(),
    issuer: claims.iss,
    subject: claims.sub,
    userId,
    email: text(claims.email),
    name: text(claims.name) ?? text(claims.preferred_username),
    createdAt: at,
    lastUsedAt: at,
  };
}

/** A display name from the claims, when one is usable. */
function nameFrom(claims: Claims): string | undefined {
  for (const candidate of [claims.name, claims.preferred_username, claims.given_name]) {
    const parsed = userNameSchema.safeParse(typeof candidate === 'string' ? clipText(candidate, 40) : undefined);
    if (parsed.success) return parsed.data;
  }
  return undefined;
}

function isNetworkError(err: unknown): boolean {
  const cause = (err as { cause?: { code?: string } }).cause;
  return err instanceof TypeError && (cause?.code === 'ECONNREFUSED' || /fetch failed/.test(err.message));
}
