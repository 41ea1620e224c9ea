// POST /api/rooms under contention and bad input: every answer is a created
// room or a typed 4xx, never a 500.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CreateRoomResponse, WireError } from '../../shared/protocol.ts';
import { api, startServer } from '../helpers/server.ts';
import { holdWriteLock, whileProfiled } from '../helpers/sqlite-contention.ts';

const UNLIMITED = { ROOMS_PER_MINUTE: '1000000', HTTP_REQUESTS_PER_MINUTE: '1000000' };

describe('POST /api/rooms', () => {
  it('waits out another connection’s write lock while a sampling profiler runs (the join storm’s 500 under --cpu-prof)', async () => {
    const server = await startServer();
    const http = api(server.url);
    const { token } = await http.session();
    // The maintenance thread's journal move, held long enough to outlast SQLite's sleeps cut short by SIGPROF.
    const lock = await holdWriteLock(path.join(server.config.dataDir, 'atelier.db'), 1500);
    const res = await whileProfiled(() => http.request('POST', '/api/rooms', { token, body: { title: 'under a profiler' } }));
    await lock.done;
    const body = await res.json();
    expect({ status: res.status, body }).toMatchObject({ status: 201, body: { room: { title: 'under a profiler' } } });
    expect(await http.json('GET', `/api/rooms/${(body as CreateRoomResponse).room.id}`, { token })).toMatchObject({ role: 'owner' });
  });

  it('makes the session it is made with under the same lock and profiler', async () => {
    const server = await startServer();
    const http = api(server.url);
    const lock = await holdWriteLock(path.join(server.config.dataDir, 'atelier.db'), 1500);
    const res = await whileProfiled(() => http.request('POST', '/api/session', { body: { name: 'under a profiler' } }));
    await lock.done;
    expect({ status: res.status, body: await res.json() }).toMatchObject({ status: 201, body: { user: { name: 'under a profiler' } } });
  });

  it('makes hundreds of rooms at once from several sessions, each once', async () => {
    const server = await startServer(UNLIMITED);
    const http = api(server.url);
    const sessions = await Promise.all(Array.from({ length: 4 }, (_, s) => http.session(`maker ${s}`)));
    const answers = await Promise.all(
      sessions.flatMap(({ token }, s) =>
        Array.from({ length: 60 }, async (_, i) => {
          const res = await http.request('POST', '/api/rooms', { token, body: { title: `room ${s}.${i}` } });
          return { status: res.status, body: (await res.json()) as CreateRoomResponse };
        }),
      ),
    );
    expect(answers.filter((a) => a.status !== 201)).toEqual([]);
    expect(new Set(answers.map((a) => a.body.room.id)).size).toBe(answers.length);
    for (const { token, user } of sessions) {
      const { items } = await http.json<{ items: Array<{ ownerId: string }> }>('GET', '/api/rooms?limit=100', { token });
      expect(items.filter((room) => room.ownerId === user.id)).toHaveLength(60);
    }
  });

  it('answers every malformed body with a typed 4xx', async () => {
    const server = await startServer(UNLIMITED);
    const http = api(server.url);
    const { token } = await http.session();
    const json = { 'Content-Type': 'application/json' };
    const bad: Array<[string, Record<string, string>, string]> = [
      ['null', json, 'null'],
      ['a number', json, '1'],
      ['an array', json, '[]'],
      ['cut short', json, '{"title":'],
      ['an unknown key', json, '{"remixOf":"x"}'],
      ['__proto__', json, '{"__proto__":{"title":"x"}}'],
      ['an empty title', json, '{"title":"  "}'],
      ['a long title', json, JSON.stringify({ title: 'x'.repeat(121) })],
      ['a title of another type', json, '{"title":{"a":1}}'],
      ['an unknown link access', json, '{"linkAccess":"all"}'],
      ['an unknown charset', { 'Content-Type': 'application/json; charset=latin9' }, '{}'],
      ['a bogus gzip', { ...json, 'Content-Encoding': 'gzip' }, '{}'],
      ['an unknown encoding', { ...json, 'Content-Encoding': 'zz' }, '{}'],
      ['too large', json, JSON.stringify({ title: 'x'.repeat(2_000_000) })],
    ];
    for (const [what, headers, body] of bad) {
      const res = await http.request('POST', '/api/rooms', { token, headers, body });
      const answer = { what, status: res.status, body: (await res.json()) as { error?: WireError } };
      expect(answer.status, what).toBeGreaterThanOrEqual(400);
      expect(answer.status, what).toBeLessThan(500);
      expect(answer.body.error?.code, what).toMatch(/^(bad_request|too_large)$/);
    }
  });
});
