// Which of the process's two connections to the embedded database writes
// next: the event loop's or the maintenance thread's. SQLite lets one writer at
// a time and makes the other wait in its busy handler, which sleeps 1, 2, 5,
// 10, 15 ms… between tries: a commit that met a journal move with 0.27 ms of
// it left waited 8.55 ms, and in the hot room one waited 35 ms behind a move
// (docs/benchmarks.md, "Hot room p99"), every room's fan-out held behind it.
// Both connections take this baton around their write transactions, so the
// one that waits is woken the moment the other is done. SQLite's own lock
// still decides correctness (other processes, statements outside
// transaction()); the baton only orders this process's two writers.
import type { Db } from './database.ts';

const FREE = 0;
const HELD = 1;
/** Held, and someone waits for it: the release must wake them. */
const CONTENDED = 2;

/** The buffer's words: the mutex, the count of releases, and whether someone waits for the next release. */
const MUTEX = 0;
const RELEASES = 1;
const AWAITED = 2;
const WORDS = 3;

/** Longest wait for the baton before writing regardless (SQLite's busy_timeout then applies): a thread that died holding it must not stop the other for good. */
export const MAX_BATON_WAIT_MS = 5000;

export class WriteBaton {
  readonly buffer: SharedArrayBuffer;
  readonly #word: Int32Array;
  /** Nested holds on this thread (a transaction inside a transaction is the outer one's). */
  #depth = 0;
  /** Whether this thread's outermost hold actually took it (false after a timed-out wait). */
  #took = false;

  constructor(buffer: SharedArrayBuffer = new SharedArrayBuffer(WORDS * Int32Array.BYTES_PER_ELEMENT)) {
    this.buffer = buffer;
    this.#word = new Int32Array(buffer);
  }

  /** Runs fn holding the baton, waiting for the other thread first if it has it. */
  hold<T>(fn: () => T): T {
    if (this.#depth++ === 0) this.#took = this.#acquire();
    try {
      return fn();
    } finally {
      if (--this.#depth === 0 && this.#took) this.#release();
    }
  }

  /**
   * Waits until the other thread next lets go of the baton (or `maxMs`): the
   * maintenance thread writes in the gap after the event loop's commit, not
   * across its next one. A hot room commits every ~5 ms and a journal move
   * takes 1–2: started whenever the thread's timer fired, 25 of 42 moves held
   * up a commit, 7 of 42 started after one (docs/benchmarks.md, "Hot room p99").
   */
  afterNextRelease(maxMs: number): void {
    const word = this.#word;
    Atomics.store(word, AWAITED, 1);
    Atomics.wait(word, RELEASES, Atomics.load(word, RELEASES), maxMs);
    Atomics.store(word, AWAITED, 0);
  }

  /** Frees the baton whoever holds it: its holder is gone (the thread exited). */
  forceRelease(): void {
    Atomics.store(this.#word, MUTEX, FREE);
    Atomics.notify(this.#word, MUTEX);
  }

  // A futex mutex ("Futexes Are Tricky", Drepper, mutex 2): uncontended, one
  // compare-and-swap each way and no system call.
  #acquire(): boolean {
    const word = this.#word;
    let state = Atomics.compareExchange(word, MUTEX, FREE, HELD);
    if (state === FREE) return true;
    const deadline = performance.now() + MAX_BATON_WAIT_MS;
    if (state !== CONTENDED) state = Atomics.exchange(word, MUTEX, CONTENDED);
    while (state !== FREE) {
      const left = deadline - performance.now();
      if (left <= 0) return false;
      Atomics.wait(word, MUTEX, CONTENDED, left);
      state = Atomics.exchange(word, MUTEX, CONTENDED);
    }
    return true;
  }

  #release(): void {
    const word = this.#word;
    if (Atomics.sub(word, MUTEX, 1) !== HELD) {
      Atomics.store(word, MUTEX, FREE);
      Atomics.notify(word, MUTEX, 1);
    }
    Atomics.add(word, RELEASES, 1);
    if (Atomics.load(word, AWAITED) !== 0) Atomics.notify(word, RELEASES);
  }
}

const batons = new WeakMap<Db, WriteBaton>();

/** From now on, the connection's transactions (database.ts transaction) hold the baton. */
export function shareWrites(db: Db, baton: WriteBaton): void {
  batons.set(db, baton);
}

export function batonOf(db: Db): WriteBaton | undefined {
  return batons.get(db);
}
