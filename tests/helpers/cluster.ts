// Several Atelier nodes sharing one Redis (a key prefix of the test's own) and
// one PostgreSQL database (the test's own): in this process, or as real child
// processes that can be killed. A small TCP proxy stands in for the load
// balancer, so a client's reconnection can land on another node.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import * as Y from 'yjs';
import type { Atelier } from '../../server/atelier.ts';
import { type ChildServer, startChildServer } from './child-server.ts';
import type { AtelierClientSocket } from '../../client/realtime/socketio-provider.ts';
import type { Job, SessionResponse } from '../../shared/protocol.ts';
import { type Updates, watchJobs } from '../generation/helpers.ts';
import { connectSocket } from './clients.ts';
import { api, startServer, type TestEnv, tempDir } from './server.ts';
import { createRedisPrefix, createTestDatabase, type PrivateRedis, type Service, startPrivateRedis } from './services.ts';
import { startTcpProxy } from './tcp-proxy.ts';

export interface ClusterEnv extends TestEnv {
  REDIS_URL: string;
  REDIS_PREFIX: string;
  DATABASE_URL: string;
  SESSION_SECRET: string;
  MEDIA_DIR: string;
}

/** The settings every node of one test's cluster shares. */
export async function clusterEnv(redis: Service | { url: string }, postgres: Service, extra: TestEnv = {}): Promise<ClusterEnv> {
  return {
    REDIS_URL: redis.url,
    REDIS_PREFIX: 'name' in redis ? createRedisPrefix(redis) : `atelier-test:${randomBytes(6).toString('hex')}:`,
    DATABASE_URL: await createTestDatabase(postgres),
    SESSION_SECRET: randomBytes(32).toString('base64url'),
    MEDIA_DIR: tempDir('atelier-media-'),
    ...extra,
  };
}

/** In-process nodes, closed when the test finishes. */
export async function startNodes(count: number, env: ClusterEnv): Promise<Atelier[]> {
  const nodes: Atelier[] = [];
  for (let i = 0; i < count; i++) nodes.push(await startServer({ ...env, NODE_ID: `node-${i + 1}` }));
  return nodes;
}

export interface TwoNodes {
  a: Atelier;
  b: Atelier;
  ann: SessionResponse;
  bob: SessionResponse;
  roomId: string;
}

/** Two in-process nodes, Ann signed in on A (owning a new room) and Bob on B. */
export async function twoNodesAndARoom(env: ClusterEnv): Promise<TwoNodes> {
  const [a, b] = (await startNodes(2, env)) as [Atelier, Atelier];
  const ann = await api(a.url).session('Ann');
  const bob = await api(b.url).session('Bob');
  const { room } = await api(a.url).room(ann.token);
  return { a, b, ann, bob, roomId: room.id };
}

export interface NodesOnOwnRedis {
  /** Redis for these two nodes alone: the test stops and starts it. */
  redis: PrivateRedis;
  a: Atelier;
  b: Atelier;
  ann: SessionResponse;
  roomId: string;
  /** Ann's Socket.IO socket on each node, joined to the room without its document. */
  sockets: { a: AtelierClientSocket; b: AtelierClientSocket };
  /** The gen:update each of those sockets has heard. */
  jobs: { a: Updates; b: Updates };
}

/** Two in-process nodes on a Redis of their own, Ann in a room made on node B with a Socket.IO socket on each node. */
export async function twoNodesOnOwnRedis(postgres: Service, extra: TestEnv = {}): Promise<NodesOnOwnRedis> {
  const redis = await startPrivateRedis();
  const env = await clusterEnv({ url: redis.url }, postgres, extra);
  const a = await startServer({ ...env, NODE_ID: 'node-a' });
  const b = await startServer({ ...env, NODE_ID: 'node-b' });
  const ann = await api(b.url).session('Ann');
  const { room } = await api(b.url).room(ann.token);
  const join = async (node: Atelier, name: string) => {
    const socket = connectSocket(node.url, ann.token);
    const joined = await socket.timeout(10_000).emitWithAck('room:join', room.id, { yjs: false });
    if (!joined.ok) throw new Error(`room:join on node ${name}: ${joined.error.code}`);
    return socket;
  };
  const onB = await join(b, 'B');
  const onA = await join(a, 'A');
  return { redis, a, b, ann, roomId: room.id, sockets: { a: onA, b: onB }, jobs: { a: watchJobs(onA), b: watchJobs(onB) } };
}

/** A running job's update, as a node broadcasts it to a room: for sending room events through the adapter by hand. */
export function runningJob(roomId: string, id: string, prompt: string, requestedBy = 'someone'): Job {
  return { id, roomId, status: 'running', progress: 0.5, prompt, params: {}, requestedBy, createdAt: new Date().toISOString() };
}

/** A room's log as PostgreSQL holds it: every entry, and all of them applied to one document. */
export async function storedLog(databaseUrl: string, roomId: string): Promise<{ entries: Uint8Array[]; doc: Y.Doc }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ data: Buffer }>('SELECT data FROM doc_updates WHERE room_id = $1 ORDER BY seq', [roomId]);
    const entries = rows.map((r) => new Uint8Array(r.data));
    const doc = new Y.Doc();
    for (const entry of entries) Y.applyUpdate(doc, entry);
    return { entries, doc };
  } finally {
    await client.end();
  }
}

export interface NodeProcess extends ChildServer {
  nodeId: string;
}

/** A real server process (`server/main.ts` on this Node), killed when the test finishes. */
export async function spawnNode(env: ClusterEnv, nodeId: string): Promise<NodeProcess> {
  const server = await startChildServer({ ...env, NODE_ID: nodeId, DATA_DIR: env.DATA_DIR ?? tempDir() });
  return Object.assign(server, { nodeId });
}

export interface Balancer {
  url: string;
  /** Where new connections go from now on; open ones stay where they are. */
  route(url: string): void;
}

/** A TCP proxy: every new connection goes to the current target, like a sticky balancer after a failover. */
export async function startBalancer(target: string): Promise<Balancer> {
  let port = Number(new URL(target).port);
  const proxy = await startTcpProxy(() => ({ host: '127.0.0.1', port }));
  return {
    url: `http://127.0.0.1:${proxy.port}`,
    route(url) {
      port = Number(new URL(url).port);
    },
  };
}
