// The shapes around a Room: its limits, a participant, what it tells its
// listeners and what it is built with. Apart from room.ts so that file keeps
// to the Room itself; room.ts re-exports them.
import type { Logger } from 'pino';
import type { PublicUser, Role } from '../../shared/protocol.ts';
import type { AppError } from '../errors.ts';
import type { Listeners } from '../listeners.ts';
import type { ClaimSource } from './client-owners.ts';
import type { UpdateOrigin } from './origin.ts';
import type { OutgoingUpdate } from './outgoing.ts';
import type { OutgoingAwareness } from './room-presence.ts';
import type { IntervalWheel } from './presence-cadence.ts';
import type { DocSaver } from './persistence/doc-saver.ts';
import type { TurnEnd } from './persistence/turn-end.ts';
import type { Room } from './room.ts';

export interface RoomLimits {
  maxDocBytes: number;
  /** Pending Yjs state a room may hold (DEFAULT_MAX_PENDING_BYTES unless given). */
  maxPendingBytes?: number;
  maxAwarenessBytes: number;
  /** Owner and editors. */
  maxParticipantsPerRoom: number;
  /** Viewers, counted apart so a crowd watching a listed room cannot lock its makers out. */
  maxSpectatorsPerRoom: number;
}

export interface Participant {
  connectionId: string;
  user: PublicUser;
  role: Role;
  transport: string;
  joinedAt: number;
  awarenessClients: Set<number>;
}

/**
 * What rooms tell their listeners: each Room its changes, with their origin;
 * the registry each room's load and unload. One listener may hear both (the
 * relay does), and one that throws is logged and skipped (server/listeners.ts).
 */
export interface RoomEvents {
  /** A room just loaded, before its first participant joins; awaited in turn. */
  roomLoaded?(room: Room): void | Promise<void>;
  /** A room left memory, its log flushed. */
  roomUnloaded?(room: Room): void;
  /**
   * A change just applied to the doc, inside its transaction's update event
   * (bookkeeping that must see the doc exactly as the change left it).
   */
  docApplied?(room: Room, update: Uint8Array, origin: UpdateOrigin): void;
  /**
   * A change to send on, at the end of the turn, once it has been handed to
   * the log (fan-out). Participants' changes of one turn arrive merged.
   */
  docUpdate?(room: Room, outgoing: OutgoingUpdate): void;
  /**
   * The awareness changes to send on (fan-out, the relay), at the end of a
   * turn like docUpdate but at most once an interval (presence-cadence.ts):
   * the latest state of each client changed since the last (room-presence.ts).
   */
  awarenessUpdate?(room: Room, outgoing: OutgoingAwareness): void;
  /** A participant's role changed while connected (the owner granted or revoked editing). */
  roleChanged?(room: Room, participant: Participant): void;
  /**
   * The participant may no longer be here (the room was unlisted, closed or
   * deleted): the transport that carries the connection lets it go.
   */
  evicted?(room: Room, participant: Participant, error: AppError): void;
  /**
   * The room refused a participant's update only for the moment (its client
   * id's owner was being looked up), or for a gap (it depends on something
   * of theirs the room lacks): ask that connection, with the room's sync
   * step 1, for what the room lacks; its answer brings it.
   */
  syncWanted?(room: Room, connectionId: string): void;
}

export interface RoomDeps {
  limits: RoomLimits;
  saver: DocSaver;
  /** Shared by every room of the registry, so a listener added later hears rooms already open. */
  events: Listeners<RoomEvents>;
  logger: Logger;
  /** When this turn's changes are stored and then sent (the process's own unless given). */
  turn?: TurnEnd;
  /** Where its presence intervals run (the process's own unless given). */
  presenceWheel?: IntervalWheel;
  /** Who owns the room's client ids (none known unless given: every id is claimed by its first writer). */
  claims?: ClaimSource;
}
