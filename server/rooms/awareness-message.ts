// Reading a y-protocols awareness update completely before anything applies it,
// so a truncated or malformed one changes nothing.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { type Awareness, outdatedTimeout, removeAwarenessStates } from 'y-protocols/awareness';
import { canEdit, type PublicUser } from '../../shared/protocol.ts';
import type { Participant } from './room-types.ts';

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

/** What the server says of a participant in each of its awareness states, whatever the client sent. */
export interface PresenceStamp {
  /** A viewer watches, a maker (owner, editor) does not. */
  watching: boolean;
  /** The state's `user` as the web client writes it, from the account (sent only when the state has a `user`). */
  userJson: string;
}

/** Each user record's `user` field as stamped; records are replaced, not changed, when a profile changes. */
const userJsonOf = new WeakMap<PublicUser, string>();

/** The `user` field of the web client's awareness state, as the server stamps it for `user`. */
export function presenceUserJson(user: PublicUser): string {
  let json = userJsonOf.get(user);
  if (json === undefined) {
    const { id, name, color, handle } = user;
    json = JSON.stringify({ id, name, color, colorLight: `${color}33`, ...(handle ? { handle } : {}) });
    userJsonOf.set(user, json);
  }
  return json;
}

/** The stamp for a participant's states, from its role and account. */
export function presenceStamp(participant: Pick<Participant, 'role' | 'user'>): PresenceStamp {
  return { watching: !canEdit(participant.role), userJson: presenceUserJson(participant.user) };
}

/**
 * The entry with `watching` and `user` as the server knows them (so nobody can
 * show themselves as a maker, a spectator or a person they are not); the same
 * entry when it agrees, so an honest client's update goes on as sent.
 */
export function stampPresence(entry: AwarenessEntry, stamp: PresenceStamp): AwarenessEntry {
  if (entry.removed) return entry;
  // readAwarenessUpdate checked it is an object; states are small (maxAwarenessBytes).
  const state = JSON.parse(entry.json) as Record<string, unknown>;
  const userAgrees = !('user' in state) || JSON.stringify(state.user) === stamp.userJson;
  if (state.watching === stamp.watching && userAgrees) return entry;
  const user = userAgrees ? {} : { user: JSON.parse(stamp.userJson) as unknown };
  return { ...entry, json: JSON.stringify({ ...state, watching: stamp.watching, ...user }) };
}

/** The origin reason of restamped's update (relayed to other nodes like a participant's own). */
export const ROLE_RESTAMP = 'role';

/**
 * An update re-stating these clients' states as the stamp says, one clock
 * ahead as if each client had sent it (its provider adopts the state and
 * carries on from that clock); null when none needs it.
 */
export function restamped(awareness: Awareness, clientIds: Iterable<number>, stamp: PresenceStamp): Uint8Array | null {
  const entries: AwarenessEntry[] = [];
  for (const clientId of clientIds) {
    const state = awareness.getStates().get(clientId);
    const clock = awareness.meta.get(clientId)?.clock;
    if (state === undefined || clock === undefined) continue;
    const entry = { clientId, clock: clock + 1, json: JSON.stringify(state), removed: false };
    const stamped = stampPresence(entry, stamp);
    if (stamped !== entry) entries.push(stamped);
  }
  return entries.length > 0 ? encodeAwarenessEntries(entries) : null;
}

/**
 * Drops the presence of clients that have not renewed it for y-protocols'
 * `outdatedTimeout` (open ones renew every 15 s), as y-protocols' own timer
 * per Awareness would.
 */
export function expireOutdated(awareness: Awareness, now: number): void {
  if (awareness.states.size === 0) return;
  const outdated: number[] = [];
  for (const [clientId, meta] of awareness.meta) {
    if (now - meta.lastUpdated >= outdatedTimeout && awareness.states.has(clientId)) outdated.push(clientId);
  }
  if (outdated.length > 0) removeAwarenessStates(awareness, outdated, 'timeout');
}
