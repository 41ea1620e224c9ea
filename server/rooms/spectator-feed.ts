// What a room's spectators (viewers) get of its document: its changes held
// back and merged, one frame per spectator at most once per
// SPECTATOR_INTERVAL_MS, after the makers had theirs. A spectator used to get
// every keystroke as its own frame in the makers' turn: with 20 watching each
// maker, their socket writes were most of what the server did, and makers'
// keystrokes queued behind them (docs/benchmarks.md, "Live rooms"). Changes
// the server makes itself (a job's images) go at once, with what was held:
// the events that announce them follow, and must not arrive first.
import type { Logger } from 'pino';
import { mergeAll } from '../../shared/merge-all.ts';
import { canEdit } from '../../shared/protocol.ts';
import { Listeners, type Subscribable } from '../listeners.ts';
import { assertNever, type UpdateOrigin } from './origin.ts';
import { type OutgoingUpdate, syncUpdateMessage } from './outgoing.ts';
import type { Participant, Room, RoomEvents } from './room.ts';

export interface SpectatorUpdate {
  /** The changes held since the last one, merged. */
  update: Uint8Array;
  /** Its y-protocols sync message, encoded once for every recipient. */
  message: Uint8Array;
  /** Makers who get it too: spectators made makers before it went, who never had its changes. */
  alsoTo: ReadonlySet<string>;
}

/** What the transports hear: a room's held changes, for its spectators. */
export interface SpectatorEvents {
  spectatorUpdate?(room: Room, outgoing: SpectatorUpdate): void;
}

export interface SpectatorFeedDeps {
  /** Longest a change waits for a room's spectators; 0 sends each turn's changes at once (after the makers'). */
  intervalMs: number;
  logger: Logger;
  /** SPECTATOR_WRITES_PER_TURN unless given. */
  writesPerTurn?: number;
}

interface Held {
  room: Room;
  parts: Uint8Array[];
  timer: NodeJS.Timeout | undefined;
  /** Its hold ended: it waits in the queue of rooms to send. */
  due: boolean;
}

const NOBODY: ReadonlySet<string> = new Set();

/**
 * Spectators written to in one turn before the rest wait for the next: rooms
 * whose holds end together (a loop that lagged runs every timer due at once)
 * would otherwise write to all their spectators before any maker's next
 * keystroke is read. ~3 ms of socket writes on loopback (bench/write-floor.ts).
 */
export const SPECTATOR_WRITES_PER_TURN = 256;

export class SpectatorFeed implements RoomEvents {
  readonly #deps: SpectatorFeedDeps;
  readonly #events: Listeners<SpectatorEvents>;
  readonly #held = new Map<string, Held>();
  /** Rooms whose hold ended, oldest first, sent SPECTATOR_WRITES_PER_TURN a turn. */
  readonly #queue: Held[] = [];
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
    let held = this.#held.get(room.id);
    // Nobody watching: nothing to keep (a spectator who joins gets the whole document in its sync).
    if (!held && room.spectators === 0) return;
    if (!held) {
      held = { room, parts: [], timer: undefined, due: false };
      this.#held.set(room.id, held);
    }
    held.parts.push(outgoing.update);
    if (this.#deps.intervalMs === 0 || isServerMade(outgoing.origin)) this.#send(held, NOBODY);
    else if (!held.due) held.timer ??= setTimeout(this.#due, this.#deps.intervalMs, held).unref();
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

  #due = (held: Held): void => {
    held.timer = undefined;
    if (this.#held.get(held.room.id) !== held) return;
    held.due = true;
    this.#queue.push(held);
    if (this.#draining) return;
    this.#draining = true;
    setImmediate(this.#drain);
  };

  /** Sends due rooms until the turn's share of writes is spent; the rest go next turn, after what makers sent meanwhile. */
  #drain = (): void => {
    let writes = 0;
    const budget = this.#deps.writesPerTurn ?? SPECTATOR_WRITES_PER_TURN;
    while (writes < budget) {
      const held = this.#queue.shift();
      if (!held) break;
      // Sent meanwhile (the server's own change, a role change, shutdown).
      if (this.#held.get(held.room.id) !== held) continue;
      writes += held.room.spectators;
      this.#send(held, NOBODY);
    }
    if (this.#queue.length > 0) setImmediate(this.#drain);
    else this.#draining = false;
  };

  #send(held: Held, alsoTo: ReadonlySet<string>): void {
    clearTimeout(held.timer);
    this.#held.delete(held.room.id);
    if (held.room.destroyed || held.parts.length === 0) return;
    const update = mergeAll(held.parts);
    this.#events.emit('spectatorUpdate', held.room, { update, message: syncUpdateMessage(update), alsoTo });
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
