// bench:live's tables: every run in the order it ran, each interleaved pair's
// ratio, and the medians over the pairs with their ranges. A ratio is only
// worth the two runs it divides: a pair runs back to back on the same seeds,
// alternating which goes first (ABBA), so drift in the machine's load falls
// on both sides alike, and the load average is written beside every run.
import type { Summary } from '../lib/stats.ts';
import { ms } from '../lib/stats.ts';
import type { GcTally } from './server-gauges.ts';

export interface RunResult {
  live: boolean;
  pair: number;
  /** UTC, HH:MM:SS, when the run's server started. */
  startedAt: string;
  /** One-minute load average at the measured window's start and end. */
  load: [number, number];
  keystrokes: Summary;
  freshness: Summary;
  /** A keystroke sent → its change reaching a timed spectator (one per room), ms. */
  spectatorLag: Summary;
  /** This process's own event loop over the measured window: how busy, and how late a 1 ms timer ran (p99, ms). */
  benchLoop: { utilization: number; delayP99: number };
  rssPerSpectatorKiB: number;
  /** The server process's CPU, cores. */
  cpu: number;
  /** The server's main thread's CPU, ms per second. */
  mainCpuMs: number;
  /** The main isolate's collections over the measured window. */
  gc: GcTally;
  spectatorFrames: number;
  previews: number;
  /** Updates mixing keystrokes with a layer change, left out of the timing. */
  unparsed: number;
}

export interface Pair {
  makers: RunResult;
  live: RunResult;
  /** The makers-only run went first. */
  makersFirst: boolean;
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
};

/** `median (min–max)` of the figures, with `digits` decimals. */
export function spread(figures: readonly number[], digits = 2): string {
  // A run without a figure (no preview measured) is left out, not made the median.
  const values = figures.filter(Number.isFinite);
  if (values.length === 0) return 'n/a';
  const fixed = (v: number) => (Number.isFinite(v) ? v.toFixed(digits) : 'n/a');
  if (values.length === 1) return fixed(values[0] ?? NaN);
  return `${fixed(median(values))} (${fixed(Math.min(...values))}–${fixed(Math.max(...values))})`;
}

export const ratioOf = (pair: Pair) => pair.live.keystrokes.p99 / pair.makers.keystrokes.p99;

const load = (r: RunResult) => `${r.load[0].toFixed(2)} → ${r.load[1].toFixed(2)}`;
const MB = 2 ** 20;
const gc = (r: RunResult) =>
  `${r.gc.scavenges} + ${r.gc.markCompacts}, ${r.gc.pauseMs.toFixed(0)} ms, ${(r.gc.allocatedBytes / MB).toFixed(0)} / ${(r.gc.survivedBytes / MB).toFixed(1)} MB`;

/** Every run in the order it ran. */
export function runsTable(runs: readonly RunResult[]): string[] {
  const lines = [
    '| pair | run | UTC | load | keystroke p50 / p99 ms | server CPU (cores) | main thread CPU ms/s | main-thread GC (scavenges + mark-compacts, pause, allocated / survived) | keystroke → spectator p50 / p99 ms | preview p50 / p99 s | frames to spectators | bench loop |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of runs) {
    const spectators = r.live
      ? [
          `${ms(r.spectatorLag.p50)} / ${ms(r.spectatorLag.p99)}`,
          `${(r.freshness.p50 / 1000).toFixed(1)} / ${(r.freshness.p99 / 1000).toFixed(1)}`,
          `${r.spectatorFrames.toFixed(0)}/s`,
        ]
      : ['', '', ''];
    lines.push(
      `| ${r.pair + 1} | ${r.live ? 'with spectators' : 'makers only'} | ${r.startedAt} | ${load(r)} | ${ms(r.keystrokes.p50)} / ${ms(r.keystrokes.p99)} | ${r.cpu.toFixed(2)} | ${r.mainCpuMs.toFixed(0)} | ${gc(r)} | ${spectators.join(' | ')} | ${(r.benchLoop.utilization * 100).toFixed(0)} % |`,
    );
  }
  return lines;
}

/** Each pair's ratio, then the medians over the pairs. */
export function pairsTable(pairs: readonly Pair[]): string[] {
  const lines = [
    '| pair | order | load (both runs) | makers only p99 ms | with spectators p99 ms | p99 ratio | main thread CPU ms/s, alone → with | scavenges, alone → with | main thread allocated MB, alone → with |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const [i, p] of pairs.entries()) {
    const [first, second] = p.makersFirst ? [p.makers, p.live] : [p.live, p.makers];
    lines.push(
      `| ${i + 1} | ${p.makersFirst ? 'alone, then with' : 'with, then alone'} | ${first.load[0].toFixed(2)} → ${second.load[1].toFixed(2)} | ${ms(p.makers.keystrokes.p99)} | ${ms(p.live.keystrokes.p99)} | ${ratioOf(p).toFixed(2)} | ${p.makers.mainCpuMs.toFixed(0)} → ${p.live.mainCpuMs.toFixed(0)} | ${p.makers.gc.scavenges} → ${p.live.gc.scavenges} | ${(p.makers.gc.allocatedBytes / MB).toFixed(0)} → ${(p.live.gc.allocatedBytes / MB).toFixed(0)} |`,
    );
  }
  const all = (pick: (p: Pair) => number, digits = 2) => spread(pairs.map(pick), digits);
  const loads = pairs.flatMap((p) => [...p.makers.load, ...p.live.load]);
  lines.push(
    `| median (range) of ${pairs.length} | | ${loads.length ? `${Math.min(...loads).toFixed(2)}–${Math.max(...loads).toFixed(2)}` : ''} | ${all((p) => p.makers.keystrokes.p99)} | ${all((p) => p.live.keystrokes.p99)} | ${all(ratioOf)} | ${all((p) => p.makers.mainCpuMs, 0)} → ${all((p) => p.live.mainCpuMs, 0)} | ${all((p) => p.makers.gc.scavenges, 0)} → ${all((p) => p.live.gc.scavenges, 0)} | ${all((p) => p.makers.gc.allocatedBytes / MB, 0)} → ${all((p) => p.live.gc.allocatedBytes / MB, 0)} |`,
  );
  return lines;
}

/** The spectators' side over the runs with them: freshness, memory, the benchmark's own loop. */
export function liveLines(pairs: readonly Pair[], previewMs: number): string[] {
  const live = pairs.map((p) => p.live);
  const over = (pick: (r: RunResult) => number, digits = 2) => spread(live.map(pick), digits);
  return [
    `keystroke p99 ratio (with spectators / makers only), median of ${pairs.length} pairs (range): ${spread(pairs.map(ratioOf))} (target ≤ 1.25)`,
    `makers' keystroke p50 ms: alone ${spread(pairs.map((p) => p.makers.keystrokes.p50))}, with spectators ${over((r) => r.keystrokes.p50)}`,
    `preview freshness p99 ms: ${over((r) => r.freshness.p99, 0)} (target ≤ ${2 * previewMs} ms); previews measured per run ${over((r) => r.freshness.count, 0)}`,
    `keystroke to a spectator (one timed per room) p50 / p99 ms: ${over((r) => r.spectatorLag.p50)} / ${over((r) => r.spectatorLag.p99)}`,
    `this benchmark's own loop busy %: makers only ${spread(
      pairs.map((p) => p.makers.benchLoop.utilization * 100),
      0,
    )}, with spectators ${over((r) => r.benchLoop.utilization * 100, 0)}; 1 ms timer late p99 ms ${over((r) => r.benchLoop.delayP99)}`,
    `server RSS per spectator KiB: ${over((r) => r.rssPerSpectatorKiB, 1)}`,
    `updates not timed (a layer change merged in), per run: makers only ${spread(
      pairs.map((p) => p.makers.unparsed),
      0,
    )}, with spectators ${over((r) => r.unparsed, 0)}`,
    `frames delivered to spectators per second: ${over((r) => r.spectatorFrames, 0)}`,
  ];
}
