// The servers under fuzz: one node on its own data directory, or (scaled
// mode) two nodes sharing a Redis under a key prefix of the run's own and a
// PostgreSQL database of the run's own, both removed at the end. In scaled
// mode each node reaches Redis through a counting proxy, so the report can
// say how many PINGs (the relay's catch-up waits among them) the run cost.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { deleteKeys } from '../redis-keys.ts';
import { type ServerProcess, startServerProcess } from './server-process.ts';

export interface Scaled {
  redisUrl: string;
  databaseUrl: string;
}

export interface Nodes {
  nodes: ServerProcess[];
  /** Redis PING commands the nodes sent (scaled mode; undefined with one node). */
  redisPings(): number | undefined;
  stop(): Promise<void>;
}

export async function startNodes(scaled: Scaled | undefined): Promise<Nodes> {
  if (!scaled) {
    const node = await startServerProcess();
    return { nodes: [node], redisPings: () => undefined, stop: () => node.stop() };
  }
  const suffix = randomBytes(6).toString('hex');
  const prefix = `atelier-fuzz:${suffix}:`;
  const database = `atelier_fuzz_${suffix}`;
  await withPg(scaled.databaseUrl, (c) => c.query(`CREATE DATABASE ${database}`));
  const dbUrl = new URL(scaled.databaseUrl);
  dbUrl.pathname = `/${database}`;
  const mediaDir = mkdtempSync(path.join(tmpdir(), 'atelier-fuzz-media-'));
  const counter = await countingProxy(scaled.redisUrl);
  const env = {
    REDIS_URL: counter.url,
    REDIS_PREFIX: prefix,
    DATABASE_URL: dbUrl.toString(),
    SESSION_SECRET: randomBytes(32).toString('base64url'),
    MEDIA_DIR: mediaDir,
  };
  const nodes: ServerProcess[] = [];
  const stop = async () => {
    await Promise.all(nodes.map((node) => node.stop()));
    counter.close();
    rmSync(mediaDir, { recursive: true, force: true });
    await withPg(scaled.databaseUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
    await deleteKeys(scaled.redisUrl, prefix);
  };
  try {
    for (const id of ['fuzz-a', 'fuzz-b']) nodes.push(await startServerProcess({ ...env, NODE_ID: id }));
  } catch (err) {
    await stop();
    throw err;
  }
  return { nodes, redisPings: () => counter.pings, stop };
}

async function withPg(url: string, run: (client: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await run(client);
  } finally {
    await client.end();
  }
}

/** RESP's PING as clients send it (an array of one bulk string). */
const PING = /\*1\r\n\$4\r\nPING\r\n/gi;

/** A TCP proxy in front of Redis counting the PINGs that go through it. */
async function countingProxy(redisUrl: string): Promise<{ url: string; readonly pings: number; close(): void }> {
  const target = new URL(redisUrl);
  const sockets = new Set<{ destroy(): void }>();
  let pings = 0;
  const server: Server = createServer((client) => {
    const upstream = connect(Number(target.port || 6379), target.hostname);
    sockets.add(client).add(upstream);
    // A command split across two chunks is missed: a count, not a proof.
    client.on('data', (chunk: Buffer) => {
      pings += chunk.toString('latin1').match(PING)?.length ?? 0;
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    const drop = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no proxy port');
  const url = new URL(redisUrl);
  url.hostname = '127.0.0.1';
  url.port = String(address.port);
  return {
    url: url.toString(),
    get pings() {
      return pings;
    },
    close() {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}
