// What a room sends on at the end of a turn. Its participants' changes of the
// turn go out merged, one message per recipient whatever the number of
// keystrokes: the more load, the more each message carries. A participant
// that sent part of it gets the rest instead, so nobody receives their own
// keystrokes back (past a few senders it gets the whole merge: applying its
// own changes again changes nothing, and tailoring would cost a merge each).
// A sender's rest is merged only when a transport asks for it, after the
// merge went to everyone else: in a hot room three senders' rests were three
// merges before anyone got anything (docs/benchmarks.md, "Hot room p50").
import { mergeAll } from '../../shared/merge-all.ts';
import { varUintLength, writeVarUint } from '../../shared/var-uint.ts';
import * as syncProtocol from 'y-protocols/sync';
import type { UpdateOrigin } from './origin.ts';

export interface OutgoingUpdate {
  /** The change: one update, or a turn's participant updates merged. */
  update: Uint8Array;
  /** Its y-protocols sync message, encoded once for every recipient. */
  message: Uint8Array;
  /** Where it came from; for a merge, the first part's (every part is a connection's). */
  origin: UpdateOrigin;
  /** Connections that get their rest (restFor) instead of `message`. */
  senders: ReadonlySet<string>;
  /** A sender's rest as a sync message, merged on the first ask (null: nothing left for it). */
  restFor(connectionId: string): Uint8Array | null;
}

type ConnectionOrigin = Extract<UpdateOrigin, { source: 'connection' }>;

export interface Applied {
  update: Uint8Array;
  origin: UpdateOrigin;
}

/** Senders past which each gets the whole merge rather than a merge of the others' parts. */
export const MAX_TAILORED_SENDERS = 4;

const NO_SENDERS: ReadonlySet<string> = new Set();
const NO_REST = (): null => null;

/** y-protocols' update message (its type, the update's length, the update), made in one buffer. */
export function syncUpdateMessage(update: Uint8Array): Uint8Array {
  const length = update.byteLength;
  const message = new Uint8Array(1 + varUintLength(length) + length);
  message[0] = syncProtocol.messageYjsUpdate;
  message.set(update, writeVarUint(message, 1, length));
  return message;
}

/** A turn's changes in the order to send them: each non-participant change alone, then the participants' merged. */
export function outgoingOf(applied: readonly Applied[]): OutgoingUpdate[] {
  const out: OutgoingUpdate[] = [];
  const fromParticipants: Array<{ update: Uint8Array; origin: ConnectionOrigin }> = [];
  for (const { update, origin } of applied) {
    if (origin.source === 'connection') fromParticipants.push({ update, origin });
    // Server changes, relayed and stored ones: each with its own origin, for observers that tell them apart.
    else out.push({ update, message: syncUpdateMessage(update), origin, senders: NO_SENDERS, restFor: NO_REST });
  }
  if (fromParticipants.length > 0) out.push(mergeParticipants(fromParticipants));
  return out;
}

function mergeParticipants(parts: ReadonlyArray<{ update: Uint8Array; origin: ConnectionOrigin }>): OutgoingUpdate {
  const update = mergeAll(parts.map((p) => p.update));
  const [first] = parts;
  if (!first) throw new Error('mergeParticipants needs at least one part');
  const bySender = new Set(parts.map((p) => p.origin.connectionId));
  const message = syncUpdateMessage(update);
  if (bySender.size === 1) return { update, message, origin: first.origin, senders: bySender, restFor: NO_REST };
  if (bySender.size > MAX_TAILORED_SENDERS) return { update, message, origin: first.origin, senders: NO_SENDERS, restFor: NO_REST };
  const rests = new Map<string, Uint8Array>();
  const restFor = (id: string): Uint8Array | null => {
    if (!bySender.has(id)) return null;
    let rest = rests.get(id);
    if (!rest) {
      rest = syncUpdateMessage(mergeAll(parts.filter((p) => p.origin.connectionId !== id).map((p) => p.update)));
      rests.set(id, rest);
    }
    return rest;
  };
  return { update, message, origin: first.origin, senders: bySender, restFor };
}
