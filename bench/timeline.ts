// Making-of sampling cost on the keystroke path: single-character prompt
// transactions (as a participant's typing arrives) on a room with 20 layers,
// without the sampler and with it (frames every TIMELINE_PROMPT_CHARS as
// typing goes on, so frame taking is included). Reports µs per keystroke
// for both (median of 7 alternating rounds), the overhead, and µs per frame taken.
//
//   node bench/timeline.ts [--keys 20000] [--layers 20] [--chars 40] [--json]
import { parseArgs } from 'node:util';
import * as Y from 'yjs';
import { ROOTS } from '../shared/doc-schema.ts';
import type { UpdateOrigin } from '../server/rooms/origin.ts';
import { RoomSampler } from '../server/timeline/room-sampler.ts';

const { values: args } = parseArgs({
  options: {
    keys: { type: 'string', default: '20000' },
    layers: { type: 'string', default: '20' },
    chars: { type: 'string', default: '40' },
    json: { type: 'boolean', default: false },
  },
});
const keys = Number(args.keys);
const layerCount = Number(args.layers);
const promptChars = Number(args.chars);
const origin: UpdateOrigin = { source: 'connection', connectionId: 'c1', userId: 'u1' };

function room(): Y.Doc {
  const doc = new Y.Doc();
  doc.transact(() => {
    const stack = doc.getArray<Y.Map<unknown>>(ROOTS.layers);
    for (let i = 0; i < layerCount; i++) {
      const layer = new Y.Map<unknown>();
      const fields = { id: `l${i}`, name: `layer ${i}`, src: `/media/${i.toString(16).padStart(64, '0')}.png`, visible: true };
      for (const [key, value] of Object.entries({
        ...fields,
        opacity: 1,
        blend: 'normal',
        x: i,
        y: i,
        scale: 1,
        rotation: 0,
        createdBy: 'u1',
      }))
        layer.set(key, value);
      stack.push([layer]);
    }
    doc.getText(ROOTS.prompt).insert(0, 'a prompt already some words long, '.repeat(15));
  });
  return doc;
}

/** µs per keystroke over `keys` single-character transactions. */
function typing(doc: Y.Doc): number {
  const text = doc.getText(ROOTS.prompt);
  const started = performance.now();
  for (let i = 0; i < keys; i++) doc.transact(() => text.insert(text.length, 'x'), origin);
  return ((performance.now() - started) * 1000) / keys;
}

const ROUNDS = 7;
const median = (values: number[]) => values.toSorted((x, y) => x - y)[Math.floor(values.length / 2)] ?? 0;
// Rounds alternate between the two, and each figure is the median round, so
// a busy machine's noise lands on both alike. The first round warms the JIT.
typing(room());
const plainRounds: number[] = [];
const sampledRounds: number[] = [];
let frames = 0;
for (let round = 0; round < ROUNDS; round++) {
  plainRounds.push(typing(room()));
  const doc = room();
  frames = 0;
  const sampler = new RoomSampler(doc, { pauseMs: 60_000, promptChars }, () => frames++);
  sampledRounds.push(typing(doc));
  sampler.dispose();
}
const plain = median(plainRounds);
const sampled = median(sampledRounds);

const result = {
  keys,
  layers: layerCount,
  promptChars,
  usPerKeyPlain: Number(plain.toFixed(3)),
  usPerKeySampled: Number(sampled.toFixed(3)),
  overheadUsPerKey: Number((sampled - plain).toFixed(3)),
  frames,
  usPerFrame: frames === 0 ? 0 : Number((((sampled - plain) * keys) / frames).toFixed(1)),
};
if (args.json) process.stdout.write(`${JSON.stringify(result)}\n`);
else {
  process.stdout.write(
    `${keys} keystrokes, ${layerCount} layers, a frame every ${promptChars} chars (${frames} frames)\n` +
      `  without sampler: ${result.usPerKeyPlain} µs/key\n  with sampler:    ${result.usPerKeySampled} µs/key (+${result.overheadUsPerKey})\n` +
      `  ≈ ${result.usPerFrame} µs per frame taken\n`,
  );
}
