// A room's presence bookkeeping: which connection holds each awareness client
// id, and what of the presence goes out next (when: presence-cadence.ts, at
// most once an interval). Like document updates (outgoing.ts), the changes
// since the last publish go out as one awareness update per recipient,
// whatever the number of cursor moves: each change sent
// on its own cost one socket write per recipient (~12 µs of server CPU on
// loopback, bench/write-floor.ts), and cursors move far more often than
// people type. The update holds the latest state of each client changed, read
// from the room's Awareness when it is sent (so the newest clock wins), and a
// participant whose own change is part of it gets the rest instead, as it
// would have had nothing of its own back change by change.
import * as encoding from 'lib0/encoding';
import type { Awareness } from 'y-protocols/awareness';
import { type AwarenessEntry, ROLE_RESTAMP } from './awareness-message.ts';
import type { UpdateOrigin } from './origin.ts';
import { MAX_TAILORED_SENDERS } from './outgoing.ts';
import type { Participant } from './room-types.ts';

export interface AwarenessChanges {
  added: number[];
  updated: number[];
  removed: number[];
}

export interface OutgoingAwareness {
  /** One y-protocols awareness update: the latest state (null: removed) of every client changed this turn, encoded once. */
  message: Uint8Array;
  /** Connections whose own changes are part of it → the update without them (null: nothing else changed). */
  senders: ReadonlyMap<string, Uint8Array | null>;
  /**
   * Its entries other nodes need (the relay's): this node's participants'
   * changes and the server's re-statements of them; null when none. Other
   * nodes' changes came from them, and expiries happen on every node alike.
   */
  relayed: Uint8Array | null;
}

const NO_SENDERS: ReadonlyMap<string, Uint8Array | null> = new Map();

export class RoomPresence {
  /** Which connection may speak for each awareness client id. */
  readonly owners = new Map<number, string>();
  /**
   * Clients changed since the last publish → the connection whose change was
   * the latest (null: the server's re-statement, another node's, an expiry:
   * everyone gets those, the client's own connection included), and the
   * state's JSON as the participant's update carried it (null: encode it).
   */
  readonly #changed = new Map<number, { sender: string | null; json: string | null; relayed: boolean }>();
  /** The entries of the participant update being applied, by client id. */
  #applying: ReadonlyMap<number, string> | null = null;

  /** Applies a participant's accepted entries (`apply`), remembering their JSON for the turn's update. */
  applying(entries: readonly AwarenessEntry[], apply: () => void): void {
    const byClient = new Map(entries.map((entry) => [entry.clientId, entry.json]));
    // A client twice in one update: which entry y-protocols kept is its business; the state is encoded anew.
    this.#applying = byClient.size === entries.length ? byClient : null;
    try {
      apply();
    } finally {
      this.#applying = null;
    }
  }

  /** Notes who holds the ids a change added and forgets removed ones; the ids changed. */
  record({ added, updated, removed }: AwarenessChanges, origin: UpdateOrigin, participants: ReadonlyMap<string, Participant>): number[] {
    if (origin.source === 'connection') {
      const participant = participants.get(origin.connectionId);
      for (const id of added.concat(updated)) {
        if (participant && !this.owners.has(id)) {
          this.owners.set(id, participant.connectionId);
          participant.awarenessClients.add(id);
        }
      }
    }
    for (const id of removed) {
      const owner = this.owners.get(id);
      if (owner !== undefined) participants.get(owner)?.awarenessClients.delete(id);
      this.owners.delete(id);
    }
    return added.concat(updated, removed);
  }

  /** Queues changed clients for the next publish (the caller schedules it: presence-cadence.ts). */
  queue(clients: readonly number[], origin: UpdateOrigin): void {
    const sender = origin.source === 'connection' ? origin.connectionId : null;
    const relayed = sender !== null || (origin.source === 'server' && origin.reason === ROLE_RESTAMP);
    for (const id of clients) this.#changed.set(id, { sender, json: this.#applying?.get(id) ?? null, relayed });
  }

  /** What to send of the queued changes, or null; empties the queue. */
  take(awareness: Awareness): OutgoingAwareness | null {
    const changed = [...this.#changed].filter(([clientId]) => awareness.meta.has(clientId));
    this.#changed.clear();
    if (changed.length === 0) return null;
    // One encoder for the whole update; each entry's bytes are a slice of it, for the senders' rests.
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, changed.length);
    const bounds: number[] = [];
    const senders = new Set<string>();
    let relayedCount = 0;
    for (const [clientId, { sender, json, relayed }] of changed) {
      if (relayed) relayedCount++;
      bounds.push(encoding.length(encoder));
      encoding.writeVarUint(encoder, clientId);
      encoding.writeVarUint(encoder, awareness.meta.get(clientId)?.clock ?? 0);
      encoding.writeVarString(encoder, json ?? JSON.stringify(awareness.states.get(clientId) ?? null));
      if (sender !== null) senders.add(sender);
    }
    bounds.push(encoding.length(encoder));
    const message = encoding.toUint8Array(encoder);
    const slices = (keep: (entry: { sender: string | null; relayed: boolean }) => boolean): Uint8Array[] => {
      const kept: Uint8Array[] = [];
      changed.forEach(([, entry], i) => {
        if (keep(entry)) kept.push(message.subarray(bounds[i], bounds[i + 1]));
      });
      return kept;
    };
    const relayed = relayedCount === changed.length ? message : relayedCount > 0 ? joinEntries(slices((e) => e.relayed)) : null;
    // Past a few senders each gets the whole update, its own entries
    // included, rather than a copy per sender (n senders, n² entries). That is
    // harmless: y-protocols' applyAwarenessUpdate takes an entry only if its
    // clock is above the one the receiver holds for that client (or equal, for
    // a removal of a state it still has), and a client's own clock is always
    // at least the clock of anything it sent, its state being present as long
    // as it is connected; so its own entries change nothing and emit nothing.
    if (senders.size === 0 || senders.size > MAX_TAILORED_SENDERS) return { message, senders: NO_SENDERS, relayed };
    const rests = new Map<string, Uint8Array | null>();
    for (const sender of senders) {
      const others = slices((e) => e.sender !== sender);
      rests.set(sender, others.length > 0 ? joinEntries(others) : null);
    }
    return { message, senders: rests, relayed };
  }
}

/** An awareness update of these encoded entries: their count, then each. */
function joinEntries(entries: readonly Uint8Array[]): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, entries.length);
  for (const entry of entries) encoding.writeUint8Array(encoder, entry);
  return encoding.toUint8Array(encoder);
}
