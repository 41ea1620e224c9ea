// Scaled mode (REDIS_URL): everything one node needs to serve the same rooms
// as others. Redis carries three things, each on connections of its own:
//  - the Yjs and awareness relay (pub/sub, a channel per open room);
//  - Socket.IO's adapter, for room events sent with `io.to(…)` (gen:update,
//    gallery:*), on a Redis stream so a short disconnection loses none (read
//    from the node's start-up on, adapter-stream.ts);
//  - shared rate limits, per-room job quotas and node heartbeats (plain keys).
// Request paths, heartbeats and shutdown ask Redis through views that give up
// on a Redis that answers no more (paused, not down: redis-answers.ts).
import { randomBytes } from 'node:crypto';
import type { createAdapter } from '@socket.io/redis-streams-adapter';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Metrics } from '../metrics.ts';
import type { RoomJobQuota } from '../generation/room-quota.ts';
import type { RateLimiter } from '../rate-limit.ts';
import type { DocLog } from '../store/doc-log.ts';
import { AdapterOutbox } from './adapter-outbox.ts';
import { sameFor, withMethods } from './client-view.ts';
import { readingFrom, streamEnd } from './adapter-stream.ts';
import { NodeLiveness } from './node-liveness.ts';
import { RedisAnswers } from './redis-answers.ts';
import { closeRedis, connectRedis, type Redis } from './redis-client.ts';
import { RedisChallengeStore } from './redis-challenges.ts';
import { RedisLiveBoard } from './redis-live-board.ts';
import { RedisLiveBus } from './redis-live-bus.ts';
import { RedisRateLimiter } from './redis-rate-limiter.ts';
import { RedisRelay } from './redis-relay.ts';
import { RedisRoomQuota } from './redis-room-quota.ts';
import { RedisSessionBus } from './redis-session-bus.ts';

/** How long the adapter's XREAD blocks; also how long its reader may linger after close. */
const ADAPTER_BLOCK_MS = 2000;
/** The adapter's commands whose promises it drops (a request's PUBLISH, a session's SET). */
const DROPPED_BY_ADAPTER = ['publish', 'sPublish', 'set'];

/**
 * The command client as the adapter sees it: the commands whose promises it
 * drops get a handler, so that one rejected while Redis is lost or the client
 * closed is logged, not an unhandled rejection that would end the process.
 */
export function adapterClient(redis: Redis, logger: Logger): Redis {
  return withMethods(
    redis,
    sameFor(DROPPED_BY_ADAPTER, (call, command) => (...args) => {
      const result = call(...args);
      if (result instanceof Promise) result.catch((err: unknown) => logger.debug({ err, command }, 'socket.io adapter command failed'));
      return result;
    }),
  );
}

export interface ScaleDeps {
  config: Config;
  docLog: DocLog;
  metrics: Metrics;
  logger: Logger;
}

export interface Scale {
  /**
   * This process on the relay and in heartbeats: NODE_ID plus a random part,
   * so a node restarted under the same NODE_ID is a new process to the others
   * (its predecessor's jobs are still found dead).
   */
  readonly processId: string;
  readonly relay: RedisRelay;
  readonly liveness: NodeLiveness;
  readonly limiter: RateLimiter;
  readonly roomQuota: RoomJobQuota;
  /** Sign-outs and profile changes between nodes. */
  readonly sessionBus: RedisSessionBus;
  /** Sign-ins in progress, shared so any node can finish one. */
  readonly challenges: RedisChallengeStore;
  /** Live rooms on every node: what each holds (board) and listing and role changes (bus). */
  readonly liveBoard: RedisLiveBoard;
  readonly liveBus: RedisLiveBus;
  /** For `io.adapter(…)`. */
  readonly adapter: ReturnType<typeof createAdapter>;
  /** What the adapter and the buses keep for the other nodes while Redis is away. */
  readonly outbox: AdapterOutbox;
  /**
   * The command connection as request paths see it: not ready while Redis is
   * away or paused, and every command given REDIS_COMMAND_TIMEOUT_MS (tests look at its state).
   */
  readonly redis: Redis;
  /** Redis paused (no answer within the deadline) and answering again. */
  readonly answers: RedisAnswers;
  close(): Promise<void>;
}

export async function startScale({ config, docLog, metrics, logger }: ScaleDeps): Promise<Scale> {
  const url = config.redisUrl;
  if (!url) throw new Error('scaled mode needs REDIS_URL');
  const log = logger.child({ module: 'scale' });
  const processId = `${config.nodeId}/${randomBytes(4).toString('hex')}`;
  const redis = await connectRedis(url, 'commands', log);
  let subscriber: Redis;
  try {
    subscriber = await connectRedis(url, 'relay', log);
  } catch (err) {
    await closeRedis(redis);
    throw err;
  }
  const answers = new RedisAnswers({ probe: redis, deadlineMs: config.redisCommandTimeoutMs, logger: log });
  // What waits for an answer (a request, the heartbeat, shutdown) asks through these.
  const requests = answers.view(redis);
  const listening = answers.view(subscriber);
  metrics.redisUp.set(1);
  redis.on('error', () => metrics.redisUp.set(0));
  redis.on('ready', () => metrics.redisUp.set(1));
  answers.events.add({ paused: () => metrics.redisUp.set(0), resumed: () => metrics.redisUp.set(1) });

  const prefix = config.redisPrefix;
  // Its publishes wait for nothing, and are dropped while Redis is paused as while it is away (no deadline each).
  const relay = new RedisRelay({
    publisher: answers.readiness(redis),
    subscriber: listening,
    prefix,
    nodeId: processId,
    docLog,
    logger: log,
    metrics,
  });
  // The relay dropped what it would have published meanwhile: every room resyncs, as after an outage.
  answers.events.add({ resumed: () => void relay.resync() });
  const liveness = new NodeLiveness({
    client: requests,
    answers: answers.events,
    prefix,
    nodeId: processId,
    info: { nodeId: config.nodeId, startedAt: new Date().toISOString() },
    heartbeatMs: config.nodeHeartbeatMs,
    timeoutMs: config.nodeTimeoutMs,
    logger: log,
  });
  liveness.watch(() => relay.peers());
  liveness.events.add({
    nodeDown: async (id) => {
      metrics.nodesDown.inc();
      await relay.peerDown(id);
    },
  });
  await liveness.start();
  // What waits for Redis while it is away, for the other nodes (the adapter's room events, the buses' messages): bounded.
  const outbox = new AdapterOutbox({
    redis,
    limits: { maxCommands: config.adapterOfflineMaxCommands, maxBytes: config.adapterOfflineMaxBytes },
    logger: log,
  });
  outbox.events.add({
    dropped: ({ bytes }) => {
      metrics.adapterDropped.inc();
      metrics.adapterDroppedBytes.inc(bytes);
    },
  });
  const publisher = outbox.client();
  const sessionBus = new RedisSessionBus({ publisher, subscriber: listening, prefix, processId, logger: log });
  await sessionBus.start();
  const liveBus = new RedisLiveBus({ publisher, subscriber: listening, prefix, processId, logger: log });
  await liveBus.start();

  // Imported here: a single node never loads the adapter.
  const { createAdapter: newAdapter } = await import('@socket.io/redis-streams-adapter');
  const stream = `${prefix}socket.io`;
  // From the stream's end as it is now, not as it is whenever the reader first gets an answer (adapter-stream.ts).
  const adapter = newAdapter(readingFrom(adapterClient(outbox.client(), log), stream, await streamEnd(requests, stream)), {
    streamName: stream,
    channelPrefix: `${prefix}socket.io`,
    sessionKeyPrefix: `${prefix}sio:session:`,
    blockTimeInMs: ADAPTER_BLOCK_MS,
  });

  return {
    processId,
    relay,
    liveness,
    limiter: new RedisRateLimiter(requests, prefix, log),
    roomQuota: new RedisRoomQuota(requests, prefix, log),
    sessionBus,
    challenges: new RedisChallengeStore(requests, prefix, log),
    liveBoard: new RedisLiveBoard(requests, prefix, log),
    liveBus,
    adapter,
    outbox,
    redis: requests,
    answers,
    async close() {
      await liveness.close();
      await sessionBus.close();
      await liveBus.close();
      await relay.close();
      await closeRedis(listening);
      await closeRedis(requests);
      metrics.redisUp.set(0);
    },
  };
}
