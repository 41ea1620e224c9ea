// Accounts from the client: passkeys (@simplewebauthn/browser runs the
// browser's prompt), linked identities, sessions, my data. Each failure
// becomes a sentence a person can act on.
import { browserSupportsWebAuthn, startAuthentication, startRegistration, WebAuthnError } from '@simplewebauthn/browser';
import type { AuthMethods, IdentityInfo, PasskeyInfo, SessionInfo, SignedIn } from '../../shared/accounts.ts';
import type { SessionUser } from '../../shared/protocol.ts';
import { ApiError, request } from './http.ts';
import { ensureSession, userChanged } from './session.ts';

export { browserSupportsWebAuthn };

/** A passkey prompt that did not end in a passkey; `message` says why, for people. */
export class PasskeyError extends Error {
  readonly reason: 'cancelled' | 'unsupported' | 'exists' | 'failed';
  constructor(reason: PasskeyError['reason'], message: string) {
    super(message);
    this.reason = reason;
  }
}

function passkeyFailure(err: unknown): Error {
  if (err instanceof ApiError) return err;
  const name = err instanceof Error ? err.name : '';
  const cause = err instanceof WebAuthnError ? err.cause : null;
  const causeName = cause instanceof Error ? cause.name : '';
  if (err instanceof WebAuthnError && err.code === 'ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED') {
    return new PasskeyError('exists', 'This device already holds a passkey for your account.');
  }
  if ([name, causeName].some((n) => n === 'NotAllowedError' || n === 'AbortError')) {
    return new PasskeyError('cancelled', 'The passkey prompt was cancelled or timed out. Nothing changed; try again when ready.');
  }
  if ([name, causeName].includes('NotSupportedError')) {
    return new PasskeyError('unsupported', 'This browser or device cannot create that kind of passkey.');
  }
  return new PasskeyError('failed', err instanceof Error ? err.message : 'The passkey prompt failed.');
}

function requireWebAuthn(): void {
  if (!browserSupportsWebAuthn()) {
    throw new PasskeyError('unsupported', 'This browser does not support passkeys. Try a current Chrome, Safari, Firefox or Edge.');
  }
}

let methods: Promise<AuthMethods> | null = null;

/** What the sign-in menu offers (asked once per page). */
export function authMethods(): Promise<AuthMethods> {
  methods ??= request<AuthMethods>('GET', '/api/auth/methods').catch((err: unknown) => {
    methods = null;
    throw err;
  });
  return methods;
}

/** Adds a passkey to me; a guest becomes an account, keeping everything. */
export async function addPasskey(name?: string): Promise<{ passkey: PasskeyInfo; user: SessionUser }> {
  requireWebAuthn();
  await ensureSession();
  const optionsJSON = await request<Parameters<typeof startRegistration>[0]['optionsJSON']>('POST', '/api/auth/passkeys/options', {
    body: { purpose: 'register' },
  });
  let response: Awaited<ReturnType<typeof startRegistration>>;
  try {
    response = await startRegistration({ optionsJSON });
  } catch (err) {
    throw passkeyFailure(err);
  }
  const added = await request<{ passkey: PasskeyInfo; user: SessionUser }>('POST', '/api/auth/passkeys', {
    body: name ? { response, name } : { response },
  });
  await userChanged(added.user);
  return added;
}

/** Signs in with a passkey this device (or a phone nearby) holds. */
export async function signInWithPasskey(): Promise<SignedIn> {
  requireWebAuthn();
  await ensureSession().catch(() => undefined);
  const optionsJSON = await request<Parameters<typeof startAuthentication>[0]['optionsJSON']>('POST', '/api/auth/passkeys/options', {
    body: { purpose: 'login' },
  });
  let response: Awaited<ReturnType<typeof startAuthentication>>;
  try {
    response = await startAuthentication({ optionsJSON });
  } catch (err) {
    throw passkeyFailure(err);
  }
  return request<SignedIn>('POST', '/api/auth/login', { body: { response } });
}

/** Where the browser goes to sign in (or link an account) with OpenID Connect. */
export function oidcUrl(mode: 'login' | 'link', returnTo: string): string {
  return `/auth/oidc/login?${new URLSearchParams({ mode, returnTo })}`;
}

export const listPasskeys = async () => (await request<{ items: PasskeyInfo[] }>('GET', '/api/auth/passkeys')).items;
export const renamePasskey = async (id: string, name: string) =>
  (await request<{ passkey: PasskeyInfo }>('PATCH', `/api/auth/passkeys/${encodeURIComponent(id)}`, { body: { name } })).passkey;
export const removePasskey = (id: string) => request<void>('DELETE', `/api/auth/passkeys/${encodeURIComponent(id)}`);
export const listIdentities = async () => (await request<{ items: IdentityInfo[] }>('GET', '/api/auth/identities')).items;
export const removeIdentity = (id: string) => request<void>('DELETE', `/api/auth/identities/${encodeURIComponent(id)}`);
export const listSessions = async () => (await request<{ items: SessionInfo[] }>('GET', '/api/auth/sessions')).items;
export const signOutSession = (id: string) => request<void>('DELETE', `/api/auth/sessions/${encodeURIComponent(id)}`);
export const signOutOthers = () => request<{ revoked: number }>('DELETE', '/api/auth/sessions?except=current');

/** My data as a JSON file, saved by the browser. */
export async function downloadExport(): Promise<void> {
  const data = await request<unknown>('GET', '/api/account/export');
  const me = await ensureSession();
  const blob = new Blob([`${JSON.stringify(data, null, 2)}\n`], { type: 'application/json' });
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = `atelier-${me.user.handle ?? me.user.id}.json`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}

/** Deletes my account for good; the browser starts over as a new guest. */
export async function deleteAccount(): Promise<void> {
  await request<void>('DELETE', '/api/account', { body: { confirm: true } });
  try {
    localStorage.removeItem('atelier.token');
  } catch {
    // Nothing stored.
  }
  location.assign('/');
}

export async function uploadAvatar(file: Blob): Promise<SessionUser> {
  const { user } = await request<{ user: SessionUser }>('PUT', '/api/account/avatar', { blob: file });
  await userChanged(user);
  return user;
}

export async function removeAvatar(): Promise<SessionUser> {
  const { user } = await request<{ user: SessionUser }>('DELETE', '/api/account/avatar');
  await userChanged(user);
  return user;
}
