// The merge worker's thread: Y.mergeUpdates off the event loop.
import { parentPort } from 'node:worker_threads';
import { mergeAll } from '../../shared/merge-all.ts';

if (!parentPort) throw new Error('merge-thread.ts runs as a worker thread (server/store/merge.ts starts it)');
const port = parentPort;

port.on('message', ({ id, updates }: { id: number; updates: Uint8Array[] }) => {
  try {
    const merged = mergeAll(updates);
    port.postMessage({ id, merged }, [merged.buffer as ArrayBuffer]);
  } catch (err) {
    port.postMessage({ id, error: (err as Error).message });
  }
});
