// The access sweep (live-access.ts) re-reads who may be in the rooms a node
// holds a batch of rooms a turn, not all of them at once: with a thousand
// spectators, one turn's queries over everyone held makers' keystrokes back.
// Each batch still lets go of and re-roles its people as the whole sweep did.
import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LocalLiveBus } from '../../server/live/bus.ts';
import { LiveAccess } from '../../server/live/live-access.ts';
import { MemoryRateLimiter } from '../../server/rate-limit.ts';
import { api, startServer } from '../helpers/server.ts';
import { joinRoom, listeningSocket } from './helpers.ts';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the access sweep', () => {
  it('reads the rooms a node holds in batches of at most its people per turn, and applies each batch', async () => {
    const server = await startServer();
    const http = api(server.url);
    const rooms: Array<{ id: string; viewerIds: string[] }> = [];
    for (let i = 0; i < 3; i++) {
      const owner = await http.session(`Owner ${i}`);
      const { room } = await http.room(owner.token, { linkAccess: 'view' });
      expect(await joinRoom(listeningSocket(server.url, owner.token).socket, room.id)).toMatchObject({ ok: true, role: 'owner' });
      const viewerIds: string[] = [];
      for (let v = 0; v < 2; v++) {
        const viewer = await http.session(`Viewer ${i}.${v}`);
        expect(await joinRoom(listeningSocket(server.url, viewer.token).socket, room.id)).toMatchObject({ ok: true, role: 'viewer' });
        viewerIds.push(viewer.user.id);
      }
      rooms.push({ id: room.id, viewerIds });
    }
    const [first, , last] = rooms;
    if (!first || !last) throw new Error('three rooms');
    // Granted while this node heard nothing of it (a lost message): the sweep reads it from the store.
    await server.store.live.setMembership(last.id, last.viewerIds[0] ?? '', 'editor', new Date().toISOString());
    await server.store.live.setMembership(first.id, first.viewerIds[1] ?? '', 'editor', new Date().toISOString());

    const access = new LiveAccess({
      store: server.store.live,
      directory: server.directory,
      registry: server.registry,
      board: server.live.board,
      bus: new LocalLiveBus(),
      rooms: server.live.rooms,
      limiter: new MemoryRateLimiter(),
      isClosed: async () => false,
      notify: () => undefined,
      editRequestsPerMinute: 3,
      sweepMs: 60_000,
      // An owner and two viewers each: a room a batch.
      sweepPeoplePerTurn: 3,
      logger: pino({ level: 'silent' }),
    });
    const reads = vi.spyOn(server.store.live, 'rolesAmong');
    await access.sweep();

    expect(reads.mock.calls.map(([roomIds, userIds]) => [roomIds.length, userIds.length])).toEqual([
      [1, 2],
      [1, 2],
      [1, 2],
    ]);
    expect(reads.mock.calls.flatMap(([roomIds]) => roomIds).sort()).toEqual(rooms.map((r) => r.id).sort());
    const roleOf = (roomId: string, userId: string) =>
      [...(server.registry.get(roomId)?.participants.values() ?? [])].find((p) => p.user.id === userId)?.role;
    expect(roleOf(first.id, first.viewerIds[1] ?? '')).toBe('editor');
    expect(roleOf(last.id, last.viewerIds[0] ?? '')).toBe('editor');
    expect(roleOf(first.id, first.viewerIds[0] ?? '')).toBe('viewer');
  });
});
