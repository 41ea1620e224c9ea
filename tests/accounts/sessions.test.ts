// Server-side sessions over HTTP: listing, signing out one or all, the
// per-user cap, expiry, the cache's recheck, and tokens of the first format.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TokenSigner } from '../../server/auth/tokens.ts';
import type { SessionInfo, SignedIn } from '../../shared/accounts.ts';
import { accountServer, accountWithPasskey, signInWithPasskey } from './helpers.ts';

afterEach(() => {
  vi.useRealTimers();
});

const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0';

describe('sessions', () => {
  it('lists my sessions with the current one marked; signs one out, then every other, then all', async () => {
    const server = await accountServer();
    const ann = await accountWithPasskey(server);
    const laptop = await signInWithPasskey(server, ann.soft);
    const phone = await signInWithPasskey(server, ann.soft);
    await server.http.request('GET', '/api/session', { token: laptop.token, headers: { 'user-agent': FIREFOX } });
    const { items } = await server.http.json<{ items: SessionInfo[] }>('GET', '/api/auth/sessions', { token: phone.token });
    expect(items).toHaveLength(3);
    expect(items.filter((s) => s.current)).toHaveLength(1);
    const phoneSession = items.find((s) => s.current);
    const others = items.filter((s) => !s.current);

    // Sign the laptop out from the phone: its token stops working at once.
    const laptopId = others[0]?.id ?? '';
    expect((await server.http.request('DELETE', `/api/auth/sessions/${laptopId}`, { token: phone.token })).status).toBe(204);
    expect((await server.http.request('DELETE', `/api/auth/sessions/${laptopId}`, { token: phone.token })).status).toBe(404);
    const statusOf = async (token: string) => (await server.http.request('GET', '/api/session', { token })).status;
    const tokens = [ann.token, laptop.token, phone.token];
    expect((await Promise.all(tokens.map(statusOf))).filter((s) => s === 401)).toHaveLength(1);

    // Everywhere else: only the phone remains.
    const res = await server.http.json<{ revoked: number }>('DELETE', '/api/auth/sessions?except=current', {
      token: phone.token,
      expect: 200,
    });
    expect(res.revoked).toBe(1);
    expect(await Promise.all(tokens.map(statusOf))).toEqual([401, 401, 200]);
    const left = await server.http.json<{ items: SessionInfo[] }>('GET', '/api/auth/sessions', { token: phone.token });
    expect(left.items.map((s) => s.id)).toEqual([phoneSession?.id]);

    // Everywhere.
    await server.http.json('DELETE', '/api/auth/sessions', { token: phone.token, expect: 200 });
    expect(await statusOf(phone.token)).toBe(401);
  });

  it('another user cannot see or sign out my sessions; DELETE /api/session signs out this one', async () => {
    const server = await accountServer();
    const ann = await server.http.session('Ann');
    const bob = await server.http.session('Bob');
    const [annSession] = (await server.http.json<{ items: SessionInfo[] }>('GET', '/api/auth/sessions', { token: ann.token })).items;
    expect((await server.http.request('DELETE', `/api/auth/sessions/${annSession?.id}`, { token: bob.token })).status).toBe(404);
    expect((await server.http.request('GET', '/api/session', { token: ann.token })).status).toBe(200);
    const out = await server.http.request('DELETE', '/api/session', { token: ann.token });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/atelier_token=;/);
    expect((await server.http.request('GET', '/api/session', { token: ann.token })).status).toBe(401);
    expect((await server.http.request('GET', '/api/session', { token: bob.token })).status).toBe(200);
  });

  it('MAX_SESSIONS_PER_USER: signing in once more signs out the least recently used session', async () => {
    const server = await accountServer({ MAX_SESSIONS_PER_USER: '2' });
    const ann = await accountWithPasskey(server);
    const second = await signInWithPasskey(server, ann.soft);
    const third = await signInWithPasskey(server, ann.soft);
    const statusOf = async (t: SignedIn | { token: string }) =>
      (await server.http.request('GET', '/api/session', { token: t.token })).status;
    expect([await statusOf(ann), await statusOf(second), await statusOf(third)]).toEqual([401, 200, 200]);
  });

  it('SESSION_RECHECK_MS: a session revoked behind this node’s back stops working within it', async () => {
    const server = await accountServer({ SESSION_RECHECK_MS: '100' });
    const ann = await server.http.session('Ann');
    const [mine] = (await server.http.json<{ items: SessionInfo[] }>('GET', '/api/auth/sessions', { token: ann.token })).items;
    // As another node would: straight in the store, no message to this node.
    await server.atelier.store.sessions.revokeSession(ann.user.id, mine?.id ?? '', new Date().toISOString());
    // Nothing but the recheck can notice (no message, a TTL of days): once SESSION_RECHECK_MS has passed since the
    // last check, the next request does. That time passing is the condition itself, and a loaded machine only
    // lengthens the wait (a deadline on the answer could be missed); with the default (4 s) it would still be 200.
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect((await server.http.request('GET', '/api/session', { token: ann.token })).status).toBe(401);
  });

  it('SESSION_TTL_DAYS: a session unused that long has expired', async () => {
    const server = await accountServer({ SESSION_TTL_DAYS: '2', SESSION_RECHECK_MS: '100' });
    const ann = await server.http.session('Ann');
    expect(await server.http.request('GET', '/api/session', { token: ann.token }).then((r) => r.status)).toBe(200);
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    vi.setSystemTime(Date.now() + 2 * 24 * 60 * 60 * 1000 + 60_000);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(await server.http.request('GET', '/api/session', { token: ann.token }).then((r) => r.status)).toBe(401);
  });

  it('a token of the first format keeps its guest: it is migrated into a session record and swapped for a new token', async () => {
    const server = await accountServer();
    // A guest from before the upgrade: a user row and a v1 token, no session record.
    const userId = 'OldGuestFromBefore1234';
    await server.atelier.store.records.createUser({ id: userId, name: 'Old Guest', color: '#2563eb', createdAt: new Date().toISOString() });
    const legacy = new TokenSigner(server.atelier.config.sessionSecret).signLegacy(userId, Date.now() - 60_000);
    const { room } = await server.http.room(legacy, { title: 'Still mine' });
    const res = await server.http.request('GET', '/api/session', { token: legacy });
    expect(res.status).toBe(200);
    const body = (await res.json()) as SignedIn;
    expect(body.user).toMatchObject({ id: userId, name: 'Old Guest', account: false });
    expect(body.token).toMatch(/^v2\./);
    expect(res.headers.get('set-cookie')).toContain(encodeURIComponent(body.token).slice(0, 20));
    // Both name the same session: one entry in the list, and signing it out ends both.
    const { items } = await server.http.json<{ items: SessionInfo[] }>('GET', '/api/auth/sessions', { token: body.token });
    expect(items).toHaveLength(1);
    expect(
      (await server.http.json<{ items: Array<{ id: string }> }>('GET', '/api/rooms', { token: body.token })).items.map((r) => r.id),
    ).toEqual([room.id]);
    await server.http.request('DELETE', `/api/auth/sessions/${items[0]?.id}`, { token: body.token });
    expect((await server.http.request('GET', '/api/session', { token: legacy })).status).toBe(401);
    expect((await server.http.request('GET', '/api/session', { token: body.token })).status).toBe(401);
    // A forged one of the old format is refused like any other.
    const forged = new TokenSigner('another secret, another deployment, 32+ chars').signLegacy(userId);
    expect((await server.http.request('GET', '/api/session', { token: forged })).status).toBe(401);
  });
});
