// Sampled frames written together. A typing room takes a frame every
// TIMELINE_PROMPT_CHARS characters (1.25 a second per room at the peers
// benchmark's load), and each was an embedded-store transaction of its own on
// the event loop: a commit (~40 µs of CPU) and a wait whenever the
// maintenance thread held the write lock, per frame. The frames taken within
// WRITE_AFTER_MS of a batch's first are stored in one commit instead. That is
// as long as a frame may wait in memory: little beside the typing the sampler
// itself holds for up to TIMELINE_PAUSE_MS before it takes one.
import type { NewFrame } from '../store/timeline.ts';

/** How long a batch stays open after its first frame. */
export const WRITE_AFTER_MS = 100;

export class FrameBatch {
  readonly frames: NewFrame[] = [];
  /** Each room's task in the recorder's order that waits for this batch: its later frames may join it. */
  readonly tails = new Map<string, Promise<void>>();
  /** Settles once the batch is stored (rejects if it was not: none of it was). */
  readonly written: Promise<void>;
  readonly #store: (frames: readonly NewFrame[]) => Promise<void>;
  readonly #closed: (batch: FrameBatch) => void;
  readonly #timer: NodeJS.Timeout;
  #settle!: (stored: Promise<void>) => void;
  #writing = false;

  /** `closed` is told as the batch stops taking frames, just before it is written. */
  constructor(store: (frames: readonly NewFrame[]) => Promise<void>, closed: (batch: FrameBatch) => void, afterMs = WRITE_AFTER_MS) {
    this.#store = store;
    this.#closed = closed;
    this.written = new Promise<void>((resolve) => {
      this.#settle = resolve;
    });
    this.#timer = setTimeout(() => this.write(), afterMs).unref();
  }

  /** Writes it now (a flush, shutdown); once only. */
  write(): void {
    if (this.#writing) return;
    this.#writing = true;
    clearTimeout(this.#timer);
    this.#closed(this);
    let stored: Promise<void>;
    try {
      stored = this.#store(this.frames);
    } catch (err) {
      stored = Promise.reject(err);
    }
    this.#settle(stored);
  }
}
