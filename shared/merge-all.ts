import * as Y from 'yjs';

/** One update holding all of `updates`: the update itself when there is one, without the cost of a merge. */
export function mergeAll(updates: readonly Uint8Array[]): Uint8Array {
  const [first] = updates;
  if (updates.length === 1 && first) return first;
  return Y.mergeUpdates([...updates]);
}
