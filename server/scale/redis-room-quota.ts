// The per-room job quota of scaled mode: one sorted set per room of the jobs
// holding a place, scored by when the place lapses (Redis's clock). While
// Redis is away every node falls back on its own JobQueue count.
import type { Logger } from 'pino';
import type { RoomJobQuota } from '../generation/room-quota.ts';
import type { Redis } from './redis-client.ts';
import { RedisScript } from './redis-script.ts';

/** KEYS[1] the room's set; ARGV job id, limit, ttl ms. Returns 1 if the job holds a place. */
const ACQUIRE = new RedisScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 1 end
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
`);

export class RedisRoomQuota implements RoomJobQuota {
  readonly #client: Redis;
  readonly #prefix: string;
  readonly #logger: Logger;

  constructor(client: Redis, prefix: string, logger: Logger) {
    this.#client = client;
    this.#prefix = `${prefix}jobs:room:`;
    this.#logger = logger;
  }

  async acquire(roomId: string, jobId: string, limit: number, ttlMs: number): Promise<boolean> {
    if (!this.#client.isReady) return true;
    try {
      return (await ACQUIRE.run(this.#client, [this.#prefix + roomId], [jobId, String(limit), String(ttlMs)])) === 1;
    } catch (err) {
      this.#logger.warn({ err, roomId }, 'shared job quota unavailable; counting on this node only');
      return true;
    }
  }

  async release(roomId: string, jobId: string): Promise<void> {
    if (!this.#client.isReady) return;
    try {
      await this.#client.zRem(this.#prefix + roomId, jobId);
    } catch (err) {
      // The place lapses by itself.
      this.#logger.warn({ err, roomId, jobId }, 'job quota place not released');
    }
  }
}
