// Summarises a `npm run bench:peers -- --loop-probe DIR` directory: for each
// server and load generator, per second of the measured windows (the load
// generator's `measure` marks), the main thread's and the other threads' CPU,
// the main thread's run-queue wait, event-loop lateness, GC, and in Atelier
// its turn ends and the loop's waits for the write baton.
//
//   node bench/peers/probe-summary.ts DIR
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

interface Stat {
  n: number;
  ms: number;
  max: number;
}

interface Line {
  at: number;
  elu: number;
  lateMs: { max: number };
  late: unknown[];
  gc: Record<string, Stat>;
  cpuMs: { main: number; otherThreads: number };
  schedMs: { mainRun: number; mainWait: number; othersRun: number; othersWait: number };
  turns?: { run: Stat; persist: Stat; long: unknown[] };
  writes?: { wait: Stat; hold: Stat };
  marks?: Array<{ at: number; type: string; seconds?: number }>;
}

const dir = process.argv[2];
if (!dir) throw new Error('usage: node bench/peers/probe-summary.ts DIR');
const files = readdirSync(dir).filter((f) => f.endsWith('.jsonl'));
const read = (file: string): Line[] =>
  readFileSync(path.join(dir, file), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Line);

// A line covers the second before its `at`.
const windows = files
  .filter((f) => f.startsWith('load-'))
  .flatMap((f) => read(f).flatMap((line) => line.marks ?? []))
  .filter((mark) => mark.type === 'measure')
  .map((mark) => [mark.at + 1000, mark.at + (mark.seconds ?? 0) * 1000] as const);
const measured = (line: Line) => windows.some(([from, to]) => line.at >= from && line.at <= to);

const f1 = (n: number) => n.toFixed(1);
for (const file of files) {
  const lines = read(file).filter(measured);
  if (lines.length === 0) continue;
  const per = (value: (line: Line) => number) => lines.reduce((sum, line) => sum + value(line), 0) / lines.length;
  const max = (value: (line: Line) => number) => Math.max(...lines.map(value));
  const gc = (line: Line) => Object.values(line.gc).reduce((sum, s) => sum + s.ms, 0);
  const gcMax = (line: Line) => Math.max(0, ...Object.values(line.gc).map((s) => s.max));
  const parts = [
    `${lines.length} s measured, per second:`,
    `main thread CPU ${f1(per((l) => l.cpuMs.main))} ms, other threads ${f1(per((l) => l.cpuMs.otherThreads))} ms`,
    `main thread run-queue wait ${f1(per((l) => l.schedMs.mainWait))} ms`,
    `loop utilisation ${per((l) => l.elu).toFixed(2)}`,
    `timer late > 10 ms ${f1(per((l) => l.late.length))} times (latest ${f1(max((l) => l.lateMs.max))} ms)`,
    `GC ${f1(per(gc))} ms (longest ${f1(max(gcMax))})`,
  ];
  if (lines.some((l) => l.turns)) {
    parts.push(
      `turn ends ${f1(per((l) => l.turns?.run.n ?? 0))} (longest ${f1(max((l) => l.turns?.run.max ?? 0))} ms, over 10 ms from first task ${f1(per((l) => l.turns?.long.length ?? 0))})`,
      `baton waits ${f1(per((l) => l.writes?.wait.ms ?? 0))} ms (longest ${f1(max((l) => l.writes?.wait.max ?? 0))})`,
    );
  }
  process.stdout.write(`${file}\n  ${parts.join('\n  ')}\n`);
}
