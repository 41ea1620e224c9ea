// The merge worker's thread: Y.mergeUpdates off the event loop, at the lowest
// scheduling priority (thread-priority.ts): a compaction's merge is ~20 ms of
// CPU per 2,000 keystrokes, plus loading Yjs the first time, and at nice 0 it
// took a core from the event loop or the clients' processes for that long on a
// 2-core machine (docs/benchmarks.md, "Hot room p99: the compaction's merge").
import { parentPort } from 'node:worker_threads';
import { lowerThreadPriority } from './thread-priority.ts';

if (!parentPort) throw new Error('merge-thread.ts runs as a worker thread (server/store/merge.ts starts it)');
const port = parentPort;
lowerThreadPriority();
// Loaded once the priority is lowered: Yjs' load is most of the first merge's cost.
const { mergeAll } = await import('../../shared/merge-all.ts');

port.on('message', ({ id, updates }: { id: number; updates: Uint8Array[] }) => {
  try {
    const merged = mergeAll(updates);
    port.postMessage({ id, merged }, [merged.buffer as ArrayBuffer]);
  } catch (err) {
    port.postMessage({ id, error: (err as Error).message });
  }
});
