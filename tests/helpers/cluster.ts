// Several Atelier nodes sharing one Redis (a key prefix of the test's own) and
// one PostgreSQL database (the test's own): in this process, or as real child
// processes that can be killed. A small TCP proxy stands in for the load
// balancer, so a client's reconnection can land on another node.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Socket, connect } from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { onTestFinished } from 'vitest';
import type { Atelier } from '../../server/app.ts';
import { startServer, type TestEnv, tempDir } from './server.ts';
import { createRedisPrefix, createTestDatabase, type Service } from './services.ts';

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

export interface NodeProcess {
  url: string;
  nodeId: string;
  child: ChildProcess;
  /** Everything it logged, for a failing test's message. */
  output: string[];
  kill(signal?: NodeJS.Signals): Promise<void>;
}

const MAIN = path.resolve(import.meta.dirname, '../../server/main.ts');

/** A real server process (`server/main.ts` on this Node), stopped when the test finishes. */
export async function spawnNode(env: ClusterEnv, nodeId: string): Promise<NodeProcess> {
  const child = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...env,
      NODE_ID: nodeId,
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: env.DATA_DIR ?? tempDir(),
      LOG_LEVEL: env.LOG_LEVEL ?? 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const exited = once(child, 'exit');
  const kill = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    await exited;
  };
  onTestFinished(() => kill('SIGKILL'));
  createInterface({ input: child.stderr! }).on('line', (line) => output.push(line));
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      output.push(line);
      try {
        const entry = JSON.parse(line) as { msg?: string; url?: string };
        if (entry.msg === 'atelier listening' && entry.url) resolve(entry.url);
      } catch {
        // Not JSON: kept in output for the failure message.
      }
    });
    void exited.then(([code]) => reject(new Error(`${nodeId} exited with ${code} before listening:\n${output.join('\n')}`)));
  });
  return { url, nodeId, child, output, kill };
}

export interface Balancer {
  url: string;
  /** Where new connections go from now on; open ones stay where they are. */
  route(url: string): void;
}

/** A TCP proxy: every new connection goes to the current target, like a sticky balancer after a failover. */
export async function startBalancer(target: string): Promise<Balancer> {
  let port = Number(new URL(target).port);
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(port, '127.0.0.1');
    sockets.add(client).add(upstream);
    client.pipe(upstream).pipe(client);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  onTestFinished(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no balancer port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    route(url) {
      port = Number(new URL(url).port);
    },
  };
}
