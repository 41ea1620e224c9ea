// CPU used by the whole machine, from /proc/stat (Linux), so that a report can
// say how busy other processes kept the cores while a system was measured.
import { readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

export interface MachineSample {
  at: number;
  busySeconds: number;
}

export function sampleMachine(): MachineSample {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
  // cpu user nice system idle iowait irq softirq steal …
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  const busy = (user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0);
  return { at: performance.now(), busySeconds: busy / TICKS_PER_SECOND };
}

/** Cores kept busy between two samples (2.0 = two full cores). */
export function machineCores(from: MachineSample, to: MachineSample): number {
  return (to.busySeconds - from.busySeconds) / ((to.at - from.at) / 1000);
}
