// Forcing the interleaving behind a store's "database is locked": another
// connection (as the maintenance thread's is) holds SQLite's write lock while
// this thread writes, and a sampling profiler interrupts this thread's sleeps.
import { Session } from 'node:inspector/promises';
import { Worker } from 'node:worker_threads';

export interface HeldLock {
  /** Set to 1 by the holder just before it lets go. */
  released: Int32Array;
  /** The holder's connection is closed and its thread gone. */
  done: Promise<void>;
}

// Its own thread: this one blocks inside SQLite while the lock is held.
const HOLDER = `
const { DatabaseSync } = require('node:sqlite');
const { parentPort, workerData } = require('node:worker_threads');
const db = new DatabaseSync(workerData.file);
db.exec('BEGIN IMMEDIATE');
parentPort.postMessage('locked');
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, workerData.holdMs);
Atomics.store(workerData.released, 0, 1);
db.exec('COMMIT');
db.close();
`;

/** Resolves once a connection on another thread holds the database's write lock; it lets go after `holdMs`. */
export async function holdWriteLock(file: string, holdMs: number): Promise<HeldLock> {
  const released = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(HOLDER, { eval: true, workerData: { file, holdMs, released } });
  const done = new Promise<void>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('exit', () => resolve());
  });
  await new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
  });
  return { released, done };
}

/**
 * Runs fn with V8's sampling profiler on (as --cpu-prof runs it): SIGPROF
 * reaches this thread every `intervalUs` microseconds, even while it sleeps
 * in native code.
 */
export async function whileProfiled<T>(fn: () => Promise<T> | T, intervalUs = 100): Promise<T> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: intervalUs });
    await session.post('Profiler.start');
    try {
      return await fn();
    } finally {
      await session.post('Profiler.stop');
    }
  } finally {
    session.disconnect();
  }
}
