// One Socket.IO connection's state on this server, in one small object: the
// socket, its Connection (rooms side), as the SessionSink the rooms side
// writes to, the socket's framing of room messages, and, as the EventContext
// event handlers see (events/event-context.ts), its channels and refusals. Event handlers are made
// once per server and take this object as an argument, so a connection costs
// its state, not a set of closures per event (docs/benchmarks.md, "Memory per
// connection").
import type { PublicUser, WireError } from '../../../shared/protocol.ts';
import { AppError } from '../../errors.ts';
import type { Connection } from '../../rooms/sessions/connection.ts';
import type { RoomSession } from '../../rooms/sessions/room-session.ts';
import type { SessionSink } from '../../rooms/sessions/sink.ts';
import { roomChannel } from '../events/channels.ts';
import { throttledNotice } from '../notice-throttle.ts';
import type { EventContext } from '../events/event-context.ts';
import type { AtelierSocket } from './socketio-server.ts';

export { roomChannel };
/** The room's members that take its document (`yjs:sync`, `yjs:awareness`) over Socket.IO. */
export const docChannel = (roomId: string) => `yjs:${roomId}`;

export class SocketContext implements SessionSink, EventContext {
  readonly socket: AtelierSocket;
  #connection: Connection | undefined;

  constructor(socket: AtelierSocket) {
    this.socket = socket;
  }

  /** The rooms side of this socket; it opens (with this object as its sink) before any event is handled. */
  get connection(): Connection {
    if (!this.#connection) throw new Error('socket context used before its connection opened');
    return this.#connection;
  }

  set connection(connection: Connection) {
    this.#connection = connection;
  }

  get user(): PublicUser | null {
    return this.socket.data.identity?.user ?? null;
  }

  /** The socket's session in a room it joined; `forbidden` when it has not. */
  joined(roomId: string): RoomSession {
    const session = this.connection.session(roomId);
    if (!session) throw new AppError('forbidden', 'join the room first');
    return session;
  }

  join(channel: string): void {
    void this.socket.join(channel);
  }

  leave(channel: string): void {
    void this.socket.leave(channel);
  }

  allow(): boolean {
    return this.connection.allow();
  }

  failed(roomId: string, err: unknown): void {
    this.connection.refuse(roomId, err);
  }

  sync(roomId: string, message: Uint8Array): void {
    this.socket.emit('yjs:sync', roomId, message);
  }

  awareness(roomId: string, message: Uint8Array): void {
    this.socket.emit('yjs:awareness', roomId, message);
  }

  refuse(roomId: string, error: WireError): void {
    this.#notify(roomId, error);
  }

  /** Out of the room; the socket stays connected for its other rooms. */
  left(roomId: string, error: WireError): void {
    void this.socket.leave(roomChannel(roomId));
    void this.socket.leave(docChannel(roomId));
    this.#notify(roomId, error);
    // And its own event: the client stops showing the room rather than retrying (docs/protocol.md).
    this.socket.emit('room:evicted', roomId, error);
  }

  close(error: WireError): void {
    // Sent before the close: engine.io flushes what is queued first.
    this.socket.emit('room:error', '', error);
    this.socket.disconnect(true);
  }

  isOpen(): boolean {
    return this.socket.connected;
  }

  /** Refusals as `room:error`; rate-limit notices throttled (notice-throttle.ts). */
  #notify(roomId: string, error: WireError): void {
    const { socket } = this;
    if (error.code !== 'rate_limited') {
      socket.emit('room:error', roomId, error);
      return;
    }
    throttledNotice(socket.data, () => {
      if (socket.connected) socket.emit('room:error', roomId, error);
    });
  }
}
