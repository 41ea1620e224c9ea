// A node cut off from Redis misses the owner's grants and revokes made on
// another node (they go by pub/sub). Once Redis is back it re-reads from the
// store the role of each person it holds and applies what changed, on every
// transport, as the lost message would have: not only at their next join. In
// a room whose link gives editing too, where a revoke is told from the link's
// editors by its time.
import { expect, it } from 'vitest';
import type { Atelier } from '../../server/atelier.ts';
import type { GrantAck } from '../../shared/live.ts';
import type { Heard } from '../live/helpers.ts';
import { joinRoom, listeningSocket } from '../live/helpers.ts';
import { clusterEnv } from '../helpers/cluster.ts';
import { api, startServer, WAIT_BUDGET_MS, waitFor } from '../helpers/server.ts';
import { describeWith, postgresService, redisService } from '../helpers/services.ts';
import { startTcpGate, type TcpGate } from '../helpers/tcp-gate.ts';
import { type Everywhere, everywhere } from '../helpers/three-ways.ts';
import { person } from '../social/helpers.ts';

const redis = await redisService();
const postgres = await postgresService();

/**
 * Node A reaching Redis through a gate, node B directly; a room of Ann's whose
 * link gives viewing (or `link`), Ann on node B (where she grants), Bob on
 * node B too (so node B finds him present) and on node A three ways.
 */
async function viewerOnACutOff(link: 'view' | 'edit' = 'view') {
  const gate = await startTcpGate(redis.url);
  const env = await clusterEnv(redis, postgres);
  const a = await startServer({ ...env, REDIS_URL: gate.url, NODE_ID: 'node-a' });
  const b = await startServer({ ...env, NODE_ID: 'node-b' });
  const [ann, bob] = await Promise.all([person(b, 'Ann'), person(b, 'Bob')]);
  const { room } = await api(b.url).room(ann.token, { linkAccess: link });
  const owner = listeningSocket(b.url, ann.token);
  expect(await joinRoom(owner.socket, room.id)).toMatchObject({ ok: true, role: 'owner' });
  const bobOnB = listeningSocket(b.url, bob.token);
  expect(await joinRoom(bobOnB.socket, room.id)).toMatchObject({ ok: true, role: link === 'edit' ? 'editor' : 'viewer' });
  const bobOnA = await everywhere(a, room.id, bob.token);
  const grant = (role: 'editor' | 'viewer') =>
    new Promise<GrantAck>((resolve) => owner.socket.emit('room:grant', room.id, bob.id, role, resolve));
  return { gate, a, roomId: room.id, bobId: bob.id, bobToken: bob.token, bobOnB, bobOnA, grant };
}

async function cutOff(gate: TcpGate, a: Atelier): Promise<void> {
  gate.cut();
  await waitFor(() => !a.scale!.redis.isReady, WAIT_BUDGET_MS, 'node A notices Redis is gone');
}

function rolesOn(server: Atelier, roomId: string, userId: string): string[] {
  return [...(server.registry.get(roomId)?.participants.values() ?? [])].filter((p) => p.user.id === userId).map((p) => p.role);
}

/** Bob's connections on node A were told, on both transports that carry events, and all three hold the role. */
async function toldOnA(bob: Everywhere, a: Atelier, roomId: string, bobId: string, role: string): Promise<void> {
  await waitFor(() => bob.sio.roles.at(-1) === role, WAIT_BUDGET_MS, `room:role ${role} on Socket.IO`);
  expect((await bob.events.next('room:role', (args) => (args[1] as { role: string }).role === role))[0]).toBe(roomId);
  expect(rolesOn(a, roomId, bobId)).toEqual([role, role, role]);
}

async function heardOnB(bob: Heard, role: string): Promise<void> {
  await waitFor(() => bob.roles.at(-1) === role, WAIT_BUDGET_MS, `room:role ${role} on node B`);
}

type CutOffRoom = Awaited<ReturnType<typeof viewerOnACutOff>>;

/**
 * Node A cut off, Ann changes Bob's role on node B and node B tells him, while all three of his connections on
 * node A keep the old one (the news went by pub/sub); Redis back, node A tells them the new one, evicting nobody.
 */
async function changedWhileCutOff(room: CutOffRoom, role: 'editor' | 'viewer'): Promise<void> {
  const { gate, a, roomId, bobId, bobOnB, bobOnA, grant } = room;
  const before = role === 'editor' ? 'viewer' : 'editor';
  expect(rolesOn(a, roomId, bobId)).toEqual([before, before, before]);
  await cutOff(gate, a);
  expect(await grant(role)).toMatchObject({ ok: true, role });
  await heardOnB(bobOnB, role);
  expect(rolesOn(a, roomId, bobId)).toEqual([before, before, before]);

  gate.restore();
  await toldOnA(bobOnA, a, roomId, bobId, role);
  expect(bobOnA.sio.evicted).toEqual([]);
}

describeWith([redis, postgres], 'roles on a node cut off from Redis', () => {
  it('an editor revoked on node B while node A was cut off is a viewer on node A once Redis is back, on every transport', async () => {
    const room = await viewerOnACutOff();
    expect(await room.grant('editor')).toMatchObject({ ok: true });
    await toldOnA(room.bobOnA, room.a, room.roomId, room.bobId, 'editor');
    await changedWhileCutOff(room, 'viewer');
  });

  it('an editor by the link, revoked on node B while node A was cut off, is a viewer on node A once Redis is back', async () => {
    const room = await viewerOnACutOff('edit');
    const { a, roomId, bobId, bobToken } = room;
    await changedWhileCutOff(room, 'viewer');
    // A join after the revoke is the link's editor, as any join is; the next sweep leaves it so.
    const later = listeningSocket(a.url, bobToken);
    expect(await joinRoom(later.socket, roomId)).toMatchObject({ ok: true, role: 'editor' });
    await a.live.access.sweep();
    expect(rolesOn(a, roomId, bobId).sort()).toEqual(['editor', 'viewer', 'viewer', 'viewer']);
  });

  it('a viewer granted editing on node B while node A was cut off is an editor on node A once Redis is back', async () => {
    await changedWhileCutOff(await viewerOnACutOff(), 'editor');
  });
});
