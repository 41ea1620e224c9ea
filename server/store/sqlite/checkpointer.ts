// WAL checkpoints off the event loop. SQLite's automatic checkpoint runs in the
// committing connection once the WAL passes 1,000 pages, fsync included; on
// this machine that stalled every room for 100 ms to 1.6 s under load (event
// loop lag p99 140 ms, keystroke p99 810 ms; 12 ms with checkpoints moved
// here). The main connection turns automatic checkpoints off and a thread
// runs passive ones on a timer.
import { Worker } from 'node:worker_threads';

export interface CheckpointResult {
  /** WAL frames in the log, and how many of them are now in the database file. */
  log: number;
  checkpointed: number;
  busy: boolean;
}

export class Checkpointer {
  readonly #worker: Worker;
  #waiting: Array<(result: CheckpointResult) => void> = [];
  #stopped: Promise<void> | null = null;
  readonly #onError: (message: string) => void;

  constructor(file: string, intervalMs: number, onError: (message: string) => void = () => {}) {
    this.#onError = onError;
    this.#worker = new Worker(new URL('./checkpoint-thread.ts', import.meta.url), { workerData: { file, intervalMs } });
    this.#worker.unref();
    this.#worker.on('message', (message: { type: 'checkpointed'; log: number; checkpointed: number; busy: number } | { type: 'failed'; message: string }) => {
      if (message.type === 'failed') return this.#onError(message.message);
      const result = { log: message.log, checkpointed: message.checkpointed, busy: message.busy !== 0 };
      const waiting = this.#waiting;
      this.#waiting = [];
      for (const resolve of waiting) resolve(result);
    });
    this.#worker.on('error', (err) => this.#onError(err.message));
  }

  /** Runs a checkpoint now (tests, operations) and resolves with its result. */
  checkpoint(): Promise<CheckpointResult> {
    return new Promise((resolve) => {
      this.#waiting.push(resolve);
      this.#worker.postMessage('run');
    });
  }

  stop(): Promise<void> {
    this.#stopped ??= new Promise<void>((resolve) => {
      this.#worker.once('exit', () => resolve());
      this.#worker.postMessage('stop');
    });
    return this.#stopped;
  }
}
