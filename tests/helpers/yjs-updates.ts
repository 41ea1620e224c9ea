// Yjs v1 updates and sync messages built by hand, struct by struct, for the
// hostile cases a real Y.Doc never writes (future clocks, forged client ids,
// dangling origins, impossible delete ranges).
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';

export type Id = readonly [client: number, clock: number];

export type Struct =
  | { kind: 'string'; text: string; origin?: Id; rightOrigin?: Id; parent?: string | Id }
  | { kind: 'gc'; len: number }
  | { kind: 'deleted'; len: number; parent?: string }
  | { kind: 'skip'; len: number };

export interface Run {
  client: number;
  clock: number;
  structs: Struct[];
}

export interface Deletes {
  client: number;
  ranges: readonly (readonly [clock: number, len: number])[];
}

const KIND = { gc: 0, deleted: 1, string: 4, skip: 10 } as const;

export function buildUpdate(runs: Run[], deletes: Deletes[] = []): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, runs.length);
  for (const run of runs) {
    encoding.writeVarUint(e, run.structs.length);
    encoding.writeVarUint(e, run.client);
    encoding.writeVarUint(e, run.clock);
    for (const s of run.structs) writeStruct(e, s);
  }
  encoding.writeVarUint(e, deletes.length);
  for (const d of deletes) {
    encoding.writeVarUint(e, d.client);
    encoding.writeVarUint(e, d.ranges.length);
    for (const [clock, len] of d.ranges) {
      encoding.writeVarUint(e, clock);
      encoding.writeVarUint(e, len);
    }
  }
  return encoding.toUint8Array(e);
}

function writeStruct(e: encoding.Encoder, s: Struct): void {
  if (s.kind === 'gc' || s.kind === 'skip') {
    encoding.writeUint8(e, KIND[s.kind]);
    encoding.writeVarUint(e, s.len);
    return;
  }
  const origin = s.kind === 'string' ? s.origin : undefined;
  const rightOrigin = s.kind === 'string' ? s.rightOrigin : undefined;
  encoding.writeUint8(e, KIND[s.kind] | (origin ? 0x80 : 0) | (rightOrigin ? 0x40 : 0));
  if (origin) writeId(e, origin);
  if (rightOrigin) writeId(e, rightOrigin);
  if (!origin && !rightOrigin) {
    const parent = s.parent ?? 'prompt';
    if (typeof parent === 'string') {
      encoding.writeVarUint(e, 1);
      encoding.writeVarString(e, parent);
    } else {
      encoding.writeVarUint(e, 0);
      writeId(e, parent);
    }
  }
  if (s.kind === 'string') encoding.writeVarString(e, s.text);
  else encoding.writeVarUint(e, s.len);
}

function writeId(e: encoding.Encoder, [client, clock]: Id): void {
  encoding.writeVarUint(e, client);
  encoding.writeVarUint(e, clock);
}

/** A y-protocols sync message (an update unless `type` says otherwise), as Socket.IO's `yjs:sync` carries it. */
export function syncUpdateMessage(update: Uint8Array, type: number = syncProtocol.messageYjsUpdate): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, type);
  encoding.writeVarUint8Array(e, update);
  return encoding.toUint8Array(e);
}

/** The same, framed for the Yjs WebSocket (message type 0: sync). */
export function wsSyncFrame(syncMessage: Uint8Array): Uint8Array {
  return Uint8Array.from([0, ...syncMessage]);
}

/** Finding 3 of issue 18, verbatim: a delete of client 5's range [2^53 − 1, +2]. */
export const HUGE_DELETE_MESSAGE = Uint8Array.from(Buffer.from('020f00010502ffffffffffffff0f020101', 'hex'));
