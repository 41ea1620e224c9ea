// Sums a V8 .cpuprofile (node --cpu-prof, `npm run bench:peers -- --cpu-prof`)
// by self time: per function and per file (node_modules packages by package),
// as a share of the whole profile and of its busy (non-idle) part. Also the
// inclusive time of functions named with --focus, to see what a call costs
// with everything under it.
//
//   node bench/profile-callees.ts FILE.cpuprofile [--top 40] [--focus name,name]
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

const IDLE = new Set(['(idle)', '(program)']);

/** `node_modules/yjs/dist/yjs.mjs` → `yjs`; a project file keeps its path from the repository root. */
export function fileOf(url: string): string {
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

function main(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      top: { type: 'string', default: '40' },
      focus: { type: 'string', default: '' },
      callees: { type: 'string', default: '' },
      callers: { type: 'string', default: '' },
      from: { type: 'string', default: '0' },
      to: { type: 'string', default: 'Infinity' },
    },
  });
  const [file] = positionals;
  if (!file) throw new Error('usage: node bench/profile-callees.ts FILE.cpuprofile [--top N] [--focus fn,fn]');
  const profile = Profile.parse(JSON.parse(readFileSync(file, 'utf8')));
  const top = Number(values.top);
  const byId = new Map<number, ProfileNode>(profile.nodes.map((n) => [n.id, n]));
  // Only the samples between --from and --to seconds after the profile started (the measured window).
  const from = Number(values.from) * 1e6;
  const to = Number(values.to) * 1e6;
  const self = new Map<number, number>();
  let at = 0;
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (at < from || at > to) continue;
    const id = profile.samples[i] as number;
    self.set(id, (self.get(id) ?? 0) + delta);
    total += delta;
  }
  let idle = 0;
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  for (const [id, us] of self) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (IDLE.has(functionName)) idle += us;
    const where = fileOf(url);
    const name = `${functionName || '(anonymous)'}  ${where}${url ? `:${lineNumber + 1}` : ''}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + us);
    byFile.set(where, (byFile.get(where) ?? 0) + us);
  }
  const busy = total - idle;
  const line = (us: number, name: string) =>
    `${(us / 1000).toFixed(0).padStart(8)} ms ${((100 * us) / total).toFixed(1).padStart(5)} % ${((100 * us) / busy).toFixed(1).padStart(5)} % busy  ${name}`;
  const out: string[] = [];
  out.push(`${file}: ${(total / 1e6).toFixed(1)} s profiled, ${(busy / 1e6).toFixed(1)} s busy (${((100 * busy) / total).toFixed(0)} %)`);
  out.push('', 'self time by file:');
  for (const [name, us] of [...byFile].sort((a, b) => b[1] - a[1]).slice(0, top)) out.push(line(us, name));
  out.push('', 'self time by function:');
  for (const [name, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) out.push(line(us, name));
  const focus = values.focus.split(',').filter(Boolean);
  if (focus.length > 0) {
    // Inclusive time: a node's self time plus its subtree's, counted once per focused name on the path.
    const parent = new Map<number, number>();
    for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
    const inclusive = new Map<string, number>();
    for (const [id, us] of self) {
      const seen = new Set<string>();
      for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
        const fn = byId.get(at)?.callFrame.functionName ?? '';
        if (focus.includes(fn) && !seen.has(fn)) {
          seen.add(fn);
          inclusive.set(fn, (inclusive.get(fn) ?? 0) + us);
        }
      }
    }
    out.push('', 'inclusive time:');
    for (const fn of focus) out.push(line(inclusive.get(fn) ?? 0, fn));
  }
  const callees = values.callees.split(',').filter(Boolean);
  if (callees.length > 0) {
    // Inclusive time of each direct callee of the named functions (recursion counted once, at the outermost).
    const parent = new Map<number, number>();
    for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
    const nameOf = (id: number) => {
      const f = byId.get(id)?.callFrame;
      return f ? `${f.functionName || '(anonymous)'}  ${fileOf(f.url)}${f.url ? `:${f.lineNumber + 1}` : ''}` : '?';
    };
    for (const fn of callees) {
      const under = new Map<string, number>();
      for (const [id, us] of self) {
        // Walk up to the outermost frame named fn; the frame just below it is the callee.
        let below: number | undefined;
        let callee: number | undefined;
        let prev: number | undefined;
        for (let at: number | undefined = id; at !== undefined; prev = at, at = parent.get(at)) {
          if (byId.get(at)?.callFrame.functionName === fn) {
            below = at;
            callee = prev;
          }
        }
        if (below === undefined) continue;
        const name = callee === undefined ? '(self)' : nameOf(callee);
        under.set(name, (under.get(name) ?? 0) + us);
      }
      out.push('', `under ${fn}:`);
      for (const [name, us] of [...under].sort((a, b) => b[1] - a[1]).slice(0, top)) out.push(line(us, name));
    }
  }
  const callers = values.callers.split(',').filter(Boolean);
  if (callers.length > 0) {
    // Time in (and under) the named function, by the stack above it, `depth` frames up.
    const parent = new Map<number, number>();
    for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
    const nameOf = (id: number) => {
      const f = byId.get(id)?.callFrame;
      return f ? `${f.functionName || '(anonymous)'} ${fileOf(f.url)}${f.url ? `:${f.lineNumber + 1}` : ''}` : '?';
    };
    for (const spec of callers) {
      const [fn, depthText] = spec.split('@');
      const depth = Number(depthText ?? 3);
      const above = new Map<string, number>();
      for (const [id, us] of self) {
        let at: number | undefined = id;
        while (at !== undefined && nameOf(at).split(' ')[0] !== fn && byId.get(at)?.callFrame.functionName !== fn) at = parent.get(at);
        if (at === undefined) continue;
        const path: string[] = [];
        for (let up = parent.get(at); up !== undefined && path.length < depth; up = parent.get(up)) path.push(nameOf(up));
        const key = path.join(' < ');
        above.set(key, (above.get(key) ?? 0) + us);
      }
      out.push('', `callers of ${fn}:`);
      for (const [name, us] of [...above].sort((a, b) => b[1] - a[1]).slice(0, top)) out.push(line(us, name));
    }
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

main();
