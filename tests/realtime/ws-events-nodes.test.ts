// Atelier's events on the Yjs WebSocket across two nodes (Redis + PostgreSQL):
// an emit on one node reaches the event sockets of the other (gen:update of a
// job run on node A, an edit request and its notification served on node B,
// a grant made on node A), as Socket.IO's adapter carries them to sockets.
import { expect, it } from 'vitest';
import type { Job } from '../../shared/protocol.ts';
import { connectSocket } from '../helpers/clients.ts';
import { livePage } from '../live/helpers.ts';
import { clusterEnv, runningJob, startNodes } from '../helpers/cluster.ts';
import { roomChannel } from '../../server/realtime/events/channels.ts';
import { api, startServer, WAIT_BUDGET_MS, waitFor } from '../helpers/server.ts';
import { startTcpGate } from '../helpers/tcp-gate.ts';
import { describeWith, postgresService, redisService } from '../helpers/services.ts';
import { eventWs } from '../helpers/ws-events.ts';

const redis = await redisService();
const postgres = await postgresService();

describeWith([redis, postgres], 'events on the Yjs WebSocket across nodes', () => {
  it('gen:update, edit requests, notifications and role changes reach event sockets on the other node', async () => {
    const env = await clusterEnv(redis, postgres);
    const [a, b] = await startNodes(2, env);
    const http = api(a!.url);
    const [ann, bob] = await Promise.all([http.session('Ann'), http.session('Bob')]);
    const { room } = await http.room(ann.token, { title: 'Harbour', linkAccess: 'view' });
    await http.json('PATCH', `/api/rooms/${room.id}`, { token: ann.token, body: { listed: true } });

    // Ann's room page on node A (events on its document socket); Bob watches on node B.
    const annWs = eventWs(a!.url, room.id, ann.token);
    await annWs.next('room:joined');
    const bobWs = eventWs(b!.url, room.id, bob.token, '&watch=1');
    expect((await bobWs.next('room:joined'))[1]).toMatchObject({ role: 'viewer' });

    // A job Ann starts over Socket.IO on node A: Bob's event socket on node B hears it run.
    const annSio = connectSocket(a!.url, ann.token);
    expect(await annSio.timeout(10_000).emitWithAck('room:join', room.id, { yjs: false })).toMatchObject({ ok: true });
    const started = await annSio.timeout(10_000).emitWithAck('gen:start', room.id, { prompt: 'two harbours', size: '256x256' });
    if (!started.ok) throw new Error(started.error.message);
    const jobId = started.job.id;
    const isDone = (args: unknown[]) => (args[1] as Job).id === jobId && (args[1] as Job).status === 'succeeded';
    await bobWs.next('gen:update', isDone, 20_000);
    await annWs.next('gen:update', isDone, 20_000);
    // Once each: the local emit and the other node's are not both delivered.
    expect(bobWs.of('gen:update').filter(isDone)).toHaveLength(1);
    expect(annWs.of('gen:update').filter(isDone)).toHaveLength(1);

    // Bob asks on node B; the owner's event socket on node A hears the request and its notification.
    expect(await bobWs.call('room:request-edit', room.id)).toEqual({ ok: true, requested: true });
    expect((await annWs.next('room:edit-requested'))[1]).toMatchObject({ user: { id: bob.user.id } });
    expect((await annWs.next('notification'))[0]).toMatchObject({ type: 'join_request', actor: { id: bob.user.id }, roomId: room.id });

    // Ann grants on node A (once node B's board shows Bob there); Bob's event socket on node B is told its new role.
    await b!.live.rooms.tick();
    await waitFor(async () => (await livePage(http)).items[0]?.spectators === 1, WAIT_BUDGET_MS, 'the spectator counted on node A');
    expect(await annWs.call('room:grant', room.id, bob.user.id, 'editor')).toEqual({ ok: true, userId: bob.user.id, role: 'editor' });
    expect(await bobWs.next('room:role')).toEqual([room.id, { role: 'editor' }]);
    expect(await bobWs.call('gen:start', room.id, { prompt: 'mine', size: '256x256' })).toMatchObject({ ok: true });
  });

  it("garbage on the adapter's stream is skipped: the next broadcast still reaches the other node's event sockets and Socket.IO sockets", async () => {
    const env = await clusterEnv(redis, postgres);
    const [a, b] = await startNodes(2, env);
    const ann = await api(a!.url).session('Ann');
    const { room } = await api(a!.url).room(ann.token);
    const annWs = eventWs(b!.url, room.id, ann.token);
    await annWs.next('room:joined');
    const annSio = connectSocket(b!.url, ann.token);
    expect(await annSio.timeout(10_000).emitWithAck('room:join', room.id, { yjs: false })).toMatchObject({ ok: true });
    const sioHeard: string[] = [];
    annSio.on('gen:update', (_roomId, job) => sioHeard.push(job.id));
    const job = (id: string): Job => ({
      id: id.repeat(22),
      roomId: room.id,
      status: 'running',
      progress: 0.5,
      prompt: id,
      params: {},
      requestedBy: ann.user.id,
      createdAt: new Date().toISOString(),
    });
    const first = job('F');
    a!.socketIo.io.to(roomChannel(room.id)).emit('gen:update', room.id, first);
    await annWs.next('gen:update', (args) => (args[1] as Job).id === first.id, 10_000);

    // Entries no node wrote: broadcasts without options or packet, a broken body, an unknown type.
    const stream = `${env.REDIS_PREFIX}socket.io`;
    for (const fields of [
      { uid: 'intruder', nsp: '/', type: '3', data: '{"opts":null}' },
      { uid: 'intruder', nsp: '/', type: '3', data: '{"packet":{"type":2,"data":["gen:update"]},"opts":{"rooms":7}}' },
      { uid: 'intruder', nsp: '/', type: '3', data: '{not json' },
      { uid: 'intruder', nsp: '/', type: '99', data: '{}' },
    ]) {
      await a!.scale!.redis.xAdd(stream, '*', fields);
    }
    const after = job('A');
    a!.socketIo.io.to(roomChannel(room.id)).emit('gen:update', room.id, after);
    expect(await annWs.next('gen:update', (args) => (args[1] as Job).id === after.id, 10_000)).toEqual([room.id, after]);
    await waitFor(() => sioHeard.includes(after.id), WAIT_BUDGET_MS, 'the Socket.IO socket hears it too');
    expect(annWs.raw.ws.readyState).toBe(annWs.raw.ws.OPEN);
  });

  it("an emit made while a node is cut off from Redis reaches that node's event sockets once it is back (the adapter's stream)", async () => {
    const { gate, env, a, b, ann, roomId, annWs } = await nodeBehindGate();
    const job = (id: string, prompt: string) => runningJob(roomId, id.repeat(22), prompt, ann.user.id);
    // Node B has read the stream once (the adapter reads on from there).
    const before = job('B', 'before');
    a.socketIo.io.to(roomChannel(roomId)).emit('gen:update', roomId, before);
    expect(await annWs.next('gen:update', (args) => (args[1] as Job).id === before.id, 10_000)).toEqual([roomId, before]);
    const stream = `${env.REDIS_PREFIX}socket.io`;
    const entries = await a.scale!.redis.xLen(stream);

    gate.cut();
    await waitFor(() => !b.scale?.redis.isReady, WAIT_BUDGET_MS, 'node B notices Redis is gone');
    // Sent through node A's adapter while node B cannot read the stream: on the stream before node B is back.
    const meanwhile = job('M', 'meanwhile');
    a.socketIo.io.to(roomChannel(roomId)).emit('gen:update', roomId, meanwhile);
    await waitFor(async () => (await a.scale!.redis.xLen(stream)) > entries, WAIT_BUDGET_MS, 'the emit on the stream');
    expect(annWs.of('gen:update')).toHaveLength(1);
    gate.restore();
    expect(await annWs.next('gen:update', (args) => (args[1] as Job).id === meanwhile.id, 20_000)).toEqual([roomId, meanwhile]);
    expect(annWs.raw.ws.readyState).toBe(annWs.raw.ws.OPEN);
  });

  it("a node that has read nothing from the adapter's stream yet still gets, once back, what was sent during its first Redis outage", async () => {
    const { gate, env, a, b, ann, roomId, annWs } = await nodeBehindGate();
    const annSio = connectSocket(b.url, ann.token);
    expect(await annSio.timeout(10_000).emitWithAck('room:join', roomId, { yjs: false })).toMatchObject({ ok: true });
    const sioHeard: string[] = [];
    annSio.on('gen:update', (_roomId, job) => sioHeard.push(job.id));
    // Nothing on the stream yet: node B's reader has not read a single entry.
    const stream = `${env.REDIS_PREFIX}socket.io`;
    expect(await a.scale!.redis.xLen(stream)).toBe(0);

    gate.cut();
    await waitFor(() => !b.scale?.redis.isReady, WAIT_BUDGET_MS, 'node B notices Redis is gone');
    const meanwhile = runningJob(roomId, 'M'.repeat(22), 'meanwhile', ann.user.id);
    a.socketIo.io.to(roomChannel(roomId)).emit('gen:update', roomId, meanwhile);
    // On the stream before node B can read it again.
    await waitFor(async () => (await a.scale!.redis.xLen(stream)) === 1, WAIT_BUDGET_MS, 'the emit on the stream');
    gate.restore();
    expect(await annWs.next('gen:update', (args) => (args[1] as Job).id === meanwhile.id, 20_000)).toEqual([roomId, meanwhile]);
    await waitFor(() => sioHeard.includes(meanwhile.id), 20_000, 'the Socket.IO socket hears it too');
  });
});

/** Two nodes on the shared Redis, node B through a gate the test can cut; Ann's event socket on node B, in her room. */
async function nodeBehindGate() {
  const gate = await startTcpGate(redis.url);
  const env = await clusterEnv(redis, postgres);
  const a = await startServer({ ...env, NODE_ID: 'node-a' });
  const b = await startServer({ ...env, REDIS_URL: gate.url, NODE_ID: 'node-b' });
  const ann = await api(a.url).session('Ann');
  const { room } = await api(a.url).room(ann.token);
  const annWs = eventWs(b.url, room.id, ann.token);
  await annWs.next('room:joined');
  return { gate, env, a, b, ann, roomId: room.id, annWs };
}
