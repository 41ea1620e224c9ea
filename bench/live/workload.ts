// bench:live's helpers for making its load: a bounded pool of joins, and the
// awareness update a maker's cursor move sends.
import * as encoding from 'lib0/encoding';

/** Runs fn over the items, at most `limit` at once; `i` is the item's index. */
export async function pool<T>(items: readonly T[], limit: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i] as T, i);
      }
    }),
  );
}

/** One awareness update: the client's state as the web client's room page sets it while typing. */
export function cursorMove(client: number, clock: number): Uint8Array {
  const state = {
    user: { name: 'Maker', color: '#3366cc' },
    watching: false,
    typing: true,
    layerId: null,
    cursor: { anchor: { type: { client, clock: 0 }, tname: null, item: { client, clock }, assoc: 0 }, head: null },
  };
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 1);
  encoding.writeVarUint(encoder, client);
  encoding.writeVarUint(encoder, clock);
  encoding.writeVarString(encoder, JSON.stringify(state));
  return encoding.toUint8Array(encoder);
}
