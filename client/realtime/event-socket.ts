// What the page's controllers need of a connection that carries Atelier's
// events: listen, stop listening, emit (with an acknowledgement as the last
// argument where the event takes one), and whether it is connected. The page's
// Socket.IO connection has it, and so has a room's document WebSocket
// (room-event-socket.ts), so a controller works on either.
import type { Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/protocol.ts';

export interface EventSocketEvents extends ServerToClientEvents {
  /** Connected (again): what the server sends reaches this socket from now on. */
  connect: () => void;
  disconnect: (reason: string) => void;
}

export interface EventSocket {
  readonly connected: boolean;
  on<E extends keyof EventSocketEvents>(event: E, listener: EventSocketEvents[E]): unknown;
  off<E extends keyof EventSocketEvents>(event: E, listener: EventSocketEvents[E]): unknown;
  emit<E extends keyof ClientToServerEvents>(event: E, ...args: Parameters<ClientToServerEvents[E]>): unknown;
}

/**
 * The page's Socket.IO connection seen as an EventSocket. Socket.IO's own
 * typings (reserved events, untyped fallbacks) do not line up with the
 * interface's, though every event is the same: the casts only bridge that.
 */
export function socketIoEvents(socket: Socket<ServerToClientEvents, ClientToServerEvents>): EventSocket {
  return {
    get connected() {
      return socket.connected;
    },
    on: (event, listener) => socket.on(event, listener as never),
    off: (event, listener) => socket.off(event, listener as never),
    emit: (event, ...args) => socket.emit(event, ...args),
  };
}
