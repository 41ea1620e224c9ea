// Live rooms on two nodes over Redis and PostgreSQL: a room listed on node A
// and made there is in node B's /api/live and live:update with its people; a
// spectator on node B asks to edit and the owner's grant on node A applies to
// them on node B at once; unlisting on A lets B's spectators go.
import { expect, it } from 'vitest';
import type { GrantAck, RequestEditAck } from '../../shared/live.ts';
import { joinWithSocketIo } from '../helpers/clients.ts';
import { clusterEnv, startNodes } from '../helpers/cluster.ts';
import { api, WAIT_BUDGET_MS, waitFor } from '../helpers/server.ts';
import { describeWith, postgresService, redisService } from '../helpers/services.ts';
import { joinRoom, listeningSocket, livePage } from './helpers.ts';

const redis = await redisService();
const postgres = await postgresService();

describeWith([redis, postgres], 'live rooms on two nodes', () => {
  it('listing, asking, granting and unlisting cross nodes', async () => {
    const [a, b] = await startNodes(2, await clusterEnv(redis, postgres, { LIVE_PREVIEW_MS: '250' }));
    if (!a || !b) throw new Error('two nodes');
    const owner = await api(a.url).session('Owner');
    const watcher = await api(b.url).session('Watcher');
    const { room } = await api(a.url).room(owner.token, { title: 'Across', linkAccess: 'none' });
    await api(a.url).json('PATCH', `/api/rooms/${room.id}`, { token: owner.token, body: { listed: true } });

    const ownerSocket = listeningSocket(a.url, owner.token);
    expect((await joinRoom(ownerSocket.socket, room.id)).ok).toBe(true);
    const subscriber = listeningSocket(b.url, watcher.token);
    await new Promise((resolve) => subscriber.socket.emit('live:subscribe', resolve));
    await a.live.rooms.tick();
    // Node B lists what node A holds, and hears of it.
    await waitFor(async () => (await livePage(api(b.url))).items.length === 1, WAIT_BUDGET_MS, "node A's room in node B's list");
    await waitFor(() => subscriber.updates.some((item) => item.room.id === room.id), WAIT_BUDGET_MS, 'live:update on node B');
    expect((await livePage(api(b.url))).items[0]?.participants.map((u) => u.id)).toEqual([owner.user.id]);

    // The watcher joins on node B (the listing, written on A, lets them in) and asks.
    const spectator = listeningSocket(b.url, watcher.token);
    expect(await joinRoom(spectator.socket, room.id, { watch: true })).toMatchObject({ ok: true, role: 'viewer' });
    await b.live.rooms.tick();
    await waitFor(async () => (await livePage(api(a.url))).items[0]?.spectators === 1, WAIT_BUDGET_MS, 'the spectator counted on node A');
    expect(await new Promise<RequestEditAck>((resolve) => spectator.socket.emit('room:request-edit', room.id, resolve))).toEqual({
      ok: true,
      requested: true,
    });
    await waitFor(() => ownerSocket.requests.includes(watcher.user.id), WAIT_BUDGET_MS, "the request on the owner's node");

    // Granted on A: an editor at once on B, and typing there reaches A.
    expect(
      await new Promise<GrantAck>((resolve) => ownerSocket.socket.emit('room:grant', room.id, watcher.user.id, 'editor', resolve)),
    ).toEqual({ ok: true, userId: watcher.user.id, role: 'editor' });
    await waitFor(() => spectator.roles.includes('editor'), WAIT_BUDGET_MS, 'room:role on node B');
    const onB = [...(b.registry.get(room.id)?.participants.values() ?? [])].find((p) => p.user.id === watcher.user.id);
    expect(onB?.role).toBe('editor');

    // Revoked and unlisted on A: B's viewer is let go.
    await new Promise<GrantAck>((resolve) => ownerSocket.socket.emit('room:grant', room.id, watcher.user.id, 'viewer', resolve));
    await waitFor(() => spectator.roles.at(-1) === 'viewer', WAIT_BUDGET_MS, 'the revoke on node B');
    await api(a.url).json('PATCH', `/api/rooms/${room.id}`, { token: owner.token, body: { listed: false } });
    await waitFor(() => spectator.evicted.some((e) => e.roomId === room.id), WAIT_BUDGET_MS, 'the spectator let go on node B');
    await waitFor(() => subscriber.ended.includes(room.id), WAIT_BUDGET_MS, 'live:ended on node B');
    expect((await livePage(api(b.url))).items).toEqual([]);
  });

  it("a spectator's flag is stamped on its node and a grant on the other node re-states it everywhere", async () => {
    const [a, b] = await startNodes(2, await clusterEnv(redis, postgres, { LIVE_PREVIEW_MS: '250' }));
    if (!a || !b) throw new Error('two nodes');
    const owner = await api(a.url).session('Owner');
    const watcher = await api(b.url).session('Watcher');
    const { room } = await api(a.url).room(owner.token, { linkAccess: 'none' });
    await api(a.url).json('PATCH', `/api/rooms/${room.id}`, { token: owner.token, body: { listed: true } });
    const ownerSocket = listeningSocket(a.url, owner.token);
    expect((await joinRoom(ownerSocket.socket, room.id)).ok).toBe(true);
    // A bare provider on B lying that it makes.
    const liar = await joinWithSocketIo(b.url, watcher.token, room.id);
    expect(liar.joined.role).toBe('viewer');
    liar.provider.awareness.setLocalState({ user: { name: 'Liar' }, watching: false });
    const watchingOnA = () => {
      const states = a.registry.get(room.id)?.awareness.getStates() ?? new Map();
      // Named as the server knows them (presence carries the account's name), not 'Liar'.
      return [...states.values()].find((s) => s.user?.name === 'Watcher')?.watching;
    };
    await waitFor(() => watchingOnA() === true, WAIT_BUDGET_MS, 'shown watching on node A');

    await b.live.rooms.tick();
    await waitFor(async () => (await livePage(api(a.url))).items[0]?.spectators === 1, WAIT_BUDGET_MS, 'the spectator counted on node A');
    expect(
      await new Promise<GrantAck>((resolve) => ownerSocket.socket.emit('room:grant', room.id, watcher.user.id, 'editor', resolve)),
    ).toEqual({ ok: true, userId: watcher.user.id, role: 'editor' });
    // The provider never says so itself: node B re-states it and node A hears it.
    await waitFor(() => watchingOnA() === false, WAIT_BUDGET_MS, 'shown making on node A');
  });
});
