// Every realtime connection open on this node, on both transports: how they
// authenticate, and ending them by user or by sign-in session (revocation,
// suspension) whatever carries them. Sessions (server/auth/sessions.ts) see
// it as their OpenConnections.
import type { WireError } from '../../../shared/protocol.ts';
import { AppError, toWireError } from '../../errors.ts';
import type { Participant, Room, RoomEvents } from '../room.ts';
import { Connection, type ConnectionDeps, type ConnectionInit, type Identity } from './connection.ts';

/** Which connections to end: every one of a sign-in session, or of a user. */
export type ConnectionMatch = { sessionId: string } | { userId: string };

/** Resolves a token to who it names; null for a forged, revoked or expired one. */
export interface Authenticator {
  identify(token: unknown): Promise<Identity | null>;
}

export interface ConnectionsDeps extends ConnectionDeps {
  authenticator: Authenticator;
}

export class Connections implements RoomEvents {
  readonly #deps: ConnectionsDeps;
  readonly #open = new Map<string, Connection>();

  constructor(deps: ConnectionsDeps) {
    this.#deps = deps;
  }

  get size(): number {
    return this.#open.size;
  }

  /**
   * Who a token names: null when none was given (anonymous), `unauthorized`
   * when it does not work.
   */
  async authenticate(token: unknown): Promise<Identity | null> {
    if (token === undefined || token === null) return null;
    const identity = await this.#deps.authenticator.identify(token);
    if (!identity) throw new AppError('unauthorized', 'invalid or expired session token');
    return identity;
  }

  /** Registers a connection the transport just accepted. */
  open(init: Omit<ConnectionInit, 'closed'>): Connection {
    const connection = new Connection({ ...init, closed: (c) => this.#open.delete(c.id) }, this.#deps);
    this.#open.set(connection.id, connection);
    return connection;
  }

  get(id: string): Connection | undefined {
    return this.#open.get(id);
  }

  /** Ids of the sign-in sessions with a connection open here. */
  *sessionIds(): Iterable<string> {
    for (const connection of this.#open.values()) if (connection.sessionId !== undefined) yield connection.sessionId;
  }

  /** A room let a participant go: their connection leaves it, whatever transport carries it. */
  evicted(room: Room, participant: Participant, error: AppError): void {
    this.#open.get(participant.connectionId)?.evict(room.id, toWireError(error));
  }

  /** A room wants a participant to send again what it refused (for the moment, or for a gap): a sync step 1 asks for it. */
  syncWanted(room: Room, connectionId: string): void {
    this.#open.get(connectionId)?.session(room.id)?.heal();
  }

  /** Ends the matching connections on every transport, telling each client `error`; how many. */
  end(match: ConnectionMatch, error: WireError): number {
    let ended = 0;
    for (const connection of [...this.#open.values()]) {
      const hit = 'sessionId' in match ? connection.sessionId === match.sessionId : connection.user?.id === match.userId;
      if (!hit) continue;
      connection.end(error);
      ended++;
    }
    return ended;
  }
}
