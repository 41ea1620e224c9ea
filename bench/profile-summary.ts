// Summarises a V8 .cpuprofile (node --cpu-prof, e.g. `npm run bench:peers --
// --cpu-prof`): where the process was busy over time, and self and total time
// by function, optionally within a window of the run (the join storm comes
// after the rooms are created, so the whole profile mixes the two).
//
//   node bench/profile-summary.ts FILE.cpuprofile [--from MS] [--to MS] [--last MS]
//                                 [--top N] [--bucket MS] [--match TEXT] [--under TEXT]
//
// --from/--to are milliseconds from the profile's start; --last keeps the last
// MS of it. --match lists only functions whose name or file contains TEXT;
// --under counts only samples with such a function on the stack (its callees).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    from: { type: 'string' },
    to: { type: 'string' },
    last: { type: 'string' },
    top: { type: 'string', default: '40' },
    bucket: { type: 'string', default: '500' },
    match: { type: 'string' },
    under: { type: 'string' },
  },
});

const file = positionals[0];
if (!file) throw new Error('usage: node bench/profile-summary.ts FILE.cpuprofile [--from MS] [--to MS] [--last MS] [--top N]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;

const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parentOf = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);

/** Idle, GC and the like: not a JavaScript function, named in parentheses by V8. */
const IDLE = '(idle)';

function label(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const name = functionName || '(anonymous)';
  if (!url) return name;
  const short = url.includes('node_modules/') ? url.slice(url.lastIndexOf('node_modules/') + 13) : path.basename(url);
  return `${name} ${short}:${lineNumber + 1}`;
}

// Each sample's time is the delta to the next one (the last sample gets none).
const times: number[] = [];
let t = 0;
for (let i = 0; i < profile.samples.length; i++) {
  t += profile.timeDeltas[i] ?? 0;
  times.push(t / 1000);
}
const durationMs = (profile.endTime - profile.startTime) / 1000;
const sampleMs = (i: number) => (times[i + 1] ?? times[i] ?? 0) - (times[i] ?? 0);

const lastMs = args.last === undefined ? undefined : Number(args.last);
const fromMs = lastMs !== undefined ? durationMs - lastMs : Number(args.from ?? 0);
const toMs = Number(args.to ?? durationMs);

// Timeline: busy share per bucket, to find the window worth reading.
const bucketMs = Number(args.bucket);
const buckets = new Map<number, { busy: number; all: number }>();
for (let i = 0; i < profile.samples.length; i++) {
  const at = times[i] ?? 0;
  const b = Math.floor(at / bucketMs);
  const entry = buckets.get(b) ?? { busy: 0, all: 0 };
  const ms = sampleMs(i);
  entry.all += ms;
  const node = byId.get(profile.samples[i] ?? -1);
  if (node && node.callFrame.functionName !== IDLE) entry.busy += ms;
  buckets.set(b, entry);
}
process.stdout.write(`${file}\n${durationMs.toFixed(0)} ms profiled; busy share per ${bucketMs} ms:\n`);
for (const [b, { busy, all }] of [...buckets].sort((x, y) => x[0] - y[0])) {
  const share = all > 0 ? busy / all : 0;
  process.stdout.write(
    `  ${String(b * bucketMs).padStart(7)} ms ${'#'.repeat(Math.round(share * 40)).padEnd(40)} ${(share * 100).toFixed(0)}%\n`,
  );
}

function onStack(leafId: number, text: string): boolean {
  for (let id: number | undefined = leafId; id !== undefined; id = parentOf.get(id)) {
    const node = byId.get(id);
    if (node && label(node).includes(text)) return true;
  }
  return false;
}

// Self and total time by function within the window.
const self = new Map<string, number>();
const total = new Map<string, number>();
let windowMs = 0;
let busyMs = 0;
for (let i = 0; i < profile.samples.length; i++) {
  const at = times[i] ?? 0;
  if (at < fromMs || at >= toMs) continue;
  const ms = sampleMs(i);
  windowMs += ms;
  const leaf = byId.get(profile.samples[i] ?? -1);
  if (!leaf || leaf.callFrame.functionName === IDLE) continue;
  if (args.under !== undefined && !onStack(leaf.id, args.under)) continue;
  busyMs += ms;
  const leafLabel = label(leaf);
  self.set(leafLabel, (self.get(leafLabel) ?? 0) + ms);
  // Each function once per sample, however deep its recursion.
  const seen = new Set<string>();
  for (let id: number | undefined = leaf.id; id !== undefined; id = parentOf.get(id)) {
    const node = byId.get(id);
    if (!node) break;
    const name = label(node);
    if (seen.has(name)) continue;
    seen.add(name);
    total.set(name, (total.get(name) ?? 0) + ms);
  }
}

const top = Number(args.top);
const wanted = (name: string) => args.match === undefined || name.includes(args.match);
const print = (title: string, table: Map<string, number>) => {
  process.stdout.write(`\n${title}\n`);
  const rows = [...table].filter(([name]) => wanted(name)).sort((a, b) => b[1] - a[1]);
  for (const [name, ms] of rows.slice(0, top)) {
    process.stdout.write(`  ${ms.toFixed(1).padStart(9)} ms ${((ms / Math.max(busyMs, 1)) * 100).toFixed(1).padStart(5)}%  ${name}\n`);
  }
};
process.stdout.write(
  `\nwindow ${fromMs.toFixed(0)}–${toMs.toFixed(0)} ms: ${windowMs.toFixed(0)} ms, busy ${busyMs.toFixed(0)} ms (${((busyMs / Math.max(windowMs, 1)) * 100).toFixed(0)}%)\n`,
);
print('self time', self);
print('total time (self and callees)', total);
