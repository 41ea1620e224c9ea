// Where rooms are kept and how nodes of one deployment find each other.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { int, optionalUrl, setting } from './setting.ts';

export const storageSettings = {
  redisUrl: setting('REDIS_URL', optionalUrl(['redis://', 'rediss://']), 'scaled mode: cross-node fan-out and shared limits'),
  databaseUrl: setting(
    'DATABASE_URL',
    optionalUrl(['postgres://', 'postgresql://']),
    '`postgres://…`: records and document logs in PostgreSQL',
    { defaultDoc: 'unset (SQLite)' },
  ),
  nodeId: setting(
    'NODE_ID',
    z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,64}$/)
      .default(() => `node-${randomBytes(4).toString('hex')}`),
    "this node's name in logs, metrics and the relay",
    { defaultDoc: 'random' },
  ),
  /** Prefix of every Redis key and channel, so deployments (and tests) can share one Redis. */
  redisPrefix: setting(
    'REDIS_PREFIX',
    z
      .string()
      .regex(/^[A-Za-z0-9_.:-]{1,64}$/)
      .default('atelier:'),
    'prefix of every Redis key and channel (several deployments can share a Redis)',
  ),
  databasePoolMax: setting('DATABASE_POOL_MAX', int(1, 1000).default(10), 'PostgreSQL connections one node may open'),
  nodeHeartbeatMs: setting(
    'NODE_HEARTBEAT_MS',
    int(100, 60_000).default(5_000),
    "scaled mode: how often a node renews its heartbeat and checks its peers'",
  ),
  nodeTimeoutMs: setting(
    'NODE_TIMEOUT_MS',
    int(300, 300_000).default(15_000),
    'scaled mode: a node silent this long is dead (≥ 2 × `NODE_HEARTBEAT_MS`); its jobs fail as `interrupted`',
  ),
  adapterOfflineMaxCommands: setting(
    'ADAPTER_OFFLINE_MAX_COMMANDS',
    int(1).default(10_000),
    'scaled mode: room events and bus messages a node keeps for the other nodes while Redis is away; past it the oldest are dropped (`atelier_adapter_dropped_total`)',
  ),
  adapterOfflineMaxBytes: setting(
    'ADAPTER_OFFLINE_MAX_BYTES',
    int(1024).default(16 * 1024 * 1024),
    'scaled mode: bytes of room events and bus messages a node keeps for the other nodes while Redis is away; past it the oldest are dropped',
  ),
  redisCommandTimeoutMs: setting(
    'REDIS_COMMAND_TIMEOUT_MS',
    int(50, 60_000).default(1000),
    'scaled mode: how long a request waits for Redis to answer; past it Redis counts as paused and requests are answered as while it is away, until it answers again',
  ),
  roomUnloadGraceMs: setting('ROOM_UNLOAD_GRACE_MS', int(0).default(10_000), 'how long an empty room stays loaded'),
  logCompactEntries: setting('LOG_COMPACT_ENTRIES', int(2).default(2000), "entries in a room's log past which they are merged into one"),
  logCompactBytes: setting(
    'LOG_COMPACT_BYTES',
    int(1024).default(1024 * 1024),
    "bytes in a room's log past which it is merged into one entry",
  ),
  sqliteCheckpointMs: setting(
    'SQLITE_CHECKPOINT_MS',
    int(0).default(1000),
    "embedded store: how often its maintenance thread copies the WAL into the database file (`0`: SQLite's own checkpoints, which stall the event loop under load)",
  ),
  healthDegradedStatus: setting(
    'HEALTH_DEGRADED_STATUS',
    z
      .enum(['200', '503'])
      .default('200')
      .transform((v) => (v === '503' ? 503 : 200)),
    "`/healthz` status while Redis is lost (`degraded`): `503` takes the node out of a balancer's rotation",
  ),
};
