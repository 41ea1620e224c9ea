// Two nodes in this process, sharing one Redis prefix and one PostgreSQL
// database: the relay, the adapter and shared limits, observed from outside
// (clients) and from the shared stores.
import { expect, it } from 'vitest';
import * as Y from 'yjs';
import { createClient } from 'redis';
import { roomChannel } from '../../server/realtime/socketio/socketio-server.ts';
import { encodeRelayMessage } from '../../server/scale/relay-message.ts';
import { ROOTS } from '../../shared/doc-schema.ts';
import type { Job } from '../../shared/protocol.ts';
import type { Atelier } from '../../server/atelier.ts';
import { studio } from '../gallery/helpers.ts';
import { connectSocket, joinWithSocketIo, joinWithYWebsocket } from '../helpers/clients.ts';
import { clusterEnv, startNodes, storedLog, twoNodesAndARoom } from '../helpers/cluster.ts';
import { api, startServer, WAIT_BUDGET_MS, waitFor } from '../helpers/server.ts';
import { describeWith, postgresService, redisService } from '../helpers/services.ts';
import { names, promptOf } from '../helpers/replica.ts';

const redis = await redisService();
const postgres = await postgresService();

/** Struct ids (client:clock) found in more than one log entry: a relayed update stored again. */
function storedTwice(entries: Uint8Array[]): string[] {
  const seen = new Set<string>();
  const twice: string[] = [];
  for (const entry of entries) {
    for (const struct of Y.decodeUpdate(entry).structs) {
      for (let i = 0; i < struct.length; i++) {
        const id = `${struct.id.client}:${struct.id.clock + i}`;
        if (seen.has(id)) twice.push(id);
        seen.add(id);
      }
    }
  }
  return twice;
}

async function metric(url: string, line: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const found = text.split('\n').find((l) => l.startsWith(`${line} `));
  return found ? Number(found.slice(line.length + 1)) : 0;
}

describeWith([redis, postgres], 'two nodes over Redis and PostgreSQL', () => {
  it('participants on different nodes co-edit one room; each update is stored once and relayed once', async () => {
    const env = await clusterEnv(redis, postgres, { LOG_COMPACT_ENTRIES: '100000' });
    const [a, b] = await startNodes(2, env);
    const ann = await api(a!.url).session('Ann');
    const bob = await api(b!.url).session('Bob');
    const { room } = await api(a!.url).room(ann.token, { title: 'Harbour' });

    const pa = await joinWithSocketIo(a!.url, ann.token, room.id);
    const pb = await joinWithSocketIo(b!.url, bob.token, room.id);
    expect(pb.doc.getMap(ROOTS.meta).get('title')).toBe('Harbour');
    const ta = pa.doc.getText(ROOTS.prompt);
    const tb = pb.doc.getText(ROOTS.prompt);
    // Keystroke by keystroke, from both nodes at once.
    for (const ch of 'boats') {
      ta.insert(ta.length, ch);
      tb.insert(0, ch.toUpperCase());
    }
    await waitFor(() => promptOf(pa.doc) === promptOf(pb.doc) && promptOf(pa.doc).length === 10, WAIT_BUDGET_MS, 'convergence');
    expect([...promptOf(pa.doc)].sort().join('')).toBe('ABOSTabost');
    ta.delete(0, ta.length);
    tb.insert(0, 'gulls ');
    await waitFor(() => promptOf(pb.doc) === 'gulls ' && promptOf(pa.doc) === 'gulls ', WAIT_BUDGET_MS, 'a deletion crossing nodes');
    ta.insert(ta.length, 'boats');

    // A y-websocket client on node B sees the same room.
    const wes = await api(b!.url).session('Wes');
    await waitFor(() => promptOf(pb.doc) === 'gulls boats', WAIT_BUDGET_MS, 'last edit on B');
    const w = await joinWithYWebsocket(b!.url, wes.token, room.id);
    expect(promptOf(w.doc)).toBe('gulls boats');

    await a!.registry.get(room.id)!.saver.flush();
    await b!.registry.get(room.id)!.saver.flush();
    const stored = await storedLog(env.DATABASE_URL, room.id);
    expect(storedTwice(stored.entries)).toEqual([]);
    expect(promptOf(stored.doc)).toBe('gulls boats');
    // Each node published only what it stored (a turn's updates go out merged,
    // so at most one message per stored update): nothing relayed is re-published.
    for (const node of [a!, b!]) {
      const appended = await metric(node.url, 'atelier_log_appended_updates_total');
      expect(appended).toBeGreaterThan(0);
      const published = await metric(node.url, 'atelier_relay_messages_total{direction="out",type="update"}');
      expect(published).toBeGreaterThan(0);
      expect(published).toBeLessThanOrEqual(appended);
    }
  });

  it('presence crosses nodes and leaves with its participant', async () => {
    const { a, b, ann, bob, roomId } = await twoNodesAndARoom(await clusterEnv(redis, postgres));
    const pa = await joinWithSocketIo(a.url, ann.token, roomId);
    pa.provider.awareness.setLocalStateField('user', { name: 'Ann' });
    // A late joiner on another node gets presence already there.
    const pb = await joinWithSocketIo(b.url, bob.token, roomId);
    await waitFor(() => names(pb.provider.awareness.getStates()).join() === 'Ann', WAIT_BUDGET_MS, 'Ann seen on B');
    pb.provider.awareness.setLocalStateField('user', { name: 'Bob' });
    await waitFor(() => names(pa.provider.awareness.getStates()).join() === 'Ann,Bob', WAIT_BUDGET_MS, 'Bob seen on A');
    pa.socket.disconnect();
    await waitFor(() => names(pb.provider.awareness.getStates()).join() === 'Bob', WAIT_BUDGET_MS, 'Ann gone on B');
  });

  it('room events sent with io.to reach participants on every node', async () => {
    const { a, b, ann, bob, roomId } = await twoNodesAndARoom(await clusterEnv(redis, postgres));
    const room = { id: roomId };
    const pa = await joinWithSocketIo(a.url, ann.token, roomId);
    const pb = await joinWithSocketIo(b.url, bob.token, roomId);
    const job: Job = {
      id: 'job-1',
      roomId,
      status: 'running',
      progress: 0.5,
      prompt: 'boats',
      params: {},
      requestedBy: ann.user.id,
      createdAt: new Date().toISOString(),
    };
    const seen: Array<[string, Job]> = [];
    pa.socket.on('gen:update', (roomId, j) => seen.push([`a:${roomId}`, j]));
    pb.socket.on('gen:update', (roomId, j) => seen.push([`b:${roomId}`, j]));
    // The adapter learns of node B's stream reader a moment after start: retry until delivered.
    await waitFor(
      async () => {
        a.socketIo.io.to(roomChannel(room.id)).emit('gen:update', room.id, job);
        await new Promise((r) => setTimeout(r, 100));
        return seen.some(([who]) => who === `b:${room.id}`);
      },
      10_000,
      'gen:update on node B',
    );
    expect(seen.find(([who]) => who === `b:${room.id}`)![1]).toEqual(job);
    expect(seen.some(([who]) => who === `a:${room.id}`)).toBe(true);
  });

  it('a node that loads a room already open elsewhere syncs with it, even from a store that lacks it', async () => {
    // Two nodes on one Redis but separate SQLite stores: whatever node B shows
    // of Ann's edits can only have come from node A through the relay.
    const prefix = (await clusterEnv(redis, postgres)).REDIS_PREFIX;
    const secret = 'x'.repeat(40);
    const a = await startServer({ REDIS_URL: redis.url, REDIS_PREFIX: prefix, SESSION_SECRET: secret, NODE_ID: 'a' });
    const b = await startServer({ REDIS_URL: redis.url, REDIS_PREFIX: prefix, SESSION_SECRET: secret, NODE_ID: 'b' });
    const ann = await api(a.url).session('Ann');
    const { room, invites } = await api(a.url).room(ann.token);
    const pa = await joinWithSocketIo(a.url, ann.token, room.id);
    pa.doc.getText(ROOTS.prompt).insert(0, 'only in A');
    await waitFor(async () => (await a.store.docLog.load(room.id)).entries >= 2);

    // The same room record in B's store, with an empty document log.
    const bob = await api(b.url).session('Bob');
    await b.store.records.createUser({ ...ann.user, createdAt: room.createdAt });
    await b.store.records.createRoom(room, [
      { code: invites.edit!, roomId: room.id, role: 'edit', createdAt: room.createdAt },
      { code: invites.view, roomId: room.id, role: 'view', createdAt: room.createdAt },
    ]);
    const pb = await joinWithSocketIo(b.url, bob.token, room.id);
    await waitFor(() => promptOf(pb.doc) === 'only in A', WAIT_BUDGET_MS, 'B synced from A');
    // And what B then adds reaches A.
    pb.doc.getText(ROOTS.prompt).insert(0, 'B: ');
    await waitFor(() => promptOf(pa.doc) === 'B: only in A', WAIT_BUDGET_MS, 'A hears B');
  });

  it('garbage on a room’s relay channel is counted and dropped; the node and the room carry on', async () => {
    const env = await clusterEnv(redis, postgres);
    const { a, b, ann, bob, roomId } = await twoNodesAndARoom(env);
    const pa = await joinWithSocketIo(a.url, ann.token, roomId);
    const pb = await joinWithSocketIo(b.url, bob.token, roomId);
    const client = createClient({ url: redis.url });
    client.on('error', () => undefined);
    await client.connect();
    try {
      const channel = `${env.REDIS_PREFIX}room:${roomId}`;
      const from = 'forger/1';
      const garbage = [
        Buffer.from('not a relay message'),
        Buffer.from(encodeRelayMessage({ type: 'update', from, update: new Uint8Array([1, 2, 3, 250, 250]) })),
        Buffer.from(encodeRelayMessage({ type: 'awareness', from, message: new Uint8Array([5, 1]) })),
        Buffer.from(encodeRelayMessage({ type: 'hello', from, stateVector: new Uint8Array([200]) })),
      ];
      for (const message of garbage) await client.publish(channel, message);
      await waitFor(
        async () => (await metric(a.url, 'atelier_relay_dropped_total{reason="malformed"}')) >= garbage.length,
        WAIT_BUDGET_MS,
        'all refused',
      );
    } finally {
      client.destroy();
    }
    pa.doc.getText(ROOTS.prompt).insert(0, 'still fine');
    await waitFor(() => promptOf(pb.doc) === 'still fine', WAIT_BUDGET_MS, 'relay still works');
    expect((await fetch(`${b.url}/healthz`)).status).toBe(200);
  });

  it('a work published on one node reaches gallery subscribers on the other; likes from either count once each', async () => {
    const env = await clusterEnv(redis, postgres);
    const [a, b] = (await startNodes(2, env)) as [Atelier, Atelier];
    const watcherOnA = connectSocket(a.url);
    const watcherOnB = connectSocket(b.url);
    const seen: Array<[string, unknown]> = [];
    for (const [name, socket] of [
      ['a', watcherOnA],
      ['b', watcherOnB],
    ] as const) {
      socket.on('gallery:published', (work) => seen.push([`${name}:published`, work.id]));
      socket.on('gallery:liked', (change) => seen.push([`${name}:liked`, change]));
      await socket.timeout(WAIT_BUDGET_MS).emitWithAck('gallery:subscribe');
    }
    const ann = await studio(a, 'Ann');
    // Node B's adapter reads the stream from its start-up on, so one publish reaches it. (Publishing again until
    // it arrived looked for each new work alone and, under load, ran into the publish rate limit.)
    const workId = (await ann.publish('Harbour at dusk')).id;
    await waitFor(() => seen.some(([what, id]) => what === 'b:published' && id === workId), WAIT_BUDGET_MS, 'gallery:published on node B');
    expect(seen).toContainEqual(['a:published', workId]);

    const bob = await api(b.url).session('Bob');
    const cat = await api(a.url).session('Cat');
    await Promise.all([
      api(b.url).json('POST', `/api/works/${workId}/like`, { token: bob.token, expect: 200 }),
      api(a.url).json('POST', `/api/works/${workId}/like`, { token: cat.token, expect: 200 }),
      api(b.url).json('POST', `/api/works/${workId}/like`, { token: bob.token, expect: 200 }),
    ]);
    const work = await api(b.url).json<{ likes: number }>('GET', `/api/works/${workId}`);
    expect(work.likes).toBe(2);
    await waitFor(
      () => seen.some(([what, change]) => what === 'a:liked' && (change as { likes: number }).likes === 2),
      WAIT_BUDGET_MS,
      'gallery:liked on A',
    );
  });

  it('HTTP rate limits are shared: spreading requests over nodes buys nothing', async () => {
    const env = await clusterEnv(redis, postgres, { SESSIONS_PER_MINUTE: '3' });
    const [a, b] = await startNodes(2, env);
    const statuses: number[] = [];
    for (const node of [a!, b!, a!, b!, a!, b!]) {
      const res = await api(node.url).request('POST', '/api/session', { body: {} });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([201, 201, 201, 429, 429, 429]);
  });
});
