// Passkeys over HTTP against a real server: a guest becomes an account with
// the same id, signs in elsewhere, holds several passkeys; forged, replayed,
// expired and misdirected answers are refused with a typed error and change nothing.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PasskeyInfo } from '../../shared/accounts.ts';
import { SoftAuthenticator } from '../helpers/soft-authenticator.ts';
import { accountServer, accountWithPasskey, passkeyOptions, signInWithPasskey } from './helpers.ts';

afterEach(() => {
  vi.useRealTimers();
});

async function errorOf(res: Response): Promise<{ status: number; code: string }> {
  const body = (await res.json()) as { error: { code: string } };
  return { status: res.status, code: body.error.code };
}

describe('passkeys', () => {
  it('a guest registers a passkey and becomes an account with the same id; it signs in on another browser', async () => {
    const server = await accountServer();
    const guest = await server.http.session('Ann');
    const { room } = await server.http.room(guest.token, { title: 'Made as a guest' });
    const soft = new SoftAuthenticator(server.origin);
    const options = await passkeyOptions(server.http, 'register', guest.token);
    expect(options).toMatchObject({
      rp: { name: 'Atelier', id: 'localhost' },
      user: { name: 'Ann', displayName: 'Ann', id: Buffer.from(guest.user.id).toString('base64url') },
      authenticatorSelection: { residentKey: 'required' },
      timeout: 300_000,
    });
    const added = await server.http.json<{ passkey: PasskeyInfo; user: { id: string; account: boolean } }>('POST', '/api/auth/passkeys', {
      token: guest.token,
      body: { response: soft.register(options) },
    });
    expect(added.user).toMatchObject({ id: guest.user.id, account: true });
    expect(added.passkey).toMatchObject({ name: 'a program', deviceType: 'multiDevice', backedUp: true });
    expect(added.passkey.lastUsedAt).toBe(added.passkey.createdAt);

    // Another browser: a guest of its own, then the passkey.
    const other = await server.http.session();
    const signedIn = await signInWithPasskey(server, soft, other.token);
    expect(signedIn.user).toMatchObject({ id: guest.user.id, name: 'Ann', account: true });
    expect(signedIn.token).not.toBe(guest.token);
    // That browser's guest session is over; the first browser's session still works.
    expect((await server.http.request('GET', '/api/session', { token: other.token })).status).toBe(401);
    const rooms = await server.http.json<{ items: Array<{ id: string }> }>('GET', '/api/rooms', { token: signedIn.token });
    expect(rooms.items.map((r) => r.id)).toEqual([room.id]);
    const list = await server.http.json<{ items: PasskeyInfo[] }>('GET', '/api/auth/passkeys', { token: guest.token });
    expect(list.items).toEqual([expect.objectContaining({ id: added.passkey.id, lastUsedAt: expect.any(String) })]);
  });

  it('holds several passkeys; each signs in; removing one leaves the other; the last one stays', async () => {
    const server = await accountServer();
    const ann = await accountWithPasskey(server);
    const phone = new SoftAuthenticator(server.origin);
    const options = await passkeyOptions(server.http, 'register', ann.token);
    // The one already held is excluded from registering twice.
    expect(options.excludeCredentials).toEqual([expect.objectContaining({ id: ann.passkey.id })]);
    const second = await server.http.json<{ passkey: PasskeyInfo }>('POST', '/api/auth/passkeys', {
      token: ann.token,
      body: { response: phone.register(options), name: 'My phone' },
    });
    expect(second.passkey.name).toBe('My phone');
    expect((await signInWithPasskey(server, phone)).user.id).toBe(ann.user.id);
    expect((await signInWithPasskey(server, ann.soft)).user.id).toBe(ann.user.id);
    const renamed = await server.http.json<{ passkey: PasskeyInfo }>('PATCH', `/api/auth/passkeys/${second.passkey.id}`, {
      token: ann.token,
      body: { name: 'Old phone' },
    });
    expect(renamed.passkey.name).toBe('Old phone');
    expect((await server.http.request('DELETE', `/api/auth/passkeys/${second.passkey.id}`, { token: ann.token })).status).toBe(204);
    expect(
      await errorOf(
        await server.http.request('POST', '/api/auth/login', {
          body: { response: phone.authenticate(await passkeyOptions(server.http, 'login')) },
        }),
      ),
    ).toEqual({
      status: 401,
      code: 'unauthorized',
    });
    expect(await errorOf(await server.http.request('DELETE', `/api/auth/passkeys/${ann.passkey.id}`, { token: ann.token }))).toEqual({
      status: 409,
      code: 'conflict',
    });
    const list = await server.http.json<{ items: PasskeyInfo[] }>('GET', '/api/auth/passkeys', { token: ann.token });
    expect(list.items.map((p) => p.id)).toEqual([ann.passkey.id]);
  });

  it('refuses replayed, forged and misdirected answers with typed errors, changing nothing', async () => {
    const server = await accountServer();
    const ann = await accountWithPasskey(server);
    const sessionsBefore = await server.http.json<{ items: unknown[] }>('GET', '/api/auth/sessions', { token: ann.token });
    const login = async (response: unknown) => errorOf(await server.http.request('POST', '/api/auth/login', { body: { response } }));

    // A replay: the answer signed in once; its challenge is spent.
    const options = await passkeyOptions(server.http, 'login');
    const answer = ann.soft.authenticate(options);
    await server.http.json('POST', '/api/auth/login', { body: { response: answer }, expect: 200 });
    expect(await login(answer)).toEqual({ status: 401, code: 'unauthorized' });

    // A forged signature.
    const forged = ann.soft.authenticate(await passkeyOptions(server.http, 'login'));
    const signature = Buffer.from(forged.response.signature, 'base64url');
    signature[signature.length - 1] = (signature.at(-1) ?? 0) ^ 0xff;
    expect(await login({ ...forged, response: { ...forged.response, signature: signature.toString('base64url') } })).toEqual({
      status: 401,
      code: 'unauthorized',
    });
    // Signed for another site, or on a page of another origin.
    expect(await login(ann.soft.authenticate({ ...(await passkeyOptions(server.http, 'login')), rpId: 'evil.example' }))).toEqual({
      status: 401,
      code: 'unauthorized',
    });
    expect(await login(ann.soft.authenticate(await passkeyOptions(server.http, 'login'), { origin: 'https://evil.example' }))).toEqual({
      status: 401,
      code: 'unauthorized',
    });
    // A challenge the server never issued, and a registration challenge used to sign in.
    expect(await login(ann.soft.authenticate({ challenge: Buffer.from('made up by the client').toString('base64url') }))).toEqual({
      status: 401,
      code: 'unauthorized',
    });
    expect(await login(ann.soft.authenticate(await passkeyOptions(server.http, 'register', ann.token)))).toEqual({
      status: 401,
      code: 'unauthorized',
    });
    // A counter that went backwards: a cloned authenticator.
    expect(await login(ann.soft.authenticate(await passkeyOptions(server.http, 'login'), { counter: 1 }))).toEqual({
      status: 401,
      code: 'unauthorized',
    });
    // Not WebAuthn at all.
    expect(await login({ ...answer, response: { ...answer.response, clientDataJSON: Buffer.from('{}').toString('base64url') } })).toEqual({
      status: 400,
      code: 'bad_request',
    });
    expect(await login({ id: 'x' })).toEqual({ status: 400, code: 'bad_request' });

    // Still exactly one more session than before (the one successful sign-in).
    const sessionsAfter = await server.http.json<{ items: unknown[] }>('GET', '/api/auth/sessions', { token: ann.token });
    expect(sessionsAfter.items).toHaveLength(sessionsBefore.items.length + 1);
  });

  it('a passkey belongs to one user: it cannot be registered to another, nor used for another, nor removed by another', async () => {
    const server = await accountServer();
    const ann = await accountWithPasskey(server, 'Ann');
    const bob = await accountWithPasskey(server, 'Bob');
    // Bob replays Ann's credential into his own registration.
    const options = await passkeyOptions(server.http, 'register', bob.token);
    const annsAgain = bob.soft.register(options, { reuse: ann.soft.credentials[0] });
    expect(annsAgain.id).toBe(ann.passkey.id);
    const res = await server.http.request('POST', '/api/auth/passkeys', { token: bob.token, body: { response: annsAgain } });
    expect(await errorOf(res)).toEqual({ status: 409, code: 'conflict' });
    // An answer by Ann's passkey claiming to be Bob's user handle.
    const answer = ann.soft.authenticate(await passkeyOptions(server.http, 'login'));
    const asBob = { ...answer, response: { ...answer.response, userHandle: Buffer.from(bob.user.id).toString('base64url') } };
    expect(await errorOf(await server.http.request('POST', '/api/auth/login', { body: { response: asBob } }))).toEqual({
      status: 401,
      code: 'unauthorized',
    });
    expect(await errorOf(await server.http.request('DELETE', `/api/auth/passkeys/${ann.passkey.id}`, { token: bob.token }))).toEqual({
      status: 404,
      code: 'not_found',
    });
    expect(
      await errorOf(
        await server.http.request('PATCH', `/api/auth/passkeys/${ann.passkey.id}`, { token: bob.token, body: { name: 'mine' } }),
      ),
    ).toEqual({ status: 404, code: 'not_found' });
    const anns = await server.http.json<{ items: PasskeyInfo[] }>('GET', '/api/auth/passkeys', { token: ann.token });
    const bobs = await server.http.json<{ items: PasskeyInfo[] }>('GET', '/api/auth/passkeys', { token: bob.token });
    expect(anns.items.map((p) => [p.id, p.name])).toEqual([[ann.passkey.id, ann.passkey.name]]);
    expect(bobs.items.map((p) => p.id)).toEqual([bob.passkey.id]);
  });

  it('a registration answer for another session, another origin or a duplicate credential is refused', async () => {
    const server = await accountServer();
    const ann = await server.http.session('Ann');
    const bob = await server.http.session('Bob');
    const soft = new SoftAuthenticator(server.origin);
    // Bob cannot finish Ann's ceremony.
    const annsOptions = await passkeyOptions(server.http, 'register', ann.token);
    const post = async (token: string, response: unknown) =>
      errorOf(await server.http.request('POST', '/api/auth/passkeys', { token, body: { response } }));
    expect(await post(bob.token, soft.register(annsOptions))).toEqual({ status: 401, code: 'unauthorized' });
    expect(
      await post(ann.token, soft.register(await passkeyOptions(server.http, 'register', ann.token), { origin: 'https://evil.example' })),
    ).toEqual({
      status: 400,
      code: 'bad_request',
    });
    expect(
      await post(ann.token, soft.register(await passkeyOptions(server.http, 'register', ann.token), { type: 'webauthn.get' })),
    ).toEqual({
      status: 400,
      code: 'bad_request',
    });
    // Registering without any session is a 401 before any challenge is issued.
    expect((await server.http.request('POST', '/api/auth/passkeys/options', { body: { purpose: 'register' } })).status).toBe(401);
    for (const token of [ann.token, bob.token]) {
      const me = await server.http.json<{ user: { account: boolean } }>('GET', '/api/session', { token });
      expect(me.user.account).toBe(false);
    }
  });

  it('AUTH_CHALLENGE_TTL_SECONDS: an answer after the challenge expired is refused', async () => {
    const server = await accountServer({ AUTH_CHALLENGE_TTL_SECONDS: '30' });
    const ann = await accountWithPasskey(server);
    const options = await passkeyOptions(server.http, 'login');
    expect(options.timeout).toBe(30_000);
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    vi.setSystemTime(Date.now() + 31_000);
    const res = await server.http.request('POST', '/api/auth/login', { body: { response: ann.soft.authenticate(options) } });
    expect(await errorOf(res)).toEqual({ status: 401, code: 'unauthorized' });
  });

  it('AUTH_REQUESTS_PER_MINUTE: a flood of option requests is rate_limited per IP', async () => {
    const server = await accountServer({ AUTH_REQUESTS_PER_MINUTE: '5' });
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      // A new guest each time: the limit follows the IP, not the session.
      const { token } = await server.http.session();
      const res = await server.http.request('POST', '/api/auth/passkeys/options', { token, body: { purpose: 'login' } });
      statuses.push(res.status);
      if (res.status === 429) {
        expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
        expect((await res.json()).error.code).toBe('rate_limited');
      }
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
  });

  it('AUTH_MAX_PENDING_CHALLENGES: past it the oldest ceremony is forgotten', async () => {
    const server = await accountServer({ AUTH_MAX_PENDING_CHALLENGES: '2' });
    const ann = await accountWithPasskey(server);
    const first = await passkeyOptions(server.http, 'login');
    await passkeyOptions(server.http, 'login');
    const third = await passkeyOptions(server.http, 'login');
    const post = (options: { challenge: string }) =>
      server.http.request('POST', '/api/auth/login', { body: { response: ann.soft.authenticate(options) } });
    expect((await post(first)).status).toBe(401);
    expect((await post(third)).status).toBe(200);
  });
});
