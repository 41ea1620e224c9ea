// Summarises a V8 .cpuprofile (node --cpu-prof, e.g. `npm run bench:peers --
// --cpu-prof`): where the process was busy over time, then, within a window
// of the run, self time by file (node_modules by package) and by function,
// and total time (self and callees) by function. The window matters: the
// whole profile mixes start-up, setting up rooms and the measured part.
//
//   node bench/profile-summary.ts FILE.cpuprofile [--from T] [--to T] [--last T]
//        [--top N] [--bucket MS] [--match TEXT] [--under TEXT]
//        [--focus fn,fn] [--callees fn,fn] [--callers fn@depth,fn@depth]
//        [--stretches MS]
//
// Times are from the profile's start, in milliseconds, or seconds with an `s`
// (`--from 9s --to 17s`); --last keeps the end of the profile. --match lists
// only functions whose name or file contains TEXT; --under counts only samples
// with such a function on the stack (its callees). --focus gives the total
// time of functions named exactly so; --callees splits a function's total
// time by its direct callees (recursion counted at the outermost call);
// --callers splits it by the `depth` frames above it (3 unless given).
// --stretches lists the window's busy stretches (samples with no idle one
// between) of at least MS, longest first, each by where it entered the
// project's code: what a message arriving meanwhile waited for.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';

const CallFrame = z.object({ functionName: z.string(), url: z.string(), lineNumber: z.number() });
const ProfileNode = z.object({ id: z.number(), callFrame: CallFrame, children: z.array(z.number()).optional() });
const Profile = z.object({
  nodes: z.array(ProfileNode),
  samples: z.array(z.number()),
  timeDeltas: z.array(z.number()),
  startTime: z.number(),
  endTime: z.number(),
});
type ProfileNode = z.infer<typeof ProfileNode>;

/** The event loop waiting. `(program)` and `(garbage collector)` are work, so they count as busy. */
const IDLE = '(idle)';

/** `node_modules/yjs/dist/yjs.mjs` → `yjs`; a project file keeps its path from the repository root. */
function fileOf(url: string): string {
  if (url === '') return '(native)';
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + 'node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? url);
  }
  if (url.startsWith('node:')) return url;
  const root = url.indexOf('/server/') >= 0 ? url.indexOf('/server/') : url.indexOf('/shared/');
  return root >= 0 ? url.slice(root + 1) : url.replace(/^file:\/\//, '');
}

function label(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  return `${functionName || '(anonymous)'}  ${fileOf(url)}${url ? `:${lineNumber + 1}` : ''}`;
}

/** `1500`, `1500ms` or `1.5s` → milliseconds. */
function millis(text: string, option: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s)?$/.exec(text.trim());
  if (!match) throw new Error(`--${option} takes milliseconds or seconds with an s (1500, 1.5s), not "${text}"`);
  return Number(match[1]) * (match[2] === 's' ? 1000 : 1);
}

function add(table: Map<string, number>, key: string, ms: number): void {
  table.set(key, (table.get(key) ?? 0) + ms);
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
    focus: { type: 'string', default: '' },
    callees: { type: 'string', default: '' },
    callers: { type: 'string', default: '' },
    stretches: { type: 'string' },
  },
});

const file = positionals[0];
if (!file) throw new Error('usage: node bench/profile-summary.ts FILE.cpuprofile [options] (see its header)');
const profile = Profile.parse(JSON.parse(readFileSync(file, 'utf8')));
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parentOf = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
const nameOf = (id: number) => byId.get(id)?.callFrame.functionName;
/** The stack of a sample, leaf first. */
function* stack(leafId: number): Generator<ProfileNode> {
  for (let id: number | undefined = leafId; id !== undefined; id = parentOf.get(id)) {
    const node = byId.get(id);
    if (!node) return;
    yield node;
  }
}

// A sample stands for the time until the next one (as DevTools and speedscope
// read it: a sample taken just before a long GC pause carries that pause).
const times: number[] = [];
let t = 0;
for (let i = 0; i < profile.samples.length; i++) {
  t += profile.timeDeltas[i] ?? 0;
  times.push(t / 1000);
}
const durationMs = (profile.endTime - profile.startTime) / 1000;
const sampleMs = (i: number) => (times[i + 1] ?? times[i] ?? 0) - (times[i] ?? 0);

const fromMs = args.last !== undefined ? durationMs - millis(args.last, 'last') : millis(args.from ?? '0', 'from');
const toMs = args.to === undefined ? durationMs : millis(args.to, 'to');

// Timeline: busy share per bucket, to find the window worth reading.
const out: string[] = [];
const bucketMs = millis(args.bucket, 'bucket');
const buckets = new Map<number, { busy: number; all: number }>();
for (let i = 0; i < profile.samples.length; i++) {
  const b = Math.floor((times[i] ?? 0) / bucketMs);
  const entry = buckets.get(b) ?? { busy: 0, all: 0 };
  entry.all += sampleMs(i);
  if (nameOf(profile.samples[i] ?? -1) !== IDLE) entry.busy += sampleMs(i);
  buckets.set(b, entry);
}
out.push(file, `${durationMs.toFixed(0)} ms profiled; busy share per ${bucketMs} ms:`);
for (const [b, { busy, all }] of [...buckets].sort((x, y) => x[0] - y[0])) {
  const share = all > 0 ? busy / all : 0;
  out.push(`  ${String(b * bucketMs).padStart(7)} ms ${'#'.repeat(Math.round(share * 40)).padEnd(40)} ${(share * 100).toFixed(0)}%`);
}

// Within the window: busy samples (under --under, if given) by leaf, the time each leaf node stands for.
const under = args.under;
const leafMs = new Map<number, number>();
let windowMs = 0;
for (let i = 0; i < profile.samples.length; i++) {
  const at = times[i] ?? 0;
  if (at < fromMs || at >= toMs) continue;
  windowMs += sampleMs(i);
  const leaf = profile.samples[i] ?? -1;
  if (nameOf(leaf) === undefined || nameOf(leaf) === IDLE) continue;
  if (under !== undefined && ![...stack(leaf)].some((node) => label(node).includes(under))) continue;
  leafMs.set(leaf, (leafMs.get(leaf) ?? 0) + sampleMs(i));
}

const byFile = new Map<string, number>();
const self = new Map<string, number>();
const total = new Map<string, number>();
const totalByName = new Map<string, number>();
let busyMs = 0;
for (const [leaf, ms] of leafMs) {
  busyMs += ms;
  const leafNode = byId.get(leaf);
  if (!leafNode) continue;
  add(self, label(leafNode), ms);
  add(byFile, fileOf(leafNode.callFrame.url), ms);
  // Each function once per sample, however deep its recursion.
  const seen = new Set<string>();
  for (const node of stack(leaf)) {
    for (const [table, key] of [
      [total, label(node)],
      [totalByName, `name:${node.callFrame.functionName}`],
    ] as const) {
      if (seen.has(key)) continue;
      seen.add(key);
      add(table, key, ms);
    }
  }
}

const top = Number(args.top);
const line = (ms: number, name: string) =>
  `  ${ms.toFixed(1).padStart(9)} ms ${((ms / Math.max(windowMs, 1)) * 100).toFixed(1).padStart(5)}% ${((ms / Math.max(busyMs, 1)) * 100).toFixed(1).padStart(5)}% busy  ${name}`;
const table = (
  title: string,
  rows: Map<string, number>,
  wanted = (name: string) => args.match === undefined || name.includes(args.match),
) => {
  out.push('', title);
  const sorted = [...rows].filter(([name]) => wanted(name)).sort((a, b) => b[1] - a[1]);
  for (const [name, ms] of sorted.slice(0, top)) out.push(line(ms, name));
};
out.push(
  '',
  `window ${fromMs.toFixed(0)}–${toMs.toFixed(0)} ms: ${windowMs.toFixed(0)} ms, busy ${busyMs.toFixed(0)} ms (${((busyMs / Math.max(windowMs, 1)) * 100).toFixed(0)}%)${under === undefined ? '' : ` under ${under}`}`,
  '(each row: time, share of the window, share of its busy time)',
);
table('self time by file', byFile, () => true);
table('self time by function', self);
table('total time (self and callees) by function', total);

const list = (text: string) => text.split(',').filter(Boolean);
const focus = list(args.focus);
if (focus.length > 0) {
  out.push('', 'total time of functions named:');
  for (const fn of focus) out.push(line(totalByName.get(`name:${fn}`) ?? 0, fn));
}
for (const fn of list(args.callees)) {
  const rows = new Map<string, number>();
  for (const [leaf, ms] of leafMs) {
    // The outermost frame named fn; the frame just below it is the callee.
    let callee: ProfileNode | null | undefined;
    let below: ProfileNode | null = null;
    for (const node of stack(leaf)) {
      if (node.callFrame.functionName === fn) callee = below;
      below = node;
    }
    if (callee !== undefined) add(rows, callee === null ? '(self)' : label(callee), ms);
  }
  table(`under ${fn}, by direct callee:`, rows, () => true);
}
for (const spec of list(args.callers)) {
  const [fn, depthText] = spec.split('@');
  const depth = Number(depthText ?? 3);
  const rows = new Map<string, number>();
  for (const [leaf, ms] of leafMs) {
    // The innermost frame named fn, and the `depth` frames above it.
    const frames = [...stack(leaf)];
    const at = frames.findIndex((node) => node.callFrame.functionName === fn);
    if (at < 0) continue;
    add(
      rows,
      frames
        .slice(at + 1, at + 1 + depth)
        .map((node) => label(node).replace('  ', ' '))
        .join(' < '),
      ms,
    );
  }
  table(`callers of ${fn}:`, rows, () => true);
}
if (args.stretches !== undefined) stretches(millis(args.stretches, 'stretches'));
process.stdout.write(`${out.join('\n')}\n`);

/** Where a sample entered the project's code (its outermost server/ or shared/ frame), or the collector, or its leaf. */
function entryOf(leafId: number): string {
  const frames = [...stack(leafId)];
  const leaf = frames[0];
  if (!leaf) return '(unknown)';
  if (leaf.callFrame.functionName === '(garbage collector)') return '(garbage collector)';
  const project = frames.findLast((node) => /\/(server|shared)\//.test(node.callFrame.url));
  return label(project ?? leaf);
}

function stretches(minMs: number): void {
  const found: Array<{ at: number; ms: number; by: Map<string, number> }> = [];
  let current: (typeof found)[number] | null = null;
  for (let i = 0; i < profile.samples.length; i++) {
    const at = times[i] ?? 0;
    const leaf = profile.samples[i] ?? -1;
    if (at < fromMs || at >= toMs || nameOf(leaf) === IDLE) {
      if (current && current.ms >= minMs) found.push(current);
      current = null;
      continue;
    }
    current ??= { at, ms: 0, by: new Map() };
    current.ms += sampleMs(i);
    add(current.by, entryOf(leaf), sampleMs(i));
  }
  if (current && current.ms >= minMs) found.push(current);
  found.sort((a, b) => b.ms - a.ms);
  const sum = found.reduce((s, f) => s + f.ms, 0);
  out.push('', `busy stretches of ${minMs} ms or more: ${found.length}, ${sum.toFixed(0)} ms in all; by entry:`);
  const byEntry = new Map<string, number>();
  for (const f of found) for (const [entry, ms] of f.by) add(byEntry, entry, ms);
  for (const [entry, ms] of [...byEntry].sort((a, b) => b[1] - a[1]).slice(0, top)) out.push(`  ${ms.toFixed(1).padStart(9)} ms  ${entry}`);
  out.push('', 'longest:');
  for (const f of found.slice(0, top)) {
    const parts = [...f.by].sort((a, b) => b[1] - a[1]).slice(0, 3);
    out.push(
      `  ${f.ms.toFixed(1).padStart(7)} ms at ${(f.at / 1000).toFixed(2)} s: ${parts.map(([e, ms]) => `${e.replace('  ', ' ')} ${ms.toFixed(1)}`).join('; ')}`,
    );
  }
}
