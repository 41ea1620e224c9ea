// Real Redis and PostgreSQL for the scaled-mode suites. Each suite asks for a
// service once: when it is unreachable the suite is skipped with the reason
// printed, except under CI=true, where that is a failing test instead. Each
// test gets its own database, its own Redis key prefix, or its own private
// redis-server, removed when it finishes.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:net';
import pg from 'pg';
import { createClient } from 'redis';
import { describe, it, onTestFinished } from 'vitest';
import { deleteKeys } from '../../scripts/redis-keys.ts';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export interface Service {
  name: string;
  url: string;
  /** Why the service cannot be used; undefined when it can. */
  unavailable: string | undefined;
}

const probes = new Map<string, Promise<Service>>();

/**
 * How long a probe may take to connect: a budget for a starved machine (PostgreSQL forks a backend per
 * connection), where a probe timing out fails the suite under CI=true. Nothing listening is refused at once.
 */
const PROBE_TIMEOUT_MS = 10_000;

/** REDIS_URL, else the default; probed once per test file. */
export function redisService(): Promise<Service> {
  return probe('Redis', process.env.REDIS_URL || DEFAULT_REDIS_URL, async (url) => {
    const client = createClient({ url, socket: { connectTimeout: PROBE_TIMEOUT_MS, reconnectStrategy: false } });
    client.on('error', () => undefined);
    await client.connect();
    try {
      await client.ping();
    } finally {
      client.destroy();
    }
  });
}

/** DATABASE_URL, else the default; probed once per test file. */
export function postgresService(): Promise<Service> {
  return probe('PostgreSQL', process.env.DATABASE_URL || DEFAULT_DATABASE_URL, async (url) => {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: PROBE_TIMEOUT_MS });
    await client.connect();
    try {
      await client.query('SELECT 1');
    } finally {
      await client.end();
    }
  });
}

/** The redis-server binary, for tests that start (and kill) a Redis of their own. */
export async function redisServerBinary(): Promise<Service> {
  const run = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  const unavailable = run.status === 0 ? undefined : `redis-server not runnable: ${run.error?.message ?? run.stderr}`;
  return { name: 'redis-server', url: 'redis-server', unavailable };
}

function probe(name: string, url: string, check: (url: string) => Promise<void>): Promise<Service> {
  let found = probes.get(name);
  if (!found) {
    found = check(url).then(
      () => ({ name, url, unavailable: undefined }),
      (err: unknown) => ({ name, url, unavailable: `${name} unreachable at ${url}: ${(err as Error).message}` }),
    );
    probes.set(name, found);
  }
  return found;
}

/**
 * Defines the suite when every service is reachable. Otherwise prints why and
 * skips it, or under CI=true defines one failing test saying why.
 */
export function describeWith(services: readonly Service[], name: string, define: () => void): void {
  const missing = services.map((s) => s.unavailable).filter((r): r is string => r !== undefined);
  if (missing.length === 0) {
    describe(name, define);
    return;
  }
  const reason = missing.join('; ');
  if (process.env.CI === 'true') {
    describe(name, () => {
      it('has the services it needs (CI=true: a skip is a failure)', () => {
        throw new Error(reason);
      });
    });
    return;
  }
  process.stderr.write(`[skipped] ${name}: ${reason}\n`);
  describe.skip(name, define);
}

const suffix = () => randomBytes(6).toString('hex');

/** A fresh database on the PostgreSQL server, dropped when the test finishes. */
export async function createTestDatabase(service: Service): Promise<string> {
  const name = `atelier_test_${suffix()}`;
  const admin = new pg.Client({ connectionString: service.url });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  onTestFinished(async () => {
    const dropper = new pg.Client({ connectionString: service.url });
    await dropper.connect();
    try {
      await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    } finally {
      await dropper.end();
    }
  });
  const url = new URL(service.url);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A key prefix of this test's own; every key under it is deleted when the test finishes. */
export function createRedisPrefix(service: Service): string {
  const prefix = `atelier-test:${suffix()}:`;
  onTestFinished(() => deleteKeys(service.url, prefix));
  return prefix;
}

export interface PrivateRedis {
  url: string;
  port: number;
  /** Kills the server (SIGKILL: as a crash) and starts a new one on the same port, empty. */
  restart(): Promise<void>;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Freezes the server (SIGSTOP): connections stay open and nothing is answered, as with `CLIENT PAUSE`. */
  pause(): void;
  /** Lets a paused server go on (SIGCONT): it answers what it was sent meanwhile. */
  resume(): void;
}

/** A redis-server of this test's own, on an ephemeral port, without persistence. */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    child = proc;
    await waitForRedis(`redis://127.0.0.1:${port}`, proc);
  };
  const stop = async () => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null) return;
    const exited = once(proc, 'exit');
    proc.kill('SIGKILL');
    await exited;
  };
  await start();
  onTestFinished(stop);
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    start,
    stop,
    async restart() {
      await stop();
      await start();
    },
    pause() {
      const paused = child;
      paused?.kill('SIGSTOP');
      // Hooks run last registered first: what the test started before (its nodes) closes with Redis awake.
      onTestFinished(() => void paused?.kill('SIGCONT'));
    },
    resume() {
      child?.kill('SIGCONT');
    },
  };
}

async function waitForRedis(url: string, proc: ChildProcess): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (proc.exitCode !== null) throw new Error(`redis-server exited with ${proc.exitCode}`);
    const client = createClient({ url, socket: { reconnectStrategy: false, connectTimeout: 500 } });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.ping();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      if (client.isOpen) client.destroy();
    }
  }
  throw new Error(`redis-server at ${url} did not start`);
}

/** A port nobody listens on right now (the OS picks it). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}
