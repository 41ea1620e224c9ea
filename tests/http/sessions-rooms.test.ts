import { describe, expect, it } from 'vitest';
import { TokenSigner } from '../../server/auth/tokens.ts';
import { api, startServer } from '../helpers/server.ts';

describe('sessions', () => {
  it('POST /api/session creates a user with a signed token and an HttpOnly cookie', async () => {
    const server = await startServer();
    const res = await api(server.url).request('POST', '/api/session', { body: { name: 'Ann' } });
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body.user).toEqual({
      id: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
      name: 'Ann',
      color: expect.stringMatching(/^#[0-9a-f]{6}$/),
      shareSignals: false,
      account: false,
    });
    // The token names a session record (docs/accounts.md).
    expect(body.token).toMatch(/^v2\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^atelier_token=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);

    // The token and the cookie both authenticate.
    const http = api(server.url);
    expect(await http.json('GET', '/api/session', { token: body.token })).toEqual({ user: body.user });
    const viaCookie = await http.request('GET', '/api/session', { headers: { cookie: cookie.split(';')[0]! } });
    // A client holding only the cookie gets the token too (it came back from an identity provider).
    expect(await viaCookie.json()).toEqual({ user: body.user, token: body.token });
  });

  it('gives a generated name when none is sent, and lets the user rename themselves', async () => {
    const server = await startServer();
    const http = api(server.url);
    const { user, token } = await http.session();
    expect(user.name).toMatch(/^\w+ \w+$/);
    const renamed = await http.json<{ user: { name: string; color: string } }>('PATCH', '/api/session', {
      token,
      body: { name: 'Zoë', color: '#00ff00' },
    });
    expect(renamed.user).toMatchObject({ name: 'Zoë', color: '#00ff00' });
  });

  it('refuses bad names, unknown fields, malformed JSON, and oversized bodies with typed errors', async () => {
    const server = await startServer({ MAX_BODY_BYTES: '2048' });
    const http = api(server.url);
    const cases: Array<[unknown, number, string]> = [
      [{ name: '' }, 400, 'bad_request'],
      [{ name: 'x'.repeat(41) }, 400, 'bad_request'],
      [{ name: 'bell\u0007' }, 400, 'bad_request'],
      [{ name: 42 }, 400, 'bad_request'],
      [{ admin: true }, 400, 'bad_request'],
      ['{"name": "Ann"', 400, 'bad_request'],
      [JSON.stringify({ name: 'a', pad: 'x'.repeat(4096) }), 413, 'too_large'],
    ];
    for (const [body, status, code] of cases) {
      const res = await http.request('POST', '/api/session', { body });
      expect(res.status, JSON.stringify(body).slice(0, 40)).toBe(status);
      expect((await res.json()).error.code).toBe(code);
    }
  });

  it('answers 401 for missing, forged, tampered and foreign-secret tokens', async () => {
    const server = await startServer();
    const http = api(server.url);
    const { token, user } = await http.session('Ann');
    const tampered = token.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    const foreign = new TokenSigner('another-secret-that-is-long-enough-000').sign(user.id);
    for (const bad of [undefined, 'garbage', tampered, foreign, `${token}x`]) {
      const res = await http.request('GET', '/api/session', { token: bad });
      expect(res.status).toBe(401);
      expect((await res.json()).error.code).toBe('unauthorized');
    }
  });

  it('rate-limits session creation per IP', async () => {
    const server = await startServer({ SESSIONS_PER_MINUTE: '3' });
    const http = api(server.url);
    for (let i = 0; i < 3; i++) await http.session();
    const res = await http.request('POST', '/api/session', { body: {} });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBeTruthy();
    expect((await res.json()).error.code).toBe('rate_limited');
  });
});

describe('rooms and roles', () => {
  it('creates a room with an unguessable id and invites; the owner reads and changes it', async () => {
    const server = await startServer();
    const http = api(server.url);
    const ann = await http.session('Ann');
    const created = await http.room(ann.token, { title: 'Harbour', linkAccess: 'view' });
    expect(created.room).toEqual({
      id: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
      title: 'Harbour',
      ownerId: ann.user.id,
      linkAccess: 'view',
      remixOf: null,
      createdAt: expect.any(String),
    });
    expect(created.invites.edit).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(created.invites.view).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(created.invites.edit).not.toBe(created.invites.view);

    const got = await http.json<{ role: string; room: { title: string } }>('GET', `/api/rooms/${created.room.id}`, { token: ann.token });
    expect(got).toMatchObject({ role: 'owner', room: { title: 'Harbour' }, invites: created.invites });

    const patched = await http.json<{ room: { title: string; linkAccess: string } }>('PATCH', `/api/rooms/${created.room.id}`, {
      token: ann.token,
      body: { title: 'Harbour at night', linkAccess: 'edit' },
    });
    expect(patched.room).toMatchObject({ title: 'Harbour at night', linkAccess: 'edit' });
    // The title is mirrored into the document.
    const room = await server.registry.open(created.room.id);
    expect(room.doc.getMap('meta').get('title')).toBe('Harbour at night');
    server.registry.release(room);

    const mine = await http.json<{ items: Array<{ id: string; role: string }> }>('GET', '/api/rooms', { token: ann.token });
    expect(mine.items.map((r) => [r.id, r.role])).toEqual([[created.room.id, 'owner']]);
  });

  it('resolves roles: invite, then remembered membership, then link access; owner always owner', async () => {
    const server = await startServer();
    const http = api(server.url);
    const ann = await http.session('Ann');
    const bob = await http.session('Bob');
    const cat = await http.session('Cat');
    const { room, invites } = await http.room(ann.token, { linkAccess: 'none' });
    const roleOf = async (token: string, invite?: string) => {
      const res = await http.request('GET', `/api/rooms/${room.id}${invite ? `?invite=${invite}` : ''}`, { token });
      const body = await res.json();
      return res.ok ? body.role : body.error.code;
    };

    expect(await roleOf(ann.token, invites.view)).toBe('owner');
    expect(await roleOf(bob.token)).toBe('forbidden');
    expect(await roleOf(bob.token, invites.edit)).toBe('editor');
    expect(await roleOf(bob.token, invites.view)).toBe('viewer');
    // GET does not remember; joining does (see the realtime tests).
    expect(await roleOf(bob.token)).toBe('forbidden');
    await server.directory.resolve(room.id, bob.user.id, invites.edit);
    expect(await roleOf(bob.token)).toBe('editor');

    await http.json('PATCH', `/api/rooms/${room.id}`, { token: ann.token, body: { linkAccess: 'view' } });
    expect(await roleOf(cat.token)).toBe('viewer');
    await http.json('PATCH', `/api/rooms/${room.id}`, { token: ann.token, body: { linkAccess: 'edit' } });
    expect(await roleOf(cat.token)).toBe('editor');

    // Viewers only see the view invite; editors both.
    await http.json('PATCH', `/api/rooms/${room.id}`, { token: ann.token, body: { linkAccess: 'view' } });
    const asViewer = await http.json<{ invites: object }>('GET', `/api/rooms/${room.id}`, { token: cat.token });
    expect(asViewer.invites).toEqual({ view: invites.view });
    const asEditor = await http.json<{ invites: object }>('GET', `/api/rooms/${room.id}`, { token: bob.token });
    expect(asEditor.invites).toEqual(invites);
  });

  it('refuses what callers may not do, with typed errors', async () => {
    const server = await startServer();
    const http = api(server.url);
    const ann = await http.session('Ann');
    const bob = await http.session('Bob');
    const { room } = await http.room(ann.token);
    const expectError = async (res: Response, status: number, code: string) => {
      expect(res.status).toBe(status);
      expect((await res.json()).error.code).toBe(code);
    };
    await expectError(await http.request('POST', '/api/rooms', { body: {} }), 401, 'unauthorized');
    await expectError(await http.request('POST', '/api/rooms', { token: ann.token, body: { linkAccess: 'everyone' } }), 400, 'bad_request');
    await expectError(await http.request('POST', '/api/rooms', { token: ann.token, body: { title: 'x'.repeat(121) } }), 400, 'bad_request');
    await expectError(await http.request('GET', `/api/rooms/${room.id}`), 401, 'unauthorized');
    await expectError(await http.request('GET', '/api/rooms/AAAAAAAAAAAAAAAAAAAAAA', { token: ann.token }), 404, 'not_found');
    await expectError(await http.request('GET', '/api/rooms/..%2F..%2Fetc', { token: ann.token }), 404, 'not_found');
    await expectError(
      await http.request('PATCH', `/api/rooms/${room.id}`, { token: bob.token, body: { title: 'Mine now' } }),
      403,
      'forbidden',
    );
    await expectError(await http.request('PATCH', `/api/rooms/${room.id}`, { token: ann.token, body: {} }), 400, 'bad_request');
    await expectError(await http.request('GET', '/api/nothing-here'), 404, 'not_found');
    expect((await server.directory.get(room.id)).title).toBe('Untitled room');
  });

  it('a change refused for its listing (a room a moderator closed) renames nothing', async () => {
    const server = await startServer();
    const http = api(server.url);
    const ann = await http.session('Ann');
    const { room } = await http.room(ann.token, { title: 'Harbour' });
    await server.store.social.moderation.setHidden('room', room.id, new Date().toISOString());
    const res = await http.request('PATCH', `/api/rooms/${room.id}`, {
      token: ann.token,
      body: { title: 'Renamed', linkAccess: 'view', listed: true },
    });
    expect(res.status).toBe(403);
    expect((await res.json()).error.code).toBe('forbidden');
    expect(await server.directory.get(room.id)).toMatchObject({ title: 'Harbour', linkAccess: 'edit' });
  });

  it('rate-limits room creation per user', async () => {
    const server = await startServer({ ROOMS_PER_MINUTE: '2' });
    const http = api(server.url);
    const ann = await http.session('Ann');
    await http.room(ann.token);
    await http.room(ann.token);
    const res = await http.request('POST', '/api/rooms', { token: ann.token, body: {} });
    expect(res.status).toBe(429);
  });

  it('rate-limits API requests per caller', async () => {
    const server = await startServer({ HTTP_REQUESTS_PER_MINUTE: '5' });
    const http = api(server.url);
    const ann = await http.session('Ann');
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await http.request('GET', '/api/session', { token: ann.token })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
  });
});

describe('HTTP hygiene', () => {
  it('sets helmet headers, keeps CORS off by default and allows only configured origins', async () => {
    const server = await startServer();
    const res = await api(server.url).request('GET', '/healthz', { headers: { origin: 'https://evil.example' } });
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('x-powered-by')).toBeNull();
    expect(res.headers.get('access-control-allow-origin')).toBeNull();

    const withCors = await startServer({ CORS_ORIGINS: 'https://app.example' });
    const http = api(withCors.url);
    const allowed = await http.request('OPTIONS', '/api/session', { headers: { origin: 'https://app.example' } });
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(allowed.headers.get('access-control-allow-credentials')).toBe('true');
    const refused = await http.request('GET', '/healthz', { headers: { origin: 'https://evil.example' } });
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
  });
});
