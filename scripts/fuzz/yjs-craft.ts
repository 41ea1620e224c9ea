// Hand-built Yjs updates (format v1, as y-protocols sends them) that decode
// cleanly but lie: structs under another participant's client id at its next
// clock or at clocks the room holds already, clocks far in the future, origins that do not exist, delete ranges
// past 2^53, large pending content, and sync step 2s carrying another's
// structs (with several nodes, each refusal of those makes the node wait for its
// relay and ask again: a flood of them must not cost one wait each). They reach the room's update path, where
// byte mutations mostly stop at the decoder. The state vector a server sends
// in its sync step 1 tells the crafter which client ids and clocks are live.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import type { Random } from './random.ts';

export const CRAFTS = [
  'fresh-insert',
  'spoof-next-clock',
  'replay-known',
  'future-clock',
  'dangling-origin',
  'huge-delete',
  'delete-unknown',
  'big-pending',
  'foreign-step2',
] as const;
export type Craft = (typeof CRAFTS)[number];

const ROOT_NAMES = ['prompt', 'layers', 'candidates', 'meta', 'other'];
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** What the crafter knows of the room: client id → next clock. */
export type StateVector = Map<number, number>;

/**
 * The room as an attacker sees it: a replica fed every sync message the
 * server sends, so crafted updates can name live client ids at their
 * current clocks (a spoof at a stale clock is only a duplicate).
 */
export class RoomView {
  readonly #doc = new Y.Doc();

  /** Takes a y-protocols sync message from the server; a malformed one is ignored. */
  received(syncMessage: Uint8Array): void {
    try {
      syncProtocol.readSyncMessage(decoding.createDecoder(syncMessage), encoding.createEncoder(), this.#doc, 'server');
    } catch {
      // Relayed hostile content this replica cannot take: the next message may still teach something.
    }
  }

  get known(): StateVector {
    return Y.decodeStateVector(Y.encodeStateVector(this.#doc));
  }

  destroy(): void {
    this.#doc.destroy();
  }
}

/** A sync message (`2, varUint8Array(update)`, or `1, …` for a step 2) carrying a crafted update. */
export function craftSyncUpdate(
  random: Random,
  known: StateVector,
  weights: readonly Craft[] = CRAFTS,
): { message: Uint8Array; kind: Craft } {
  const kind = random.pick(weights);
  const update = craft(kind, random, known);
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, kind === 'foreign-step2' ? syncProtocol.messageYjsSyncStep2 : syncProtocol.messageYjsUpdate);
  encoding.writeVarUint8Array(encoder, update);
  return { message: encoding.toUint8Array(encoder), kind };
}

function craft(kind: Craft, random: Random, known: StateVector): Uint8Array {
  const clients = [...known.entries()];
  const someone = (): [number, number] => (clients.length > 0 ? random.pick(clients) : [random.int(1, 2 ** 31), 0]);
  const fresh = random.int(1, 2 ** 32 - 1);
  switch (kind) {
    case 'fresh-insert':
      return item({ client: fresh, clock: 0, text: 'fuzz', root: random.pick(ROOT_NAMES) });
    case 'spoof-next-clock': {
      const [client, clock] = someone();
      return item({ client, clock, text: 'SPOOF', root: 'prompt' });
    }
    case 'replay-known': {
      // Structs the room holds already, sent again under their id (someone else's, mostly): a lie though a no-op.
      const [client, clock] = someone();
      if (clock === 0) return item({ client: fresh, clock: 0, text: 'fuzz', root: 'prompt' });
      const start = random.int(0, clock - 1);
      return item({ client, clock: start, text: 'r'.repeat(random.int(1, clock - start)), root: 'prompt' });
    }
    case 'future-clock': {
      const [client, clock] = someone();
      return item({ client, clock: clock + random.pick([1, 2, 1000, 2 ** 31, MAX_SAFE - 10]), text: 'future', root: 'prompt' });
    }
    case 'dangling-origin': {
      const [client, clock] = someone();
      return item({ client: fresh, clock: 0, text: 'orphan', origin: [client, clock + random.int(1, 1e6)] });
    }
    case 'huge-delete': {
      const [client] = someone();
      return deletes(client, [[random.pick([MAX_SAFE, 2 ** 32, 2 ** 53 - 2]), random.pick([1, 2, MAX_SAFE])]]);
    }
    case 'delete-unknown': {
      const ranges: [number, number][] = Array.from({ length: random.int(1, 50) }, () => [random.int(0, 1e9), random.int(1, 1e6)]);
      return deletes(random.chance(0.5) ? someone()[0] : fresh, ranges);
    }
    case 'foreign-step2': {
      // As a reconnecting client answers a node that lags behind its relay, but sent on purpose and often.
      const [client, clock] = someone();
      if (clock === 0) return item({ client, clock, text: 'SPOOF', root: 'prompt' });
      return item({ client, clock: random.int(0, clock - 1), text: 's', root: 'prompt' });
    }
    case 'big-pending':
      // Waits for a clock that never comes: the room must bound what it keeps for it.
      return item({ client: fresh, clock: random.int(1, 1000), text: 'p'.repeat(random.int(1, 200) * 1024), root: 'prompt' });
  }
}

interface ItemSpec {
  client: number;
  clock: number;
  text: string;
  /** Inserted at the start of this root type when there is no origin. */
  root?: string;
  origin?: [number, number];
}

/** One client, one string item, an empty delete set. */
function item(spec: ItemSpec): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 1);
  encoding.writeVarUint(e, 1);
  encoding.writeVarUint(e, spec.client);
  encoding.writeVarUint(e, spec.clock);
  const CONTENT_STRING = 4;
  const HAS_ORIGIN = 0x80;
  encoding.writeUint8(e, CONTENT_STRING | (spec.origin ? HAS_ORIGIN : 0));
  if (spec.origin) {
    encoding.writeVarUint(e, spec.origin[0]);
    encoding.writeVarUint(e, spec.origin[1]);
  } else {
    encoding.writeVarUint(e, 1);
    encoding.writeVarString(e, spec.root ?? 'prompt');
  }
  encoding.writeVarString(e, spec.text);
  encoding.writeVarUint(e, 0);
  return encoding.toUint8Array(e);
}

/** No structs, a delete set of one client. */
function deletes(client: number, ranges: [number, number][]): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 0);
  encoding.writeVarUint(e, 1);
  encoding.writeVarUint(e, client);
  encoding.writeVarUint(e, ranges.length);
  for (const [clock, len] of ranges) {
    encoding.writeVarUint(e, clock);
    encoding.writeVarUint(e, len);
  }
  return encoding.toUint8Array(e);
}
