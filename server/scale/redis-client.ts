// Connecting to Redis: reconnect with a capped backoff for as long as it
// takes, log outages once rather than on every attempt, and fail start-up
// clearly when Redis cannot be reached at all.
import type { Logger } from 'pino';
import type { RedisClientType } from 'redis';

export type Redis = RedisClientType;

/** Longest wait between two reconnection attempts; Redis back means at most this long to notice. */
export const MAX_RECONNECT_DELAY_MS = 1000;
/** How long start-up waits for Redis before giving up. */
export const CONNECT_TIMEOUT_MS = 5_000;

/** A new client, connected; throws if Redis cannot be reached within CONNECT_TIMEOUT_MS. */
export async function connectRedis(url: string, name: string, logger: Logger): Promise<Redis> {
  // Imported here, not at the top: a single node never pays for the client (~25 MB resident).
  const { createClient } = await import('redis');
  const client: Redis = createClient({
    url,
    socket: {
      connectTimeout: CONNECT_TIMEOUT_MS,
      reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, MAX_RECONNECT_DELAY_MS),
    },
  });
  watchConnection(client, name, logger);
  const timer = setTimeout(() => {
    if (!client.isReady) client.destroy();
  }, CONNECT_TIMEOUT_MS);
  try {
    await client.connect();
    // Destroyed by the timer above, connect() just stops trying.
    if (!client.isReady) throw new Error(`no answer within ${CONNECT_TIMEOUT_MS} ms`);
  } catch (err) {
    if (client.isOpen) client.destroy();
    throw new Error(`Redis unreachable at REDIS_URL (${redact(url)}): ${(err as Error).message}`, { cause: err });
  } finally {
    clearTimeout(timer);
  }
  return client;
}

/**
 * node-redis emits 'error' for every failed reconnection attempt and throws if
 * nobody listens: log the first of an outage and its end, not each attempt.
 */
function watchConnection(client: Redis, name: string, logger: Logger): void {
  let down = false;
  client.on('error', (err: Error) => {
    if (down) return;
    down = true;
    logger.warn({ err, client: name }, 'redis connection lost; reconnecting');
  });
  client.on('ready', () => {
    if (!down) return;
    down = false;
    logger.info({ client: name }, 'redis connection restored');
  });
}

/**
 * Closes politely when Redis is there, at once when it is not (a polite close
 * would wait for it). Seen through RedisAnswers' view, a close that Redis does
 * not answer in time (paused) gives up, and the client is closed at once too.
 */
export async function closeRedis(client: Redis): Promise<void> {
  if (!client.isOpen) return;
  if (!client.isReady) {
    client.destroy();
    return;
  }
  try {
    await client.close();
  } catch {
    client.destroy();
  }
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'invalid url';
  }
}
