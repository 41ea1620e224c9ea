// The merge worker's thread: Y.mergeUpdates off the event loop.
import { parentPort } from 'node:worker_threads';
import * as Y from 'yjs';

parentPort!.on('message', ({ id, updates }: { id: number; updates: Uint8Array[] }) => {
  try {
    const merged = Y.mergeUpdates(updates);
    parentPort!.postMessage({ id, merged }, [merged.buffer as ArrayBuffer]);
  } catch (err) {
    parentPort!.postMessage({ id, error: (err as Error).message });
  }
});
