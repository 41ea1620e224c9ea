// The shared rate limiter on a private redis-server: one bucket for every
// node, Redis's clock, a per-node fallback while Redis is away, and the Lua
// script loaded again after Redis restarts empty.
import pino from 'pino';
import { expect, it } from 'vitest';
import { closeRedis, connectRedis } from '../../server/scale/redis-client.ts';
import { RedisRateLimiter } from '../../server/scale/redis-rate-limiter.ts';
import { WAIT_BUDGET_MS, waitFor } from '../helpers/server.ts';
import { describeWith, redisServerBinary, startPrivateRedis } from '../helpers/services.ts';

const logger = pino({ level: 'silent' });
const binary = await redisServerBinary();

async function takeMany(limiter: RedisRateLimiter, key: string, n: number, limit = { limit: 3, windowMs: 60_000 }): Promise<boolean[]> {
  const results: boolean[] = [];
  for (let i = 0; i < n; i++) results.push(await limiter.take(key, limit));
  return results;
}

describeWith([binary], 'shared rate limits', () => {
  it('one bucket across nodes, refilled over the window, separate per key', async () => {
    const redis = await startPrivateRedis();
    const [one, two] = await Promise.all([connectRedis(redis.url, 'a', logger), connectRedis(redis.url, 'b', logger)]);
    try {
      const a = new RedisRateLimiter(one, 'p:', logger);
      const b = new RedisRateLimiter(two, 'p:', logger);
      const minute = { limit: 3, windowMs: 60_000 };
      expect([await a.take('k', minute), await b.take('k', minute), await a.take('k', minute), await b.take('k', minute)]).toEqual([
        true,
        true,
        true,
        false,
      ]);
      expect(await a.take('other', minute)).toBe(true);
      // A bucket refills over its window: one token per 300 ms here.
      const fast = { limit: 1, windowMs: 300 };
      expect(await a.take('fast', fast)).toBe(true);
      await waitFor(() => b.take('fast', fast), WAIT_BUDGET_MS, 'a token back');
    } finally {
      await closeRedis(one);
      await closeRedis(two);
    }
  });

  it('while Redis is away each node keeps its own limit without waiting; after a restart the shared one is back', async () => {
    const redis = await startPrivateRedis();
    const client = await connectRedis(redis.url, 'a', logger);
    try {
      const limiter = new RedisRateLimiter(client, 'p:', logger);
      expect(await takeMany(limiter, 'k', 1)).toEqual([true]);
      await redis.stop();
      await waitFor(() => !client.isReady, WAIT_BUDGET_MS, 'client notices');
      expect(await takeMany(limiter, 'k', 4)).toEqual([true, true, true, false]);
      await redis.start();
      await waitFor(() => client.isReady, WAIT_BUDGET_MS, 'client reconnects');
      // Redis came back empty: a fresh bucket, and the script loaded again (NOSCRIPT).
      expect(await takeMany(limiter, 'k', 4)).toEqual([true, true, true, false]);
      expect(await client.keys('p:rate:*')).toEqual(['p:rate:k']);
    } finally {
      await closeRedis(client);
    }
  });
});
