// Follows the hot room's slowest timed deliveries through Atelier's server,
// from a HOT_TRACE_DIR written by lib/hot-trace.ts: for each, the keystroke's
// send → server read → its turn's start → commit done → fan-out start → the
// observer's receipt, and what else happened meanwhile (GC in either process,
// the maintenance thread's write transactions and slow statements, late
// ticks); the fan-outs' CPU (user and kernel) and the other threads' CPU per
// second. One round of Atelier per directory:
//
//   T=$PWD/bench/peers/lib/hot-trace.ts
//   HOT_TRACE_DIR=DIR NODE_OPTIONS=--import=$T ./node_modules/node/bin/node bench/peers/run.ts \
//     --systems atelier-client --workloads hotRoom --rounds 1 --dry-run --server-flags=--import=$T
//   node bench/peers/hot-trace-summary.ts DIR [top-fraction, default 0.01]
//
// (node_modules' Node 24 directly: NODE_OPTIONS reaches every process, npx's own included.)
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

type Row = [string, ...number[]];
const dir = process.argv[2];
if (!dir) throw new Error('usage: node bench/peers/hot-trace-summary.ts DIR [fraction]');
const fraction = Number(process.argv[3] ?? 0.01);
const files = readdirSync(dir).filter((f) => f.endsWith('.jsonl'));
const read = (prefix: string): Row[] =>
  files
    .filter((f) => f.startsWith(prefix))
    .flatMap((f) =>
      readFileSync(path.join(dir, f), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Row),
    );
const load = read('load-');
const server = read('server-');
const thread = read('thread-');
const of = (rows: Row[], kind: string) => rows.filter((r) => r[0] === kind).map((r) => r.slice(1) as number[]);

const recvs = of(load, 'recv').map(([self, client, clock, t0, at]) => ({ self, client, clock, t0, at, ms: at! - t0! }));
if (recvs.length === 0) throw new Error('no timed deliveries in the trace');
const sorted = [...recvs].sort((a, b) => a.ms - b.ms);
const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]?.ms ?? 0;
const windowStart = Math.min(...recvs.map((r) => r.t0!));
const windowEnd = Math.max(...recvs.map((r) => r.at!));

const reads = new Map<number, number>();
for (const [at, client, clock] of of(server, 'read')) reads.set(client! * 1_000_000 + clock!, at!);
const turns = of(server, 'turn').sort((a, b) => a[1]! - b[1]!);
const fanouts = of(server, 'fanout').sort((a, b) => a[0]! - b[0]!);
const gcServer = of(server, 'gc');
const gcLoad = of(load, 'gc');
const holds = [...of(server, 'hold'), ...of(thread, 'hold')];
const lateServer = of(server, 'late');
/** The thread's requests (compactions whole) and its slow statements (checkpoints, reads), kind kept as a string. */
const threadWork = thread
  .filter((r) => r[0] === 'request' || r[0] === 'stmt')
  .map((r) => ({ start: r[1] as number, end: r[2] as number, what: `${r[0]} ${String(r[3]).split(' ').slice(0, 3).join(' ')}` }));
const lateLoad = of(load, 'late');
const inWindow = (t: number) => t >= windowStart && t <= windowEnd;

/** First row (sorted by column `col`) whose column is ≥ t. */
function firstAtOrAfter(rows: number[][], col: number, t: number): number[] | undefined {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((rows[mid]?.[col] ?? 0) < t) lo = mid + 1;
    else hi = mid;
  }
  return rows[lo];
}

const f2 = (n: number) => n.toFixed(2);
const overlaps = (rows: number[][], startCol: number, lengthOf: (r: number[]) => number, from: number, to: number) =>
  rows.filter((r) => r[startCol]! < to && r[startCol]! + lengthOf(r) > from);

interface Traced {
  ms: number;
  turn: number;
  at: number;
  stages: number[];
  notes: string;
}

function trace(r: (typeof recvs)[number]): Traced | null {
  const readAt = reads.get(r.client! * 1_000_000 + r.clock!);
  if (readAt === undefined) return null;
  const turn = firstAtOrAfter(turns, 1, readAt);
  if (!turn) return null;
  const [, started, persisted, ended] = turn as [number, number, number, number];
  const fan = firstAtOrAfter(fanouts, 0, started);
  const fanStart = fan?.[0] ?? ended;
  const stages = [readAt - r.t0!, started - readAt, persisted - started, fanStart - persisted, r.at! - fanStart];
  const from = r.t0!;
  const to = r.at!;
  const sgc = overlaps(gcServer, 0, (g) => g[1]!, from, to).map((g) => `sGC${g[2]} ${f2(g[1]!)}`);
  const lgc = overlaps(gcLoad, 0, (g) => g[1]!, from, to).map((g) => `lGC${g[2]} ${f2(g[1]!)}`);
  const h = overlaps(holds, 1, (x) => x[3]! - x[1]!, from, to).map(
    (x) => `hold t${x[0]} wait ${f2(x[2]! - x[1]!)} held ${f2(x[3]! - x[2]!)}`,
  );
  const lateNote = (label: string, rows: number[][]) => {
    const l = overlaps(rows, 0, (x) => x[1]!, from, to).map((x) => x[1]!);
    return l.length === 0 ? [] : [`${label} ${l.length}× max ${f2(Math.max(...l))}`];
  };
  const sl = lateNote('server late', lateServer);
  const ll = lateNote('load late', lateLoad);
  const fansBetween = fanouts.filter((x) => x[0]! >= from && x[0]! < fanStart);
  const busy = fansBetween.reduce((s, x) => s + (x[1]! - x[0]!), 0);
  const work = threadWork.filter((w) => w.start < to && w.end > from).map((w) => `${w.what} ${f2(w.end - w.start)}`);
  const notes = [
    ...work,
    `${fansBetween.length} fan-outs before (${f2(busy)} ms)`,
    `fan ${f2((fan?.[1] ?? 0) - fanStart)} ms ${fan?.[2]} B`,
    ...sgc,
    ...lgc,
    ...h,
    ...sl,
    ...ll,
  ].join('; ');
  return { ms: r.ms, turn: started, at: r.t0! - windowStart, stages, notes };
}

const names = ['send→read', 'read→turn', 'commit', 'commit→fan', 'fan→recv'];
const top = sorted.slice(Math.floor((1 - fraction) * sorted.length));
const mid = sorted.filter((_, i) => i % Math.max(1, Math.floor(sorted.length / top.length)) === 0);
const summarise = (label: string, list: typeof recvs) => {
  const traced = list.map(trace).filter((t): t is Traced => t !== null);
  const med = (i: number) => {
    const v = traced.map((t) => t.stages[i]!).sort((a, b) => a - b);
    return v[Math.floor(v.length / 2)] ?? 0;
  };
  const largest = names.map((_, i) => traced.filter((t) => t.stages.indexOf(Math.max(...t.stages)) === i).length);
  process.stdout.write(
    `${label}: ${list.length} deliveries (${traced.length} traced); median stage ms: ${names.map((n, i) => `${n} ${f2(med(i))}`).join(', ')}; largest stage: ${names.map((n, i) => `${n} ${largest[i]}`).join(', ')}\n`,
  );
  return traced;
};
process.stdout.write(`${recvs.length} timed deliveries; p50 ${f2(q(0.5))} p99 ${f2(q(0.99))} max ${f2(q(1))} ms\n`);
const gcIn = (rows: number[][]) => rows.filter((g) => inWindow(g[0]!));
const sg = gcIn(gcServer);
const lg = gcIn(gcLoad);
process.stdout.write(
  `server GC in window: ${sg.length} pauses, ${f2(sg.reduce((s, g) => s + g[1]!, 0))} ms (max ${f2(Math.max(0, ...sg.map((g) => g[1]!)))}); load GC ${lg.length}, ${f2(lg.reduce((s, g) => s + g[1]!, 0))} ms (max ${f2(Math.max(0, ...lg.map((g) => g[1]!)))})\n`,
);
const th = holds.filter((x) => inWindow(x[1]!));
const byThread = new Map<number, number[][]>();
for (const x of th) byThread.set(x[0]!, [...(byThread.get(x[0]!) ?? []), x]);
for (const [tid, xs] of byThread) {
  const waits = xs.map((x) => x[2]! - x[1]!);
  const held = xs.map((x) => x[3]! - x[2]!);
  process.stdout.write(
    `thread ${tid}: ${xs.length} write transactions, waited ${f2(waits.reduce((a, b) => a + b, 0))} ms (max ${f2(Math.max(...waits))}), held ${f2(held.reduce((a, b) => a + b, 0))} ms (max ${f2(Math.max(...held))})\n`,
  );
}
const cpuIn = (rows: Row[]) => {
  const lines = of(rows, 'cpu').filter((c) => inWindow(c[0]!));
  const user = lines.reduce((a, c) => a + c[1]!, 0);
  const system = lines.reduce((a, c) => a + c[2]!, 0);
  return `user ${f2(user)} ms, system ${f2(system)} ms over ${lines.length} half-seconds`;
};
process.stdout.write(`main thread CPU in window: server ${cpuIn(server)}; maintenance thread ${cpuIn(thread)}; load ${cpuIn(load)}\n`);
// Other threads' CPU per second of the window, by kind (V8Worker: GC and compiler helpers of every isolate).
const tcpu = server.filter((r) => r[0] === 'tcpu' && inWindow(r[1] as number));
const byKind = new Map<string, number[]>();
for (const r of tcpu) {
  const kind = String(r[3]).split(':')[0] ?? '?';
  const second = Math.floor(((r[1] as number) - windowStart) / 1000);
  const list = byKind.get(kind) ?? [];
  list[second] = (list[second] ?? 0) + (r[2] as number);
  byKind.set(kind, list);
}
for (const [kind, list] of byKind)
  process.stdout.write(`  ${kind} CPU per second of the window: ${Array.from(list, (v) => f2(v ?? 0)).join(' ')} ms\n`);
const compactions = threadWork.filter((w) => w.what.startsWith('request compact') && inWindow(w.start));
process.stdout.write(
  `compactions in window: ${compactions.map((c) => `+${((c.start - windowStart) / 1000).toFixed(2)} s ${f2(c.end - c.start)} ms`).join(', ') || 'none'}\n`,
);
const med = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] ?? 0;
const ft = fanouts.filter((x) => inWindow(x[0]!));
const fd = ft.map((x) => x[1]! - x[0]!).sort((a, b) => a - b);
process.stdout.write(
  `fan-outs in window: ${ft.length}, median ${f2(fd[Math.floor(fd.length / 2)] ?? 0)} ms, p99 ${f2(fd[Math.floor(fd.length * 0.99)] ?? 0)}, max ${f2(fd.at(-1) ?? 0)}; CPU per fan-out median user ${f2(med(ft.map((x) => x[4]!)))} system ${f2(med(ft.map((x) => x[5]!)))} ms; senders per fan-out mean ${f2(ft.reduce((s, x) => s + x[3]!, 0) / Math.max(1, ft.length))}\n`,
);
summarise('all (sampled)', mid);
const traced = summarise(`slowest ${fraction * 100}%`, top);
// The slow deliveries by the turn that sent them: each turn once, its slowest delivery's stages.
const byTurn = new Map<number, Traced[]>();
for (const t of traced) byTurn.set(t.turn, [...(byTurn.get(t.turn) ?? []), t]);
const turnsSlow = [...byTurn.values()].sort((a, b) => a[0]!.at - b[0]!.at);
process.stdout.write(`the slowest ${traced.length} came from ${turnsSlow.length} turns:\n`);
for (const list of turnsSlow) {
  const t = list.reduce((a, b) => (b.ms > a.ms ? b : a));
  process.stdout.write(
    `  at +${(t.at / 1000).toFixed(3)} s, ${list.length} slow, up to ${f2(t.ms)} ms: ${names.map((n, i) => `${n} ${f2(t.stages[i]!)}`).join(', ')} | ${t.notes}\n`,
  );
}
