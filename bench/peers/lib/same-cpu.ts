// How often two processes (the server and the load generator) last ran on the
// same CPU, sampled from /proc (Linux) over a window. On the 2-core machine a
// round's hot-room p50 depended on it more than on the system measured
// (docs/benchmarks.md, "Hot room p50"), so every typing round reports it, and
// `--pin` can fix it for every system.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** The CPU the process's main thread last ran on (field 39 of /proc/PID/stat), or null once it is gone. */
function lastCpu(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may itself contain spaces; the first is field 3.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[36] ?? null;
  } catch {
    return null;
  }
}

/** Samples every `everyMs` until stopped; returns the share of samples with both on one CPU (NaN without samples). */
export function trackSameCpu(a: number, b: number, everyMs = 20): () => number {
  let same = 0;
  let samples = 0;
  const timer = setInterval(() => {
    const cpuA = lastCpu(a);
    const cpuB = lastCpu(b);
    if (cpuA === null || cpuB === null) return;
    samples++;
    if (cpuA === cpuB) same++;
  }, everyMs);
  return () => {
    clearInterval(timer);
    return samples > 0 ? same / samples : Number.NaN;
  };
}

/** `--pin`: the server and the load generator on one CPU, or each on its own (every thread of each). */
export const PIN_MODES = ['same', 'split'] as const;
export type PinMode = (typeof PIN_MODES)[number];

/** Pins the two processes with taskset (util-linux): the server on CPU 0, the load generator on 0 or 1. */
export function pinProcesses(server: number, load: number, mode: PinMode): void {
  execFileSync('taskset', ['--all-tasks', '--cpu-list', '--pid', '0', String(server)], { stdio: 'ignore' });
  execFileSync('taskset', ['--all-tasks', '--cpu-list', '--pid', mode === 'same' ? '0' : '1', String(load)], { stdio: 'ignore' });
}
