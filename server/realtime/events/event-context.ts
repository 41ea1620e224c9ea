// What an event handler sees of the connection that sent the event, whatever
// carries it: a Socket.IO socket (socketio/socket-context.ts) or a Yjs
// WebSocket that opted into events (yjs-websocket/event-socket.ts). Handlers
// are written once against this and served on both transports.
import type { PublicUser } from '../../../shared/protocol.ts';
import type { Connection } from '../../rooms/sessions/connection.ts';
import type { RoomSession } from '../../rooms/sessions/room-session.ts';

export interface EventContext {
  /** The rooms side of the connection (rate, rooms joined, identity). */
  readonly connection: Connection;
  /** Who the connection's token names; null when anonymous. */
  readonly user: PublicUser | null;
  /** The connection's session in a room it joined; `forbidden` when it has not. */
  joined(roomId: string): RoomSession;
  /** Puts the connection on a broadcast channel (events/broadcast.ts); idempotent. */
  join(channel: string): void;
  leave(channel: string): void;
  /**
   * Takes the event from the connection's message rate; false (the client
   * told) over it. A transport that counted the frame as it arrived says true.
   */
  allow(): boolean;
  /** False once the client went away. */
  isOpen(): boolean;
  /**
   * An event sent without an acknowledgement was refused (`err` as thrown):
   * the client hears it as its transport tells errors (a `room:error`).
   */
  failed(roomId: string, err: unknown): void;
}
