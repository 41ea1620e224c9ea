// Revocation across two nodes over Redis and PostgreSQL: signing out
// everywhere, deleting the account or being suspended on one node closes the
// user's sockets on both nodes and both transports, and the old token is
// `unauthorized` everywhere after (HTTP, a Socket.IO handshake, the Yjs WebSocket).
import { expect, it } from 'vitest';
import type { Atelier } from '../../server/atelier.ts';
import { CLOSE_CODES, type WireError } from '../../shared/protocol.ts';
import { connectSocket, joinWithSocketIo } from '../helpers/clients.ts';
import { clusterEnv, startNodes } from '../helpers/cluster.ts';
import { rawYjsSocket } from '../helpers/raw-ws.ts';
import { api, WAIT_BUDGET_MS, waitFor } from '../helpers/server.ts';
import { describeWith, postgresService, redisService } from '../helpers/services.ts';

const redis = await redisService();
const postgres = await postgresService();

/** A user's open connections in one room: Socket.IO on node A, Socket.IO and the Yjs WebSocket on node B. */
async function connectEverywhere(a: Atelier, b: Atelier, token: string, roomId: string) {
  const onA = await joinWithSocketIo(a.url, token, roomId);
  const onB = await joinWithSocketIo(b.url, token, roomId);
  const wsOnB = rawYjsSocket(b.url, `/yjs/${roomId}?token=${encodeURIComponent(token)}`);
  await wsOnB.opened;
  const ended = (socket: typeof onA.socket) => {
    const seen: { reason: string; errors: WireError[] } = { reason: '', errors: [] };
    socket.on('room:error', (_room, error) => seen.errors.push(error));
    socket.on('disconnect', (reason) => (seen.reason = reason));
    return seen;
  };
  return { onA, onB, wsOnB, endA: ended(onA.socket), endB: ended(onB.socket) };
}

/** The token works nowhere: HTTP on both nodes, a new Socket.IO handshake and a Yjs WebSocket on both. */
async function refusedEverywhere(nodes: Atelier[], token: string, roomId: string): Promise<void> {
  for (const node of nodes) {
    expect((await api(node.url).request('GET', '/api/session', { token })).status).toBe(401);
    const socket = connectSocket(node.url, token);
    const error = await new Promise<Error & { data?: unknown }>((resolve) => socket.on('connect_error', resolve));
    expect(error.data).toMatchObject({ code: 'unauthorized' });
    socket.disconnect();
    const ws = rawYjsSocket(node.url, `/yjs/${roomId}?token=${encodeURIComponent(token)}`);
    expect((await ws.closed).code).toBe(CLOSE_CODES.unauthorized);
  }
}

describeWith([redis, postgres], 'revocation on two nodes', () => {
  it('signing out everywhere on node A closes the sockets on both nodes; the old token is unauthorized everywhere', async () => {
    const [a, b] = await startNodes(2, await clusterEnv(redis, postgres));
    const ann = await api(a!.url).session('Ann');
    const bob = await api(b!.url).session('Bob');
    const { room, invites } = await api(a!.url).room(ann.token);
    const bobs = await joinWithSocketIo(b!.url, bob.token, room.id, invites.edit!);
    const open = await connectEverywhere(a!, b!, ann.token, room.id);
    const inRoom = (node: Atelier, userId: string) =>
      [...(node.registry.get(room.id)?.participants.values() ?? [])].filter((p) => p.user.id === userId).length;
    await waitFor(() => inRoom(a!, ann.user.id) === 1 && inRoom(b!, ann.user.id) === 2, WAIT_BUDGET_MS, 'Ann joined on both nodes');

    await api(a!.url).json('DELETE', '/api/auth/sessions', { token: ann.token, expect: 200 });

    expect((await open.wsOnB.closed).code).toBe(CLOSE_CODES.unauthorized);
    await waitFor(() => open.endA.reason !== '' && open.endB.reason !== '', WAIT_BUDGET_MS, 'both Socket.IO connections closed');
    expect([open.endA.reason, open.endB.reason]).toEqual(['io server disconnect', 'io server disconnect']);
    expect(open.endB.errors).toContainEqual({ code: 'unauthorized', message: 'this session was signed out' });
    await waitFor(() => inRoom(a!, ann.user.id) === 0 && inRoom(b!, ann.user.id) === 0, WAIT_BUDGET_MS, 'Ann left the room on both nodes');
    await refusedEverywhere([a!, b!], ann.token, room.id);
    // Bob, in the same room, was not touched.
    expect(bobs.socket.connected).toBe(true);
    expect((await api(a!.url).request('GET', '/api/session', { token: bob.token })).status).toBe(200);
  });

  it('deleting the account on node B, or a suspension on node A, ends the sockets on the other node too', async () => {
    const [a, b] = await startNodes(2, await clusterEnv(redis, postgres));
    const ann = await api(a!.url).session('Ann');
    const cid = await api(a!.url).session('Cid');
    const annsRoom = await api(a!.url).room(ann.token);
    const cidsRoom = await api(a!.url).room(cid.token);
    const annOpen = await connectEverywhere(a!, b!, ann.token, annsRoom.room.id);
    const cidOpen = await connectEverywhere(a!, b!, cid.token, cidsRoom.room.id);

    const res = await api(b!.url).request('DELETE', '/api/account', { token: ann.token, body: { confirm: true } });
    expect(res.status).toBe(204);
    expect((await annOpen.wsOnB.closed).code).toBe(CLOSE_CODES.unauthorized);
    await waitFor(() => annOpen.endA.reason !== '' && annOpen.endB.reason !== '', WAIT_BUDGET_MS, 'the deleted account’s sockets closed');
    await refusedEverywhere([a!, b!], ann.token, annsRoom.room.id);

    // A moderator's `suspend` records the suspension, then ends the sessions through Sessions.revokeAll
    // (server/atelier.ts wires it); the same two steps here, without a report to act on.
    expect(cidOpen.onA.socket.connected).toBe(true);
    await a!.store.social.moderation.setSuspended(cid.user.id, new Date().toISOString());
    await a!.accounts.sessions.revokeAll(cid.user.id);
    expect((await cidOpen.wsOnB.closed).code).toBe(CLOSE_CODES.unauthorized);
    await waitFor(() => cidOpen.endA.reason !== '' && cidOpen.endB.reason !== '', WAIT_BUDGET_MS, 'the suspended user’s sockets closed');
    await refusedEverywhere([a!, b!], cid.token, cidsRoom.room.id);
  });
});
