// Removing what a run left in a shared Redis: a test's or a fuzz run's keys
// live under a prefix of their own, so the Redis others use stays as it was.
import { createClient } from 'redis';

/** Deletes every key under `prefix` in the Redis at `url`. */
export async function deleteKeys(url: string, prefix: string): Promise<void> {
  const client = createClient({ url, socket: { reconnectStrategy: false } });
  client.on('error', () => undefined);
  await client.connect();
  try {
    for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) {
      if (keys.length > 0) await client.del(keys);
    }
  } finally {
    client.destroy();
  }
}
