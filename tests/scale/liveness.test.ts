// Node heartbeats and what follows a death, with a peer played over real Redis
// by the test: it speaks the relay protocol, beats once, and goes silent, as a
// node killed between relaying an edit and appending it would.
import pino from 'pino';
import { createClient } from 'redis';
import { expect, it } from 'vitest';
import * as Y from 'yjs';
import { encodeAwarenessEntries } from '../../server/rooms/awareness-message.ts';
import { encodeRelayMessage, type RelayMessage } from '../../server/scale/relay-message.ts';
import { NodeLiveness } from '../../server/scale/node-liveness.ts';
import { closeRedis, connectRedis } from '../../server/scale/redis-client.ts';
import { ROOTS } from '../../shared/doc-schema.ts';
import { joinWithSocketIo } from '../helpers/clients.ts';
import { clusterEnv, startNodes, storedLog, twoNodesAndARoom } from '../helpers/cluster.ts';
import { api, WAIT_BUDGET_MS, waitFor } from '../helpers/server.ts';
import { describeWith, postgresService, redisService } from '../helpers/services.ts';

const logger = pino({ level: 'silent' });
const redis = await redisService();
const postgres = await postgresService();

const storedText = async (databaseUrl: string, roomId: string) =>
  (await storedLog(databaseUrl, roomId)).doc.getText(ROOTS.prompt).toString();

describeWith([redis, postgres], 'node liveness', () => {
  it('a peer whose heartbeat expires is found dead: its presence goes, and what only it relayed is stored', async () => {
    const env = await clusterEnv(redis, postgres, { NODE_HEARTBEAT_MS: '100', NODE_TIMEOUT_MS: '400' });
    const [node] = await startNodes(1, env);
    const ann = await api(node!.url).session('Ann');
    const { room } = await api(node!.url).room(ann.token);
    const pa = await joinWithSocketIo(node!.url, ann.token, room.id);

    const ghost = 'ghost/0001';
    const client = createClient({ url: redis.url });
    client.on('error', () => undefined);
    await client.connect();
    try {
      await client.set(`${env.REDIS_PREFIX}node:${ghost}`, '{}', { PX: 1500 });
      const channel = `${env.REDIS_PREFIX}room:${room.id}`;
      const send = (message: RelayMessage) => client.publish(channel, Buffer.from(encodeRelayMessage(message)));
      // The ghost's participant is present, and typed something the ghost relayed but never stored.
      const doc = new Y.Doc();
      doc.clientID = 4242;
      Y.applyUpdate(doc, Y.encodeStateAsUpdate(pa.doc));
      const before = Y.encodeStateVector(doc);
      doc.getText(ROOTS.prompt).insert(0, 'relayed, never stored');
      await send({ type: 'update', from: ghost, update: Y.encodeStateAsUpdate(doc, before) });
      const state = JSON.stringify({ user: { name: 'Ghost' } });
      await send({
        type: 'awareness',
        from: ghost,
        message: encodeAwarenessEntries([{ clientId: 4242, clock: 1, json: state, removed: false }]),
      });
      await waitFor(() => pa.doc.getText(ROOTS.prompt).toString() === 'relayed, never stored', WAIT_BUDGET_MS, 'ghost edit relayed');
      await waitFor(() => pa.provider.awareness.getStates().has(4242), WAIT_BUDGET_MS, 'ghost presence relayed');
      expect((await storedText(env.DATABASE_URL, room.id)).includes('relayed, never stored')).toBe(false);

      // Silence: the key expires, the sweeper notices.
      await waitFor(() => !pa.provider.awareness.getStates().has(4242), WAIT_BUDGET_MS, 'ghost presence removed');
      await waitFor(
        async () => (await storedText(env.DATABASE_URL, room.id)).includes('relayed, never stored'),
        WAIT_BUDGET_MS,
        'ghost edit stored',
      );
      const metrics = await (await fetch(`${node!.url}/metrics`)).text();
      expect(metrics).toMatch(/^atelier_nodes_down_total 1$/m);
    } finally {
      client.destroy();
    }
  });

  it('a room unloading stores what only its copy held, even while the peer that relayed it looks alive', async () => {
    const env = await clusterEnv(redis, postgres);
    const [node] = await startNodes(1, env);
    const ann = await api(node!.url).session('Ann');
    const { room } = await api(node!.url).room(ann.token);
    const pa = await joinWithSocketIo(node!.url, ann.token, room.id);
    const client = createClient({ url: redis.url });
    client.on('error', () => undefined);
    await client.connect();
    try {
      const ghost = 'ghost/0002';
      await client.set(`${env.REDIS_PREFIX}node:${ghost}`, '{}', { PX: 60_000 });
      const doc = new Y.Doc();
      Y.applyUpdate(doc, Y.encodeStateAsUpdate(pa.doc));
      const before = Y.encodeStateVector(doc);
      doc.getText(ROOTS.prompt).insert(0, 'only in memory');
      const message: RelayMessage = { type: 'update', from: ghost, update: Y.encodeStateAsUpdate(doc, before) };
      await client.publish(`${env.REDIS_PREFIX}room:${room.id}`, Buffer.from(encodeRelayMessage(message)));
      await waitFor(() => pa.doc.getText(ROOTS.prompt).toString() === 'only in memory', WAIT_BUDGET_MS, 'relayed');
    } finally {
      client.destroy();
    }
    expect(await storedText(env.DATABASE_URL, room.id)).toBe('');
    pa.provider.destroy();
    pa.socket.disconnect();
    await waitFor(() => node!.registry.get(room.id) === undefined, WAIT_BUDGET_MS, 'room unloaded');
    expect(await storedText(env.DATABASE_URL, room.id)).toBe('only in memory');
  });

  it('each death is reported once; a node found dead that beats again is watched again', async () => {
    const prefix = (await clusterEnv(redis, postgres)).REDIS_PREFIX;
    const client = await connectRedis(redis.url, 'test', logger);
    try {
      const liveness = new NodeLiveness({ client, prefix, nodeId: 'me/1', info: {}, heartbeatMs: 100, timeoutMs: 300, logger });
      const heard: string[] = [];
      liveness.watch(() => ['ghost/1', 'me/1']);
      liveness.events.add({ nodeDown: (id) => void heard.push(id) });
      const beat = () => client.set(liveness.key('ghost/1'), '{}', { PX: 300 });
      await beat();
      // Beating: alive.
      expect(await liveness.sweep()).toEqual([]);
      await waitFor(async () => (await liveness.sweep()).length > 0, WAIT_BUDGET_MS, 'ghost found dead');
      expect(await liveness.sweep()).toEqual([]);
      await beat();
      expect(await liveness.sweep()).toEqual([]);
      await waitFor(async () => (await liveness.sweep()).length > 0, WAIT_BUDGET_MS, 'ghost found dead again');
      expect(heard).toEqual(['ghost/1', 'ghost/1']);
      await liveness.close();
    } finally {
      await closeRedis(client);
    }
  });

  it('a node whose own heartbeat lapsed past the timeout (its process frozen) hears it when it beats again', async () => {
    const prefix = (await clusterEnv(redis, postgres)).REDIS_PREFIX;
    const client = await connectRedis(redis.url, 'test', logger);
    try {
      const liveness = new NodeLiveness({ client, prefix, nodeId: 'me/1', info: {}, heartbeatMs: 100, timeoutMs: 1000, logger });
      const lapses: number[] = [];
      liveness.events.add({ lapsed: (gapMs) => void lapses.push(gapMs) });
      await liveness.start();
      // Starved: nothing else runs on this thread for longer than the timeout.
      const until = performance.now() + 1500;
      while (performance.now() < until);
      await waitFor(() => lapses.length > 0, WAIT_BUDGET_MS, 'the lapse heard');
      expect(lapses[0]).toBeGreaterThan(1000);
      // Heard once more a timeout later, for a sweep that acted after the lapse.
      await waitFor(() => lapses.length > 1, WAIT_BUDGET_MS, 'the lapse heard again');
      await liveness.close();
    } finally {
      await closeRedis(client);
    }
  });

  it('a live node is never found dead, and a node that shuts down cleanly removes its heartbeat', async () => {
    // A timeout twenty heartbeats long: a busy machine may delay a beat, never by that much.
    const env = await clusterEnv(redis, postgres, { NODE_HEARTBEAT_MS: '100', NODE_TIMEOUT_MS: '2000' });
    const { a, b, ann, bob, roomId } = await twoNodesAndARoom(env);
    const pa = await joinWithSocketIo(a.url, ann.token, roomId);
    const pb = await joinWithSocketIo(b.url, bob.token, roomId);
    pb.doc.getText(ROOTS.prompt).insert(0, 'x');
    await waitFor(() => pa.doc.getText(ROOTS.prompt).toString() === 'x');
    // Each watches the other (a peer in the room); once a missing beat would count, it is never missing.
    expect([...a.scale!.relay.peers()]).toEqual([b.scale!.processId]);
    expect([...b.scale!.relay.peers()]).toEqual([a.scale!.processId]);
    await new Promise((r) => setTimeout(r, 2100));
    for (let i = 0; i < 10; i++) {
      expect(await a.scale!.liveness.sweep()).toEqual([]);
      expect(await b.scale!.liveness.sweep()).toEqual([]);
      await new Promise((r) => setTimeout(r, 100));
    }
    const keys = createClient({ url: redis.url });
    keys.on('error', () => undefined);
    await keys.connect();
    try {
      expect(await keys.exists(`${env.REDIS_PREFIX}node:${b.scale!.processId}`)).toBe(1);
      await b.close();
      expect(await keys.exists(`${env.REDIS_PREFIX}node:${b.scale!.processId}`)).toBe(0);
    } finally {
      keys.destroy();
    }
  });
});
