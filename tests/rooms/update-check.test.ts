// The update validator on its own: the hostile shapes of issue 18 are refused
// with UpdateRefused, honest traffic always passes, and whatever a mutation
// does, an update either is refused or integrates whole without breaking the doc.
import fc from 'fast-check';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { checkUpdate, MAX_CLOCK, UpdateRefused } from '../../server/rooms/update-check/check-update.ts';
import { buildUpdate, HUGE_DELETE_MESSAGE } from '../helpers/yjs-updates.ts';

const clockOfDoc = (doc: Y.Doc) => (client: number) => Y.getState(doc.store, client);

/** A server doc holding "hello" typed by client 1. */
function serverDoc(): Y.Doc {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, buildUpdate([{ client: 1, clock: 0, structs: [{ kind: 'string', text: 'hello' }] }]));
  return doc;
}

function refused(doc: Y.Doc, update: Uint8Array): string {
  try {
    checkUpdate(update, clockOfDoc(doc));
  } catch (err) {
    expect(err).toBeInstanceOf(UpdateRefused);
    return (err as Error).message;
  }
  throw new Error('the update was accepted');
}

describe('checkUpdate refuses', () => {
  it("finding 3: a delete range at 2^53 − 1 (the 17-byte message's update)", () => {
    // The message is [type 2, length 15, update…].
    const update = HUGE_DELETE_MESSAGE.subarray(2);
    expect(refused(serverDoc(), update)).toMatch(/out of bounds/);
  });

  it('finding 4: deletes of ranges that do not exist, structs whose origins never arrive', () => {
    const doc = serverDoc();
    expect(refused(doc, buildUpdate([], [{ client: 1, ranges: [[3, 5]] }]))).toMatch(/does not exist/);
    expect(refused(doc, buildUpdate([], [{ client: 99, ranges: [[0, 1]] }]))).toMatch(/does not exist/);
    expect(refused(doc, buildUpdate([{ client: 2, clock: 0, structs: [{ kind: 'string', text: 'x', origin: [7, 0] }] }]))).toMatch(
      /does not exist/,
    );
    expect(refused(doc, buildUpdate([{ client: 2, clock: 0, structs: [{ kind: 'string', text: 'x', parent: [1, 40] }] }]))).toMatch(
      /does not exist/,
    );
  });

  it('finding 5: structs at future clocks, or depending on their own future clock', () => {
    const doc = serverDoc();
    expect(refused(doc, buildUpdate([{ client: 1, clock: 9, structs: [{ kind: 'string', text: 'x' }] }]))).toMatch(/expected 5/);
    const ownFuture = buildUpdate([
      {
        client: 2,
        clock: 0,
        structs: [
          { kind: 'string', text: 'ok' },
          { kind: 'string', text: 'x', origin: [2, 4] },
          { kind: 'string', text: 'yz' },
        ],
      },
    ]);
    expect(refused(doc, ownFuture)).toMatch(/own client/);
  });

  it('skips, duplicated clients, empty structs, huge clocks, unknown content, trailing bytes, cycles', () => {
    const doc = serverDoc();
    const str = (text: string) => ({ kind: 'string', text }) as const;
    expect(refused(doc, buildUpdate([{ client: 2, clock: 0, structs: [str('a'), { kind: 'skip', len: 3 }, str('b')] }]))).toMatch(/skip/);
    expect(
      refused(
        doc,
        buildUpdate([
          { client: 2, clock: 0, structs: [str('a')] },
          { client: 2, clock: 1, structs: [str('b')] },
        ]),
      ),
    ).toMatch(/twice/);
    expect(refused(doc, buildUpdate([{ client: 2, clock: 0, structs: [str('')] }]))).toMatch(/empty/);
    expect(refused(doc, buildUpdate([{ client: 2, clock: 0, structs: [{ kind: 'gc', len: MAX_CLOCK + 1 }] }]))).toMatch(/past/);
    expect(refused(doc, buildUpdate([{ client: 2 ** 40, clock: 0, structs: [str('a')] }]))).toMatch(/client id/);
    expect(refused(doc, Uint8Array.from([1, 1, 2, 0, 0x1f, 0]))).toMatch(/malformed|unknown/);
    expect(refused(doc, Uint8Array.from([...buildUpdate([{ client: 2, clock: 0, structs: [str('a')] }]), 0]))).toMatch(/trailing/);
    const cycle = buildUpdate([
      { client: 2, clock: 0, structs: [{ kind: 'string', text: 'a', origin: [3, 0] }] },
      { client: 3, clock: 0, structs: [{ kind: 'string', text: 'b', origin: [2, 0] }] },
    ]);
    expect(refused(doc, cycle)).toMatch(/cycle/);
  });

  it('accepts what is whole: references within the same update, across clients, without a cycle', () => {
    const doc = serverDoc();
    const update = buildUpdate(
      [
        { client: 3, clock: 0, structs: [{ kind: 'string', text: 'b', origin: [2, 1] }] },
        { client: 2, clock: 0, structs: [{ kind: 'string', text: 'ab', origin: [1, 4] }] },
      ],
      [{ client: 1, ranges: [[0, 2]] }],
    );
    expect(checkUpdate(update, clockOfDoc(doc))).toEqual({ writers: [3, 2], echoes: [], structs: 2, deletes: 1, fresh: true });
    Y.applyUpdate(doc, update);
    expect(doc.store.pendingStructs).toBeNull();
    expect(doc.getText('prompt').toString()).toBe('llo' + 'ab' + 'b');
  });
});

// Honest traffic: several replicas edit text, arrays and maps at random and
// send each transaction's update to a server replica, in their own order.
type Op =
  | { kind: 'insert'; who: number; at: number; text: string }
  | { kind: 'delete'; who: number; at: number; len: number }
  | { kind: 'layer'; who: number; key: string; value: number }
  | { kind: 'unlayer'; who: number; at: number }
  | { kind: 'deliver'; who: number }
  | { kind: 'step2'; who: number };

const WHO = 3;
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('insert' as const),
    who: fc.nat(WHO - 1),
    at: fc.nat(40),
    text: fc.string({ minLength: 1, maxLength: 6 }),
  }),
  fc.record({ kind: fc.constant('delete' as const), who: fc.nat(WHO - 1), at: fc.nat(40), len: fc.integer({ min: 1, max: 5 }) }),
  fc.record({ kind: fc.constant('layer' as const), who: fc.nat(WHO - 1), key: fc.constantFrom('x', 'y', 'name'), value: fc.integer() }),
  fc.record({ kind: fc.constant('unlayer' as const), who: fc.nat(WHO - 1), at: fc.nat(5) }),
  fc.record({ kind: fc.constant('deliver' as const), who: fc.nat(WHO - 1) }),
  fc.record({ kind: fc.constant('step2' as const), who: fc.nat(WHO - 1) }),
);

interface Replica {
  doc: Y.Doc;
  outbox: Uint8Array[];
}

/** Runs the ops; every update the server receives goes through `receive`, with its sender's client id. */
function play(ops: Op[], receive: (server: Y.Doc, update: Uint8Array, sender: number) => void): { server: Y.Doc; replicas: Replica[] } {
  const server = new Y.Doc();
  const replicas: Replica[] = Array.from({ length: WHO }, () => ({ doc: new Y.Doc(), outbox: [] }));
  for (const r of replicas) r.doc.on('update', (u: Uint8Array, origin: unknown) => origin !== 'server' && r.outbox.push(u));
  const fanOut = (update: Uint8Array) => {
    for (const r of replicas) Y.applyUpdate(r.doc, update, 'server');
  };
  server.on('update', fanOut);
  for (const op of ops) {
    const r = replicas[op.who];
    if (!r) continue;
    const text = r.doc.getText('prompt');
    const layers = r.doc.getArray<Y.Map<number>>('layers');
    switch (op.kind) {
      case 'insert':
        text.insert(Math.min(op.at, text.length), op.text);
        break;
      case 'delete':
        if (text.length > 0)
          text.delete(Math.min(op.at, text.length - 1), Math.min(op.len, text.length - Math.min(op.at, text.length - 1)));
        break;
      case 'layer':
        if (layers.length > 0 && op.value % 2 === 0) layers.get(Math.abs(op.value) % layers.length).set(op.key, op.value);
        else layers.push([new Y.Map(Object.entries({ [op.key]: op.value }))]);
        break;
      case 'unlayer':
        if (layers.length > 0) layers.delete(op.at % layers.length);
        break;
      case 'deliver': {
        const update = r.outbox.shift();
        if (update) receive(server, update, r.doc.clientID);
        break;
      }
      case 'step2':
        receive(server, Y.encodeStateAsUpdate(r.doc, Y.encodeStateVector(server)), r.doc.clientID);
        break;
    }
  }
  return { server, replicas };
}

/** Moves the first run of a (well-formed) update to another start clock. */
function shiftFirstClock(bytes: number[], shift: number): number[] {
  try {
    const d = decoding.createDecoder(Uint8Array.from(bytes));
    if (decoding.readVarUint(d) === 0) return bytes;
    decoding.readVarUint(d);
    decoding.readVarUint(d);
    const at = d.pos;
    const clock = decoding.readVarUint(d);
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, Math.max(0, Math.min(2 ** 53 - 1, clock + shift)));
    return [...bytes.slice(0, at), ...encoding.toUint8Array(e), ...bytes.slice(d.pos)];
  } catch {
    return bytes;
  }
}

/** Adds a delete set entry of its own (a well-formed update's delete set ends it). */
function withDeletes(bytes: number[], client: number, clock: number, len: number): number[] {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 1);
  encoding.writeVarUint(e, client % 4);
  encoding.writeVarUint(e, 1);
  encoding.writeVarUint(e, Math.abs(clock));
  encoding.writeVarUint(e, len);
  // Replaces an empty delete set (a trailing 0) when there is one.
  return [...(bytes[bytes.length - 1] === 0 ? bytes.slice(0, -1) : bytes), ...encoding.toUint8Array(e)];
}

/**
 * Whether the room would take it from `sender`: it passes the checks and
 * creates structs under the sender's own client id only (the room's ownership
 * rule; without it a forged id collides with another replica's unsent edits).
 */
function passes(doc: Y.Doc, update: Uint8Array, sender: number): boolean {
  try {
    return checkUpdate(update, clockOfDoc(doc)).writers.every((client) => client === sender);
  } catch (err) {
    expect(err).toBeInstanceOf(UpdateRefused);
    return false;
  }
}

describe('checkUpdate properties', () => {
  it('honest updates from random edit sequences always pass and leave nothing pending', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 80 }), (ops) => {
        const { server, replicas } = play(ops, (doc, update, sender) => {
          expect(checkUpdate(update, clockOfDoc(doc)).writers.every((client) => client === sender)).toBe(true);
          Y.applyUpdate(doc, update);
          expect(doc.store.pendingStructs).toBeNull();
          expect(doc.store.pendingDs).toBeNull();
        });
        // Once every replica has sent what it has, all agree.
        for (const r of replicas) {
          const rest = Y.encodeStateAsUpdate(r.doc, Y.encodeStateVector(server));
          checkUpdate(rest, clockOfDoc(server));
          Y.applyUpdate(server, rest);
        }
        for (const r of replicas) expect(r.doc.getText('prompt').toString()).toBe(server.getText('prompt').toString());
      }),
      { numRuns: 150 },
    );
  });

  it('mutated updates are refused, or integrate whole and leave a doc that still encodes and edits', () => {
    const mutation = fc.record({
      index: fc.nat(),
      kind: fc.constantFrom('set', 'insert', 'remove', 'big', 'clock', 'deletes'),
      byte: fc.integer({ min: 0, max: 255 }),
      shift: fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constant(2 ** 53 - 1)),
    });
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 40 }), fc.array(mutation, { minLength: 1, maxLength: 4 }), (ops, mutations) => {
        play(ops, (doc, update, sender) => {
          let bytes = [...update];
          for (const m of mutations) {
            const at = m.index % (bytes.length + 1);
            if (m.kind === 'clock') bytes = shiftFirstClock(bytes, m.shift);
            else if (m.kind === 'deletes') bytes = withDeletes(bytes, m.index, m.shift, m.byte);
            else if (m.kind === 'set') bytes[at] = m.byte;
            else if (m.kind === 'insert') bytes.splice(at, 0, m.byte);
            else if (m.kind === 'remove') bytes.splice(at, 1);
            else bytes.splice(at, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f);
          }
          const mutated = Uint8Array.from(bytes);
          const before = Y.encodeStateAsUpdate(doc);
          if (!passes(doc, mutated, sender)) {
            // Refused: the original goes on (if an earlier mutation left it valid).
            if (passes(doc, update, sender)) Y.applyUpdate(doc, update);
            return;
          }
          Y.applyUpdate(doc, mutated);
          expect(doc.store.pendingStructs).toBeNull();
          expect(doc.store.pendingDs).toBeNull();
          // The doc still encodes both ways and merges with what it had (finding 3 broke exactly this).
          Y.mergeUpdatesV2([Y.encodeStateAsUpdateV2(doc), Y.convertUpdateFormatV1ToV2(before)]);
          Y.mergeUpdates([Y.encodeStateAsUpdate(doc), before]);
          const probe = new Y.Doc();
          probe.getText('prompt').insert(0, 'still editable');
          Y.applyUpdate(doc, Y.encodeStateAsUpdate(probe));
          expect(doc.store.pendingStructs).toBeNull();
        });
      }),
      { numRuns: 300 },
    );
  });
});
