// Reading a y-protocols awareness update completely before anything applies it,
// so a truncated or malformed one changes nothing.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { Awareness } from 'y-protocols/awareness';

export interface AwarenessEntry {
  clientId: number;
  clock: number;
  /** The state's JSON text, as sent (or as stamped). */
  json: string;
  removed: boolean;
}

export class MalformedAwareness extends Error {}

/** The entries of an awareness update, or MalformedAwareness. */
export function readAwarenessUpdate(message: Uint8Array, maxEntries: number): AwarenessEntry[] {
  try {
    const decoder = decoding.createDecoder(message);
    const count = decoding.readVarUint(decoder);
    if (count > maxEntries) throw new MalformedAwareness(`more than ${maxEntries} states in one update`);
    const entries: AwarenessEntry[] = [];
    for (let i = 0; i < count; i++) {
      const clientId = decoding.readVarUint(decoder);
      const clock = decoding.readVarUint(decoder);
      const json = decoding.readVarString(decoder);
      const state: unknown = JSON.parse(json);
      if (state !== null && (typeof state !== 'object' || Array.isArray(state))) {
        throw new MalformedAwareness('an awareness state is an object or null');
      }
      entries.push({ clientId, clock, json, removed: state === null });
    }
    if (decoding.hasContent(decoder)) throw new MalformedAwareness('trailing bytes');
    return entries;
  } catch (err) {
    if (err instanceof MalformedAwareness) throw err;
    throw new MalformedAwareness('malformed awareness update', { cause: err });
  }
}

/** An awareness update holding just these entries, byte for byte as they were sent. */
export function encodeAwarenessEntries(entries: readonly AwarenessEntry[]): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, entries.length);
  for (const entry of entries) {
    encoding.writeVarUint(encoder, entry.clientId);
    encoding.writeVarUint(encoder, entry.clock);
    encoding.writeVarString(encoder, entry.json);
  }
  return encoding.toUint8Array(encoder);
}

/**
 * The entry saying `watching` as the server knows it (a viewer watches, a
 * maker does not), whatever the client claimed; the same entry when it agrees.
 */
export function stampWatching(entry: AwarenessEntry, watching: boolean): AwarenessEntry {
  if (entry.removed) return entry;
  // readAwarenessUpdate checked it is an object; states are small (maxAwarenessBytes).
  const state = JSON.parse(entry.json) as Record<string, unknown>;
  if (state.watching === watching) return entry;
  return { ...entry, json: JSON.stringify({ ...state, watching }) };
}

/** The origin reason of restampedWatching's update (relayed to other nodes like a participant's own). */
export const ROLE_RESTAMP = 'role';

/**
 * An update re-stating these clients' states with `watching` as given, one
 * clock ahead as if each client had sent it (its provider adopts the state and
 * carries on from that clock); null when none needs it.
 */
export function restampedWatching(awareness: Awareness, clientIds: Iterable<number>, watching: boolean): Uint8Array | null {
  const entries: AwarenessEntry[] = [];
  for (const clientId of clientIds) {
    const state = awareness.getStates().get(clientId);
    const clock = awareness.meta.get(clientId)?.clock;
    if (state === undefined || clock === undefined || state.watching === watching) continue;
    entries.push(stampWatching({ clientId, clock: clock + 1, json: JSON.stringify(state), removed: false }, watching));
  }
  return entries.length > 0 ? encodeAwarenessEntries(entries) : null;
}
