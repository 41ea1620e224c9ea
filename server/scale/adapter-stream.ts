// Where the Socket.IO streams adapter starts reading its stream. Its reader
// asks XREAD for `$` (whatever comes after the end as it is when Redis
// answers) until it has read an entry, then for what follows the last entry
// it read. A node that has read nothing yet (its first seconds, or a quiet
// cluster) and loses Redis asks for `$` again once back, and so misses every
// broadcast sent meanwhile, on both transports (adapter-events.ts). A node
// here asks from the stream's last id at its start-up instead: a reconnect
// catches up from there, as it does after any entry it has read.
import { type Replacement, withMethods } from './client-view.ts';
import type { Redis } from './redis-client.ts';

/** XREAD's "from the end as it is now". */
const END = '$';

/** The id of the stream's last entry now; `0-0` (its very first) when it has none. */
export async function streamEnd(redis: Redis, stream: string): Promise<string> {
  const [last] = await redis.xRevRange(stream, '+', '-', { COUNT: 1 });
  return last?.id ?? '0-0';
}

interface StreamRead {
  key: unknown;
  id: unknown;
}

/**
 * The client as the adapter's stream reader sees it: it reads `stream` from
 * `startId` wherever it asks for `$`. The adapter makes its reader with
 * `duplicate()`, so duplicates carry the rule; nothing else changes.
 */
export function readingFrom<T extends object>(client: T, stream: string, startId: string): T {
  const from = (read: StreamRead) => (read.key === stream && read.id === END ? { ...read, id: startId } : read);
  return withMethods(
    client,
    new Map<string, Replacement>([
      [
        'duplicate',
        (call) =>
          (...args) =>
            readingFrom(call(...args) as object, stream, startId),
      ],
      [
        'xRead',
        (call) =>
          (streams, ...rest) =>
            call(Array.isArray(streams) ? (streams as StreamRead[]).map(from) : from(streams as StreamRead), ...rest),
      ],
    ]),
  );
}
