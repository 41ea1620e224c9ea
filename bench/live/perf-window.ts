// LIVE_PERF_DIR=DIR: Linux perf samples of the server's main thread over a
// run's measured window, on-CPU only (task-clock), so the machine's other load
// does not land on whatever the thread had on its stack while it waited for
// a core (as it does in --cpu-prof's wall-clock samples). The server runs
// with the JIT's symbol map; each file is summarised with
//   perf script -i FILE > FILE.txt
//   node bench/perf-summary.ts FILE.txt --from uv_run --to uv_run
// (every main-thread sample is under uv_run: the whole window).
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

/** The server's Node flags for perf to name JavaScript frames. */
export const PERF_NODE_ARGS = ['--perf-basic-prof', '--interpreted-frames-native-stack'];

export interface PerfWindow {
  /** Resolves when perf has written its file. */
  done: Promise<void>;
}

/** Samples thread `pid` (the server's main thread) for `seconds` into DIR/NAME.data. */
export function recordMainThread(dir: string, name: string, pid: number, seconds: number, hz = 1999): PerfWindow {
  const file = path.join(dir, `${name}.data`);
  const child: ChildProcess = spawn(
    'perf',
    ['record', '-e', 'task-clock', '-F', String(hz), '-g', '-t', String(pid), '-o', file, '--', 'sleep', String(seconds)],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const done = new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`perf record exited with ${code}`))));
  });
  return { done };
}
