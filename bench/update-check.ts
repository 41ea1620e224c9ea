// What the update validator (server/rooms/update-check/) costs per update, in
// µs, next to what the room does with the same update anyway (Y.applyUpdate)
// and what it did before (Y.decodeUpdate as a pre-check). The room holds a
// realistic prompt typed by three people and a stack of layers; the updates are
// single keystrokes, a paste, a layer move and a sync step 2 of a late joiner.
//
//   npm run bench:update-check [-- --rounds 5 --updates 5000]
//
// Prints JSON: per kind of update, the mean and p99 µs of each step.
import { parseArgs } from 'node:util';
import * as Y from 'yjs';
import { checkUpdate } from '../server/rooms/update-check/check-update.ts';
import { summarize } from './lib/stats.ts';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    updates: { type: 'string', default: '5000' },
  },
});
const rounds = Number(values.rounds);
const count = Number(values.updates);

/** A room as it is after a while: three typists, a dozen layers. */
function room(): { server: Y.Doc; typist: Y.Doc } {
  const server = new Y.Doc();
  const typists = [new Y.Doc(), new Y.Doc(), new Y.Doc()];
  for (const t of typists) t.on('update', (u: Uint8Array) => Y.applyUpdate(server, u));
  server.on('update', (u: Uint8Array) => {
    for (const t of typists) Y.applyUpdate(t, u);
  });
  const words = 'a watercolour fox in a misty forest at dawn, soft light, '.split('');
  for (let i = 0; i < 1500; i++) {
    const t = typists[i % 3];
    if (!t) continue;
    const text = t.getText('prompt');
    if (i % 7 === 6 && text.length > 0) text.delete(text.length - 1, 1);
    else text.insert(Math.min(text.length, (i * 31) % (text.length + 1)), words[i % words.length] ?? ' ');
  }
  for (let i = 0; i < 12; i++) {
    typists[0]?.getArray<Y.Map<unknown>>('layers').push([new Y.Map<unknown>(Object.entries({ id: `l${i}`, x: i, y: i, opacity: 1 }))]);
  }
  return { server, typist: typists[0] ?? new Y.Doc() };
}

type Kind = 'keystroke' | 'paste' | 'layer-move' | 'step2';

function updates(kind: Kind, typist: Y.Doc, n: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  const collect = (u: Uint8Array) => out.push(u);
  const fresh = new Y.Doc();
  Y.applyUpdate(fresh, Y.encodeStateAsUpdate(typist));
  fresh.on('update', collect);
  const text = fresh.getText('prompt');
  const layers = fresh.getArray<Y.Map<unknown>>('layers');
  for (let i = 0; i < n; i++) {
    if (kind === 'keystroke') text.insert((i * 13) % (text.length + 1), 'k');
    else if (kind === 'paste') text.insert((i * 13) % (text.length + 1), 'pasted words of a longer prompt, ');
    else if (kind === 'layer-move') layers.get(i % layers.length)?.set('x', i);
    else break;
  }
  fresh.off('update', collect);
  // A late joiner's step 2 is the whole document from a client that has it all.
  if (kind === 'step2') for (let i = 0; i < n; i++) out.push(Y.encodeStateAsUpdate(typist));
  return out;
}

const round = (v: number) => Number(v.toFixed(2));

function time(fn: () => void): number {
  const started = performance.now();
  fn();
  return (performance.now() - started) * 1000;
}

const report: Record<string, unknown> = {};
for (const kind of ['keystroke', 'paste', 'layer-move', 'step2'] as const) {
  const check: number[] = [];
  const decode: number[] = [];
  const apply: number[] = [];
  // Round 0 warms the JIT up and is not counted.
  for (let r = 0; r <= rounds; r++) {
    const { server, typist } = room();
    const clockOf = (client: number) => Y.getState(server.store, client);
    const batch = updates(kind, typist, kind === 'step2' ? Math.max(1, count / 50) : count);
    for (const update of batch) {
      if (r === 0) {
        checkUpdate(update, clockOf);
        Y.decodeUpdate(update);
        Y.applyUpdate(server, update);
        continue;
      }
      check.push(time(() => checkUpdate(update, clockOf)));
      decode.push(time(() => Y.decodeUpdate(update)));
      apply.push(time(() => Y.applyUpdate(server, update)));
    }
  }
  const s = (v: number[]) => {
    const { mean, p50, p99, count: n } = summarize(v);
    return { n, meanMicros: round(mean), p50Micros: round(p50), p99Micros: round(p99) };
  };
  report[kind] = { checkUpdate: s(check), decodeUpdateBefore: s(decode), applyUpdate: s(apply) };
}
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
