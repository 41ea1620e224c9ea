// How often two processes (the server and the load generator) last ran on the
// same CPU, sampled from /proc (Linux) over a window. On the 2-core machine a
// round's hot-room p50 depended on it more than on the system measured
// (docs/benchmarks.md, "Hot room p50"), so every typing round reports it.
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
