// Summarises Linux perf samples of a benchmark's server, on-CPU time only.
// V8's --cpu-prof samples wall time: on a loaded machine the time a thread
// waits for the CPU lands on whatever is on its stack, system calls most of
// all. perf's task-clock event samples a thread only while it runs. Record
// with the JIT's symbols, then summarise the text perf script prints:
//
//   NODE_OPTIONS="--perf-basic-prof --interpreted-frames-native-stack" \
//     perf record -e task-clock -F 1999 -g -o storm.data -- \
//     npm run bench:peers -- --systems atelier-client,atelier --workloads storm --rounds 2 --dry-run
//   perf script -i storm.data > storm.txt
//   node bench/perf-summary.ts storm.txt [--from FN] [--to FN] [--with FN] [--without FN]
//        [--top N] [--callees FN,FN] [--hz 1999]
//
// Each thread whose stacks contain --from is a server's main thread; its
// window runs from its first sample with --from on the stack to its last with
// --to (by default the join storm: the first `handleUpgrade`, the last
// `receiveSync`). --with / --without keep the threads that did or never ran
// FN (`--with admitted`: the client path's servers). Self and total time by
// function over the windows, per window (the mean over the threads), and
// --callees splits a function's total by its direct callees.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    from: { type: 'string', default: 'handleUpgrade' },
    to: { type: 'string', default: 'receiveSync' },
    with: { type: 'string' },
    without: { type: 'string' },
    top: { type: 'string', default: '40' },
    callees: { type: 'string', default: '' },
    hz: { type: 'string', default: '1999' },
  },
});
const file = positionals[0];
if (!file) throw new Error('usage: node bench/perf-summary.ts PERF-SCRIPT.txt [options] (see its header)');

interface Sample {
  at: number;
  /** Function names, leaf first. */
  frames: string[];
}

/** `JS:~handleUpgrade file:///…/server/realtime/x.ts:110:16+0xd4` → `handleUpgrade server/realtime/x.ts:110`. */
function symbol(raw: string): string {
  return raw
    .replace(/\+0x[0-9a-f]+$/, '')
    .replace(/^JS:[~^*+']*/, '')
    .replace(/file:\/\/\S*?\/(server|shared|bench)\//, '$1/')
    .replace(/\S*\/node_modules\//, '')
    .replace(/:(\d+):\d+$/, ':$1');
}

/** The bare function name of a frame (what --from, --to, --with and --callees name). */
const nameOf = (frame: string) => frame.split(' ')[0] ?? '';

const threads = new Map<string, Sample[]>();
let current: (Sample & { thread: string }) | null = null;
const end = () => {
  if (current) {
    const list = threads.get(current.thread) ?? [];
    list.push({ at: current.at, frames: current.frames });
    threads.set(current.thread, list);
  }
  current = null;
};
for await (const line of createInterface({ input: createReadStream(file) })) {
  if (line === '') {
    end();
    continue;
  }
  if (!/^\s/.test(line)) {
    // `comm tid time: period event:` or `comm pid/tid time: …`
    const header = /^\S.*?\s+(\d+(?:\/\d+)?)\s+([\d.]+):/.exec(line);
    current = header ? { thread: header[1] ?? '', at: Number(header[2]), frames: [] } : null;
    continue;
  }
  const frame = /^\s*[0-9a-f]+\s+(.*)\s+\(.*\)$/.exec(line);
  if (current && frame?.[1]) current.frames.push(symbol(frame[1]));
}
end();

const ran = (samples: Sample[], fn: string) => samples.some((s) => s.frames.some((f) => nameOf(f) === fn));
const windows: Sample[][] = [];
for (const [thread, samples] of threads) {
  if (!ran(samples, args.from)) continue;
  if (args.with !== undefined && !ran(samples, args.with)) continue;
  if (args.without !== undefined && ran(samples, args.without)) continue;
  const has = (s: Sample, fn: string) => s.frames.some((f) => nameOf(f) === fn);
  const first = samples.find((s) => has(s, args.from))?.at ?? 0;
  const last = samples.findLast((s) => has(s, args.to))?.at ?? first;
  const inside = samples.filter((s) => s.at >= first && s.at <= last);
  windows.push(inside);
  process.stdout.write(
    `thread ${thread}: ${(last - first).toFixed(2)} s from first ${args.from} to last ${args.to}, ${inside.length} samples\n`,
  );
}
if (windows.length === 0) throw new Error(`no thread ran ${args.from}${args.with ? ` and ${args.with}` : ''}`);

const perWindowMs = (samples: number) => (samples / windows.length / Number(args.hz)) * 1000;
const all = windows.reduce((sum, w) => sum + w.length, 0);
const self = new Map<string, number>();
const total = new Map<string, number>();
const callees = new Map(
  args.callees
    .split(',')
    .filter(Boolean)
    .map((fn) => [fn, new Map<string, number>()] as const),
);
const add = (table: Map<string, number>, key: string) => table.set(key, (table.get(key) ?? 0) + 1);
for (const sample of windows.flat()) {
  add(self, sample.frames[0] ?? '?');
  for (const frame of new Set(sample.frames)) add(total, frame);
  for (const [fn, table] of callees) {
    // The outermost frame of fn; the one below it is its callee.
    const at = sample.frames.findLastIndex((f) => nameOf(f) === fn);
    if (at >= 0) add(table, at === 0 ? '(self)' : (sample.frames[at - 1] ?? '?'));
  }
}

const out = [`per window: ${perWindowMs(all).toFixed(1)} ms on the CPU (mean of ${windows.length})`];
const table = (title: string, rows: Map<string, number>) => {
  out.push('', title);
  for (const [name, n] of [...rows].sort((a, b) => b[1] - a[1]).slice(0, Number(args.top))) {
    out.push(`${perWindowMs(n).toFixed(1).padStart(9)} ms ${((n / all) * 100).toFixed(1).padStart(5)}%  ${name}`);
  }
};
table('self time', self);
table('total time (self and callees)', total);
for (const [fn, rows] of callees) table(`under ${fn}, by direct callee`, rows);
process.stdout.write(`${out.join('\n')}\n`);
