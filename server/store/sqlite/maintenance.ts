// The event loop's side of the SQLite maintenance thread. SQLite's automatic
// checkpoint runs inside the committing connection once the WAL passes 1,000
// pages, fsync included: under the fan-out load it stalled every room for up to
// 1.6 s. Compaction read a room's whole log and rewrote it on the event loop:
// about 9% of a core and half the typing p99 under the peers benchmark. Both
// now run on a thread with its own connection.
import { Worker } from 'node:worker_threads';
import type { CompactionResult } from '../doc-log.ts';
import { WORKER_YOUNG_GENERATION_MB } from '../merge.ts';
import { WriteBaton } from './write-baton.ts';

/** How often the thread looks at the doc log's journal (doc-journal.ts: it moves it when a batch pays off). */
export const JOURNAL_MOVE_MS = 250;

export type MaintenanceRequest = { type: 'checkpoint'; id: number } | { type: 'compact'; id: number; roomId: string } | { type: 'stop' };

export type MaintenanceReply =
  | { type: 'checkpointed'; id: number | null; log: number; checkpointed: number; busy: boolean; startedAt: number }
  | { type: 'compacted'; id: number; result: CompactionResult }
  | { type: 'failed'; id: number | null; message: string };

export interface CheckpointResult {
  /** WAL frames in the log, and how many of them are now in the database file. */
  log: number;
  checkpointed: number;
  busy: boolean;
  /** Date.now() as the checkpoint began: whatever was committed before then is in `log`. */
  startedAt: number;
}

export interface MaintenanceOptions {
  /** Timed checkpoints this often; 0: none (SQLite's own stay on). */
  checkpointMs: number;
  /** How often the doc log's journal moves into doc_updates (doc-journal.ts; 0: never here). */
  journalMs?: number;
  /** A timed checkpoint or journal move failed: nobody waits for them, but it is worth a log line. */
  onError?: (message: string) => void;
  /** Each timed checkpoint as it completes (tests wait on it instead of a guess at the timer). */
  onCheckpoint?: (result: CheckpointResult) => void;
}

interface Pending {
  resolve(value: CheckpointResult | CompactionResult): void;
  reject(err: Error): void;
}

export class SqliteMaintenance {
  /** Taken by the thread's write transactions; the event loop's connection takes it too (store.ts). */
  readonly baton = new WriteBaton();
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  #next = 0;
  #stopped: Promise<void> | null = null;
  readonly #options: MaintenanceOptions;

  constructor(file: string, options: MaintenanceOptions) {
    this.#options = options;
    const { checkpointMs, journalMs = JOURNAL_MOVE_MS } = options;
    this.#worker = new Worker(new URL('./maintenance-thread.ts', import.meta.url), {
      workerData: { file, checkpointMs, journalMs, baton: this.baton.buffer },
      resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
    });
    this.#worker.unref();
    this.#worker.on('message', (reply: MaintenanceReply) => this.#settle(reply));
    this.#worker.on('error', (err) => this.#failAll(err));
    this.#worker.on('exit', () => {
      // Gone mid-transaction, it would leave the baton held: SQLite rolled its transaction back.
      this.baton.forceRelease();
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
      // A timed checkpoint or journal move: nobody waits for it.
      if (reply.type === 'failed') this.#options.onError?.(reply.message);
      else if (reply.type === 'checkpointed') this.#options.onCheckpoint?.(checkpointResult(reply));
      return;
    }
    const pending = this.#pending.get(reply.id);
    this.#pending.delete(reply.id);
    if (!pending) return;
    switch (reply.type) {
      case 'checkpointed':
        pending.resolve(checkpointResult(reply));
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

function checkpointResult(reply: Extract<MaintenanceReply, { type: 'checkpointed' }>): CheckpointResult {
  return { log: reply.log, checkpointed: reply.checkpointed, busy: reply.busy, startedAt: reply.startedAt };
}
