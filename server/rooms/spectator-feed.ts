// What a room's spectators (viewers) get of its document and presence: its
// changes held back and merged, one frame of each per spectator at most once
// per SPECTATOR_INTERVAL_MS, after the makers had theirs. A spectator used to get
// every keystroke as its own frame in the makers' turn: with 20 watching each
// maker, their socket writes were most of what the server did, and makers'
// keystrokes queued behind them (docs/benchmarks.md, "Live rooms"). Changes
// the server makes itself (a job's images) go at once, with what was held:
// the events that announce them follow, and must not arrive first. On other
// nodes those changes come relayed, and are held like anyone's: an event to
// the room sends them first (flushRoom, realtime/events/changes-first.ts).
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { Logger } from 'pino';
import { mergeAll } from '../../shared/merge-all.ts';
import { canEdit } from '../../shared/protocol.ts';
import { Listeners, type Subscribable } from '../listeners.ts';
import { assertNever, type UpdateOrigin } from './origin.ts';
import { type OutgoingUpdate, syncUpdateMessage } from './outgoing.ts';
import type { OutgoingAwareness } from './room-presence.ts';
import type { Participant, Room, RoomEvents } from './room.ts';

export interface SpectatorUpdate {
  /** The document's changes held since the last one, merged; null when only presence changed. */
  update: Uint8Array | null;
  /** Its y-protocols sync message, encoded once for every recipient. */
  message: Uint8Array | null;
  /** One awareness update: the latest state of every client whose presence changed meanwhile; null when none did. */
  presence: Uint8Array | null;
  /** Makers who get it too (with share 0): spectators made makers before it went, who never had its changes. */
  alsoTo: ReadonlySet<string>;
  /** The spectators it is for: those whose connection falls in this share (inShare). */
  share: Share;
}

/** One of `of` shares of a room's spectators, each sent in a turn of its own when the room has more than a turn's writes. */
export interface Share {
  index: number;
  of: number;
}

const EVERYONE: Share = { index: 0, of: 1 };

/** Whether a connection is in the share: by a hash of its id, so every connection is in exactly one, whoever comes and goes. */
export function inShare(connectionId: string, share: Share): boolean {
  if (share.of === 1) return true;
  let hash = 0x811c9dc5;
  for (let i = 0; i < connectionId.length; i++) hash = Math.imul(hash ^ connectionId.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % share.of === share.index;
}

/** What the transports hear: a room's held changes, for its spectators. */
export interface SpectatorEvents {
  spectatorUpdate?(room: Room, outgoing: SpectatorUpdate): void;
}

export interface SpectatorFeedDeps {
  /** Longest a change waits for a room's spectators; 0 sends each turn's changes at once (after the makers'). */
  intervalMs: number;
  logger: Logger;
  /** SPECTATOR_WRITES_PER_TURN (the setting's default) unless given. */
  writesPerTurn?: number;
  /**
   * The turn makers' changes go out in (persistence/turn-end.ts), run before
   * each slice of spectators: a keystroke read in the loop iteration a hold
   * ends in queues its fan-out behind the feed's, and would wait for the
   * slice's writes.
   */
  turn?: { readonly waiting: boolean; run(): void };
}

interface Held {
  kind: 'room';
  room: Room;
  parts: Uint8Array[];
  /** The room's presence updates meanwhile, oldest first (presence-cadence.ts sends them to makers). */
  presence: Uint8Array[];
  timer: NodeJS.Timeout | undefined;
  /** Its hold ended: it waits in the queue of rooms to send. */
  due: boolean;
}

/** A room's held contents, to one share of its spectators. */
interface ShareDue {
  kind: 'share';
  room: Room;
  contents: Omit<SpectatorUpdate, 'share'>;
  share: Share;
}

const NOBODY: ReadonlySet<string> = new Set();

/**
 * Spectators written to in one turn before the rest wait for the next: rooms
 * whose holds end together (a loop that lagged runs every timer due at once),
 * or one room watched by thousands, would otherwise write to all their
 * spectators before any maker's next keystroke is read. 0.3–0.7 ms of socket
 * writes on loopback (5–10 µs each, bench/write-floor.ts): a keystroke that
 * arrives during a slice waits for it, and 256 (1.3–2.6 ms) was as long as
 * the makers' own p99 (docs/benchmarks.md, "Live rooms").
 */
export const SPECTATOR_WRITES_PER_TURN = 64;

export class SpectatorFeed implements RoomEvents {
  readonly #deps: SpectatorFeedDeps;
  readonly #events: Listeners<SpectatorEvents>;
  readonly #held = new Map<string, Held>();
  /** Rooms whose hold ended and their shares, oldest first, sent SPECTATOR_WRITES_PER_TURN a turn. */
  readonly #queue: Array<Held | ShareDue> = [];
  #draining = false;

  constructor(deps: SpectatorFeedDeps) {
    this.#deps = deps;
    this.#events = new Listeners(deps.logger, 'spectator feed');
  }

  get events(): Subscribable<SpectatorEvents> {
    return this.#events;
  }

  /** Rooms with changes waiting for their spectators. */
  get waiting(): number {
    return this.#held.size;
  }

  docUpdate(room: Room, outgoing: OutgoingUpdate): void {
    const held = this.#heldFor(room);
    if (!held) return;
    held.parts.push(outgoing.update);
    if (this.#deps.intervalMs === 0 || isServerMade(outgoing.origin)) this.#send(held, NOBODY);
    else this.#hold(held);
  }

  /** Presence too: cursors move more often than people type, and a crowd watching needs them less often than makers. */
  awarenessUpdate(room: Room, outgoing: OutgoingAwareness): void {
    const held = this.#heldFor(room);
    if (!held) return;
    held.presence.push(outgoing.message);
    if (this.#deps.intervalMs === 0 || aboutSpectators(outgoing.message)) this.#send(held, NOBODY);
    else this.#hold(held);
  }

  /** A spectator made a maker gets what was held back from it now: from here on, it hears the makers' changes only. */
  roleChanged(room: Room, participant: Participant): void {
    const held = this.#held.get(room.id);
    if (held && canEdit(participant.role)) this.#send(held, new Set([participant.connectionId]));
  }

  roomUnloaded(room: Room): void {
    const held = this.#held.get(room.id);
    if (held?.room !== room) return;
    clearTimeout(held.timer);
    this.#held.delete(room.id);
  }

  /** Sends everything held now (shutdown, tests). */
  flush(): void {
    for (const held of [...this.#held.values()]) this.#send(held, NOBODY);
  }

  /**
   * Sends what the room holds for its spectators now, to all of them: an
   * event about to go to the room may refer to it. A job's images made on
   * another node arrive here as relayed changes, held like a participant's,
   * and its `gen:update` must not reach a spectator before them.
   */
  flushRoom(roomId: string): void {
    const held = this.#held.get(roomId);
    if (held) this.#send(held, NOBODY);
    else this.#sendShares(roomId);
  }

  /** What the room holds for its spectators; null when nobody watches (one who joins gets the whole document and presence). */
  #heldFor(room: Room): Held | null {
    let held = this.#held.get(room.id);
    if (held) return held;
    if (room.spectators === 0) return null;
    held = { kind: 'room', room, parts: [], presence: [], timer: undefined, due: false };
    this.#held.set(room.id, held);
    return held;
  }

  #hold(held: Held): void {
    if (!held.due) held.timer ??= setTimeout(this.#due, this.#deps.intervalMs, held).unref();
  }

  #due = (held: Held): void => {
    held.timer = undefined;
    if (this.#held.get(held.room.id) !== held) return;
    held.due = true;
    this.#queue.push(held);
    if (this.#draining) return;
    this.#draining = true;
    setImmediate(this.#drain);
  };

  /**
   * Sends due rooms, a share of a room's spectators at a time, until the
   * turn's writes are spent, after the makers' fan-out of the turn; the rest
   * go next turn, after what makers sent meanwhile.
   */
  #drain = (): void => {
    const { turn } = this.#deps;
    if (turn?.waiting) turn.run();
    let writes = 0;
    const budget = this.#deps.writesPerTurn ?? SPECTATOR_WRITES_PER_TURN;
    while (writes < budget) {
      const next = this.#queue.shift();
      if (!next) break;
      switch (next.kind) {
        case 'room': {
          // Sent meanwhile (the server's own change, a role change, shutdown).
          if (this.#held.get(next.room.id) !== next) break;
          const contents = this.#take(next);
          if (!contents) break;
          const of = Math.max(1, Math.ceil(next.room.spectators / budget));
          const shares = Array.from(
            { length: of },
            (_, index): ShareDue => ({ kind: 'share', room: next.room, contents, share: { index, of } }),
          );
          this.#queue.unshift(...shares);
          break;
        }
        case 'share':
          if (next.room.destroyed) break;
          writes += Math.ceil(next.room.spectators / next.share.of);
          this.#events.emit('spectatorUpdate', next.room, { ...next.contents, share: next.share });
          break;
        default:
          assertNever(next);
      }
    }
    if (this.#queue.length > 0) setImmediate(this.#drain);
    else this.#draining = false;
  };

  /** To every spectator at once (and alsoTo): the server's own change, a role change, an event, shutdown. */
  #send(held: Held, alsoTo: ReadonlySet<string>): void {
    // Older contents still going out share by share go first, or a spectator would get them after these.
    this.#sendShares(held.room.id);
    const contents = this.#take(held, alsoTo);
    if (contents) this.#events.emit('spectatorUpdate', held.room, { ...contents, share: EVERYONE });
  }

  /** The room's shares still waiting in the queue, sent now in their order. */
  #sendShares(roomId: string): void {
    if (this.#queue.length === 0) return;
    for (let i = 0; i < this.#queue.length; ) {
      const entry = this.#queue[i];
      if (entry?.kind !== 'share' || entry.room.id !== roomId) {
        i++;
        continue;
      }
      this.#queue.splice(i, 1);
      if (!entry.room.destroyed) this.#events.emit('spectatorUpdate', entry.room, { ...entry.contents, share: entry.share });
    }
  }

  /** What the room held, merged, and its hold ended; null when there is nothing to send. */
  #take(held: Held, alsoTo = NOBODY): Omit<SpectatorUpdate, 'share'> | null {
    clearTimeout(held.timer);
    this.#held.delete(held.room.id);
    if (held.room.destroyed || (held.parts.length === 0 && held.presence.length === 0)) return null;
    const update = held.parts.length > 0 ? mergeAll(held.parts) : null;
    const presence = held.presence.length > 0 ? latestPresence(held.presence) : null;
    return { update, message: update && syncUpdateMessage(update), presence, alsoTo };
  }
}

/**
 * The server's own changes and the room's stored history go at once: events
 * may announce them (a job's images) right after. Participants' changes, here
 * or on other nodes, wait.
 */
function isServerMade(origin: UpdateOrigin): boolean {
  switch (origin.source) {
    case 'server':
    case 'load':
      return true;
    case 'connection':
    case 'remote':
      return false;
    default:
      return assertNever(origin);
  }
}

const WATCHING = Buffer.from('"watching":true');

/**
 * Whether an awareness update holds a spectator's state (the server stamps
 * each one `watching: true`, awareness-message.ts): its own change, or the
 * server re-stating it one clock ahead (a role or profile change), which its
 * provider must adopt before it changes anything again, or that change comes
 * with a clock the room already has and is dropped. Those go at once; makers'
 * cursors wait.
 */
function aboutSpectators(update: Uint8Array): boolean {
  return Buffer.from(update.buffer, update.byteOffset, update.byteLength).includes(WATCHING);
}

/**
 * Awareness updates merged: each client's entry from the last update that
 * has one (each update holds the latest state of the clients it names, so a
 * later one is never older). Entries are copied as bytes, never decoded.
 */
export function latestPresence(updates: readonly Uint8Array[]): Uint8Array {
  const [only] = updates;
  if (only && updates.length === 1) return only;
  const latest = new Map<number, Uint8Array>();
  for (const update of updates) {
    const decoder = decoding.createDecoder(update);
    const count = decoding.readVarUint(decoder);
    for (let i = 0; i < count; i++) {
      const start = decoder.pos;
      const clientId = decoding.readVarUint(decoder);
      decoding.readVarUint(decoder);
      decoding.readVarUint8Array(decoder);
      // Deleted first, so the entry takes its place among the latest.
      latest.delete(clientId);
      latest.set(clientId, update.subarray(start, decoder.pos));
    }
  }
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, latest.size);
  for (const entry of latest.values()) encoding.writeUint8Array(encoder, entry);
  return encoding.toUint8Array(encoder);
}
