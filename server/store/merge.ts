// Merging Yjs updates (Y.mergeUpdates) for log compaction. It costs about
// 13 µs per small update, so merging a room's log on the event loop stalls
// every room; the worker does it on another thread, at the lowest priority
// (merge-thread.ts). Yjs is loaded only by a merge: the SQLite maintenance
// thread starts a worker from here and does not carry Yjs itself.
import { Worker } from 'node:worker_threads';

export type MergeUpdates = (updates: readonly Uint8Array[]) => Promise<Uint8Array>;

export const mergeInline: MergeUpdates = async (updates) => (await import('../../shared/merge-all.ts')).mergeAll(updates);

/**
 * The young generation of the store's worker threads (this one and the SQLite
 * maintenance thread), in MB. V8 sizes it for the allocation rate it sees, and
 * a merge, a compaction or a journal move allocates in bursts: by default the
 * maintenance thread's grew to 32 MB under the peers benchmark's typing. Their
 * work is not latency bound (no client waits on a scavenge there), so more
 * frequent, smaller scavenges are cheap: at 6 MB that thread's heap peaked at
 * 29 MB instead of 47.
 */
export const WORKER_YOUNG_GENERATION_MB = 6;

interface Pending {
  resolve(merged: Uint8Array): void;
  reject(err: Error): void;
}

/** One worker thread merging one request at a time, in order. */
export class MergeWorker {
  /** Started on first use: the embedded store compacts on its own thread and never needs it. */
  #worker: Worker | null = null;
  readonly #pending = new Map<number, Pending>();
  #next = 0;
  #closed = false;

  readonly merge: MergeUpdates = (updates) => {
    if (this.#closed) return mergeInline(updates);
    this.#worker ??= this.#start();
    const worker = this.#worker;
    const id = this.#next++;
    // Copies: the log's buffers may be views into larger ones we do not own.
    const copies = updates.map((u) => u.slice());
    return new Promise<Uint8Array>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      worker.postMessage(
        { id, updates: copies },
        copies.map((u) => u.buffer as ArrayBuffer),
      );
    });
  };

  async close(): Promise<void> {
    this.#closed = true;
    await this.#worker?.terminate();
  }

  #start(): Worker {
    const worker = new Worker(new URL('./merge-thread.ts', import.meta.url), {
      resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
    });
    worker.unref();
    worker.on('message', ({ id, merged, error }: { id: number; merged?: Uint8Array; error?: string }) => {
      const pending = this.#pending.get(id);
      this.#pending.delete(id);
      if (!pending) return;
      if (merged) pending.resolve(merged);
      else pending.reject(new Error(error ?? 'merge failed'));
    });
    worker.on('error', (err) => this.#failAll(err));
    worker.on('exit', () => this.#failAll(new Error('merge worker exited')));
    return worker;
  }

  #failAll(err: Error): void {
    this.#closed = true;
    for (const pending of this.#pending.values()) pending.reject(err);
    this.#pending.clear();
  }
}
