// Which entries of a participant's awareness update a room takes. Entries for
// clients that belong to someone else are dropped: stale ones quietly (stock
// providers echo every state they hear), newer ones as forgeries. What is
// taken carries the server's own `watching` and `user` (awareness-message.ts).
import type { Awareness } from 'y-protocols/awareness';
import { AppError } from '../errors.ts';
import {
  type AwarenessEntry,
  encodeAwarenessEntries,
  type MalformedAwareness,
  presenceStamp,
  readAwarenessUpdate,
  stampPresence,
} from './awareness-message.ts';
import type { Participant } from './room-types.ts';

/** Awareness client ids one connection may hold (a tab has one; a few for reconnect races). */
export const MAX_AWARENESS_CLIENTS_PER_CONNECTION = 4;
/** States in one awareness update: stock providers relay everyone's, so this bounds a room's presence echo. */
export const MAX_AWARENESS_ENTRIES = 1000;

export interface AwarenessRoom {
  /** Which connection holds each awareness client id. */
  owners: ReadonlyMap<number, string>;
  awareness: Awareness;
  maxStateBytes: number;
}

export interface AcceptedAwareness {
  /** What to apply (the message itself when it passes unchanged), or null. */
  update: Uint8Array | null;
  /** Its entries, as stamped. */
  entries: readonly AwarenessEntry[];
  /** Newer states of clients held by other connections, dropped. */
  forged: number;
}

/** Reads the whole update first: a malformed one (`bad_request`) or an oversized state (`too_large`) changes nothing. */
export function acceptAwareness(message: Uint8Array, participant: Participant, room: AwarenessRoom): AcceptedAwareness {
  let entries: AwarenessEntry[];
  try {
    entries = readAwarenessUpdate(message, MAX_AWARENESS_ENTRIES);
  } catch (err) {
    throw new AppError('bad_request', (err as MalformedAwareness).message, { cause: err });
  }
  const accepted: AwarenessEntry[] = [];
  let forged = 0;
  let claimed = participant.awarenessClients.size;
  // The people list shows spectators apart by `watching`, and names people: the server says both, not the client.
  const stamp = presenceStamp(participant);
  for (const entry of entries) {
    if (entry.json.length > room.maxStateBytes) throw new AppError('too_large', `awareness state over ${room.maxStateBytes} bytes`);
    const owner = room.owners.get(entry.clientId);
    if (owner === participant.connectionId) {
      accepted.push(stampPresence(entry, stamp));
      continue;
    }
    const known = room.awareness.meta.get(entry.clientId)?.clock;
    // Applying it would change nothing: an echo of something we already have.
    if (known !== undefined && entry.clock <= known) continue;
    if (owner !== undefined) {
      forged++;
      continue;
    }
    if (!entry.removed && ++claimed > MAX_AWARENESS_CLIENTS_PER_CONNECTION) {
      throw new AppError('bad_request', 'too many awareness clients on one connection');
    }
    accepted.push(stampPresence(entry, stamp));
  }
  if (accepted.length === 0) return { update: null, entries: accepted, forged };
  const asSent = accepted.length === entries.length && accepted.every((entry, i) => entry === entries[i]);
  return { update: asSent ? message : encodeAwarenessEntries(accepted), entries: accepted, forged };
}
