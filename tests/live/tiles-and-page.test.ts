// What a "Live now" tile leads to never gives more than watching, and
// `GET /api/live` reads the store once per request, not once per room.
import { describe, expect, it, vi } from 'vitest';
import { LIVE_PAGE_DEFAULT } from '../../shared/live.ts';
import { rawYjsSocket } from '../helpers/raw-ws.ts';
import { api, startServer, WAIT_BUDGET_MS, waitFor } from '../helpers/server.ts';
import { joinRoom, listeningSocket, livePage } from './helpers.ts';

describe('live tiles and the live page', () => {
  it('a tile (watch) into a listed room whose link gives editing makes a viewer on both transports; a plain link an editor', async () => {
    const server = await startServer();
    const http = api(server.url);
    const [owner, fan, friend] = await Promise.all([http.session('Owner'), http.session('Fan'), http.session('Friend')]);
    const { room } = await http.room(owner.token, { linkAccess: 'edit' });
    await http.json('PATCH', `/api/rooms/${room.id}`, { token: owner.token, body: { listed: true } });
    const roleOf = (userId: string) =>
      [...(server.registry.get(room.id)?.participants.values() ?? [])].filter((p) => p.user.id === userId).map((p) => p.role);

    const fanSocket = listeningSocket(server.url, fan.token);
    expect(await joinRoom(fanSocket.socket, room.id, { watch: true })).toMatchObject({ ok: true, role: 'viewer' });
    const ws = rawYjsSocket(server.url, `/yjs/${room.id}?token=${fan.token}&watch=1`);
    await ws.opened;
    await waitFor(() => roleOf(fan.user.id).length === 2, WAIT_BUDGET_MS, 'both connections in');
    expect(roleOf(fan.user.id)).toEqual(['viewer', 'viewer']);
    // Watching leaves nothing behind that a later watch would read as more.
    expect((await http.json<{ role: string }>('GET', `/api/rooms/${room.id}`, { token: fan.token })).role).toBe('editor');
    const again = listeningSocket(server.url, fan.token);
    expect(await joinRoom(again.socket, room.id, { watch: true })).toMatchObject({ ok: true, role: 'viewer' });
    // A plain link is what linkAccess says.
    const friendSocket = listeningSocket(server.url, friend.token);
    expect(await joinRoom(friendSocket.socket, room.id)).toMatchObject({ ok: true, role: 'editor' });
    await server.close();
  });

  it('GET /api/live over 50 listed rooms asks the store once per request, never per room', async () => {
    const server = await startServer({ LIVE_PREVIEW_MS: '60000', MAX_ROOMS_PER_CONNECTION: '64', ROOMS_PER_MINUTE: '100' });
    const http = api(server.url);
    const [owner, reader] = await Promise.all([http.session('Owner'), http.session('Reader')]);
    const ownerSocket = listeningSocket(server.url, owner.token);
    const ids: string[] = [];
    for (let i = 0; i < 50; i++) {
      const { room } = await http.room(owner.token, { title: `Room ${i}` });
      await http.json('PATCH', `/api/rooms/${room.id}`, { token: owner.token, body: { listed: true } });
      expect(await joinRoom(ownerSocket.socket, room.id)).toMatchObject({ ok: true });
      ids.push(room.id);
    }
    await server.live.rooms.tick();
    const { live, social } = server.store;
    const listedAmong = vi.spyOn(live, 'listedAmong');
    const isListed = vi.spyOn(live, 'isListed');
    const blockedAmong = vi.spyOn(social.graph, 'blockedAmong');
    const blockersAmong = vi.spyOn(social.graph, 'blockersAmong');
    const isBlocking = vi.spyOn(social.graph, 'isBlocking');
    for (let i = 0; i < 3; i++) {
      const page = await livePage(http, reader.token);
      expect(page.items).toHaveLength(LIVE_PAGE_DEFAULT);
    }
    const all = await http.json<{ items: unknown[] }>('GET', '/api/live?limit=50', { token: reader.token });
    expect(all.items).toHaveLength(50);
    expect(isListed).not.toHaveBeenCalled();
    expect(isBlocking).not.toHaveBeenCalled();
    expect(listedAmong.mock.calls.length).toBeGreaterThanOrEqual(4);
    // The background sweep also calls listedAmong, with every listed room at once like the page.
    for (const [roomIds] of listedAmong.mock.calls) expect([...roomIds].sort()).toEqual([...ids].sort());
    expect(blockedAmong).toHaveBeenCalledTimes(4);
    expect(blockersAmong).toHaveBeenCalledTimes(4);
    await server.close();
  });
});
