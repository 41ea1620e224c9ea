// The event loop's side of the SQLite maintenance thread. SQLite's automatic
// checkpoint runs inside the committing connection once the WAL passes 1,000
// pages, fsync included: under the fan-out load it stalled every room for up to
// 1.6 s. Compaction read a room's whole log and rewrote it on the event loop:
// about 9% of a core and half the typing p99 under the peers benchmark. Both
// now run on a thread with its own connection.
import { Worker } from 'node:worker_threads';
import type { CompactionResult } from '../doc-log.ts';
import { WORKER_YOUNG_GENERATION_MB } from '../merge.ts';

/** How often the thread looks at the doc log's journal (doc-journal.ts: it moves it when a batch pays off). */
export const JOURNAL_MOVE_MS = 250;

export type MaintenanceRequest = { type: 'checkpoint'; id: number } | { type: 'compact'; id: number; roomId: string } | { type: 'stop' };

export type MaintenanceReply =
  | { type: 'checkpointed'; id: number | null; log: number; checkpointed: number; busy: boolean }
  | { type: 'compacted'; id: number; result: CompactionResult }
  | { type: 'failed'; id: number | null; message: string };

export interface CheckpointResult {
  /** WAL frames in the log, and how many of them are now in the database file. */
  log: number;
  checkpointed: number;
  busy: boolean;
}

interface Pending {
  resolve(value: CheckpointResult | CompactionResult): void;
  reject(err: Error): void;
}

export class SqliteMaintenance {
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  #next = 0;
  #stopped: Promise<void> | null = null;
  readonly #onError: (message: string) => void;

  /**
   * `checkpointMs` 0: no timed checkpoints (SQLite's own stay on). `journalMs`:
   * how often the doc log's journal moves into doc_updates (doc-journal.ts; 0: never here).
   */
  constructor(file: string, checkpointMs: number, onError: (message: string) => void = () => {}, journalMs = JOURNAL_MOVE_MS) {
    this.#onError = onError;
    this.#worker = new Worker(new URL('./maintenance-thread.ts', import.meta.url), {
      workerData: { file, checkpointMs, journalMs },
      resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
    });
    this.#worker.unref();
    this.#worker.on('message', (reply: MaintenanceReply) => this.#settle(reply));
    this.#worker.on('error', (err) => this.#failAll(err));
    this.#worker.on('exit', () => {
      this.#stopped ??= Promise.resolve();
      this.#failAll(new Error('SQLite maintenance thread exited'));
    });
  }

  /** Runs a checkpoint now (tests, operations). */
  checkpoint(): Promise<CheckpointResult> {
    return this.#request((id) => ({ type: 'checkpoint', id })) as Promise<CheckpointResult>;
  }

  /** Compacts a room's log on the thread: read, merge and swap. */
  compact(roomId: string): Promise<CompactionResult> {
    return this.#request((id) => ({ type: 'compact', id, roomId })) as Promise<CompactionResult>;
  }

  stop(): Promise<void> {
    this.#stopped ??= new Promise<void>((resolve) => {
      // Unref'd, the thread would not keep a stopping process alive until it is done.
      this.#worker.ref();
      this.#worker.once('exit', () => resolve());
      this.#worker.postMessage({ type: 'stop' } satisfies MaintenanceRequest);
    });
    return this.#stopped;
  }

  #request(make: (id: number) => MaintenanceRequest): Promise<CheckpointResult | CompactionResult> {
    if (this.#stopped) return Promise.reject(new Error('SQLite maintenance thread stopped'));
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage(make(id));
    });
  }

  #settle(reply: MaintenanceReply): void {
    if (reply.id === null) {
      // A timed checkpoint: nobody waits for it, but its failure is worth a log line.
      if (reply.type === 'failed') this.#onError(reply.message);
      return;
    }
    const pending = this.#pending.get(reply.id);
    this.#pending.delete(reply.id);
    if (!pending) return;
    switch (reply.type) {
      case 'checkpointed':
        pending.resolve({ log: reply.log, checkpointed: reply.checkpointed, busy: reply.busy });
        return;
      case 'compacted':
        pending.resolve(reply.result);
        return;
      case 'failed':
        pending.reject(new Error(reply.message));
        return;
    }
  }

  #failAll(err: Error): void {
    for (const pending of this.#pending.values()) pending.reject(err);
    this.#pending.clear();
  }
}
