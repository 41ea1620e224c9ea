// Keyed rate limits shared by every node: the same token bucket as
// MemoryRateLimiter, kept in Redis and updated by one Lua script so that
// spreading requests over nodes buys nothing. Redis's own clock is used, so
// nodes' clocks need not agree. While Redis is unreachable each node falls
// back to its own in-memory buckets: limits stay, per node, rather than
// requests hanging or every request being refused.
import type { Logger } from 'pino';
import { MemoryRateLimiter, type RateLimit, type RateLimiter } from '../rate-limit.ts';
import type { Redis } from './redis-client.ts';
import { RedisScript } from './redis-script.ts';

/** KEYS[1] bucket; ARGV capacity, window ms. Returns 1 if a token was taken. */
const TAKE = new RedisScript(`
local capacity = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local bucket = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(bucket[1]) or capacity
local at = tonumber(bucket[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - at) * capacity / window)
local taken = 0
if tokens >= 1 then
  tokens = tokens - 1
  taken = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], window)
return taken
`);

export class RedisRateLimiter implements RateLimiter {
  readonly #client: Redis;
  readonly #prefix: string;
  readonly #fallback = new MemoryRateLimiter();
  readonly #logger: Logger;

  constructor(client: Redis, prefix: string, logger: Logger) {
    this.#client = client;
    this.#prefix = `${prefix}rate:`;
    this.#logger = logger;
  }

  async take(key: string, limit: RateLimit): Promise<boolean> {
    if (!this.#client.isReady) return this.#fallback.take(key, limit);
    try {
      return (await TAKE.run(this.#client, [this.#prefix + key], [String(limit.limit), String(limit.windowMs)])) === 1;
    } catch (err) {
      this.#logger.warn({ err }, "shared rate limit unavailable; using this node's own");
      return this.#fallback.take(key, limit);
    }
  }
}
