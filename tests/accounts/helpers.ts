// Signing in from tests: a server reached as http://localhost:PORT (WebAuthn
// refuses IP addresses as relying parties), and passkey ceremonies answered by
// the software authenticator.
import type { Atelier } from '../../server/atelier.ts';
import type { NewWork } from '../../server/store/gallery.ts';
import type { PasskeyInfo, SignedIn } from '../../shared/accounts.ts';
import type { SessionResponse, SessionUser } from '../../shared/protocol.ts';
import { type Api, api, startServer, type TestEnv } from '../helpers/server.ts';
import { SoftAuthenticator } from '../helpers/soft-authenticator.ts';
import { workToInsert } from '../helpers/work-to-insert.ts';

export interface AccountServer {
  atelier: Atelier;
  /** `http://localhost:PORT`. */
  origin: string;
  http: Api;
}

export async function accountServer(env: TestEnv = {}): Promise<AccountServer> {
  const atelier = await startServer(env);
  const origin = `http://localhost:${atelier.port}`;
  return { atelier, origin, http: api(origin) };
}

// biome-ignore lint/suspicious/noExplicitAny: WebAuthn option objects as the server sent them
type Json = any;

export async function passkeyOptions(http: Api, purpose: 'register' | 'login', token?: string): Promise<Json> {
  return http.json('POST', '/api/auth/passkeys/options', { token, body: { purpose }, expect: 200 });
}

/** A guest who registered a passkey: an account now, with the authenticator holding the key. */
export async function accountWithPasskey(
  server: AccountServer,
  name = 'Ann',
): Promise<SessionResponse & { soft: SoftAuthenticator; passkey: PasskeyInfo }> {
  const guest = await server.http.session(name);
  const soft = new SoftAuthenticator(server.origin);
  const options = await passkeyOptions(server.http, 'register', guest.token);
  const added = await server.http.json<{ passkey: PasskeyInfo; user: SessionUser }>('POST', '/api/auth/passkeys', {
    token: guest.token,
    body: { response: soft.register(options) },
  });
  return { user: added.user, token: guest.token, soft, passkey: added.passkey };
}

/** Signs in with the authenticator's first passkey, from a session of its own (another browser). */
export async function signInWithPasskey(server: AccountServer, soft: SoftAuthenticator, token?: string): Promise<SignedIn> {
  const options = await passkeyOptions(server.http, 'login', token);
  return server.http.json<SignedIn>('POST', '/api/auth/login', { token, body: { response: soft.authenticate(options) }, expect: 200 });
}

/** A published work straight in the store (no room document, no render): enough for the social routes. */
export async function insertWork(atelier: Atelier, roomId: string, authorIds: string[], title: string, fields: Partial<NewWork> = {}) {
  return atelier.store.gallery.insertWork(workToInsert(roomId, authorIds, { title, ...fields }));
}
