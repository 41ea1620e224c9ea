// Background threads that no client waits on (log merges) run at the lowest
// scheduling priority, so that they take only CPU time the event loop and the
// other processes leave idle. Linux gives each thread its own nice value:
// setpriority on the thread's id (from /proc/thread-self) lowers this thread
// alone. Elsewhere there is no such id and nothing changes.
// Only for threads that hold no lock another thread waits for: a write
// transaction at nice 10 made the event loop's commits wait 1.6–2.5× longer
// behind it (docs/benchmarks.md, "Client path capacity").
import { readlinkSync } from 'node:fs';
import os from 'node:os';

/** The lowest priority: the thread runs when a CPU would otherwise be idle, and gives way at once when not. */
export const BACKGROUND_NICE = 19;

/** Lowers the calling thread's priority; false where the platform has no per-thread priority (or refused). */
export function lowerThreadPriority(nice = BACKGROUND_NICE): boolean {
  let tid: number;
  try {
    // "<pid>/task/<tid>"
    tid = Number(readlinkSync('/proc/thread-self').split('/').at(-1));
  } catch {
    return false;
  }
  if (!Number.isSafeInteger(tid) || tid <= 0) return false;
  try {
    os.setPriority(tid, nice);
    return true;
  } catch {
    return false;
  }
}
