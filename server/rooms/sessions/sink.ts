// What a transport gives the room side for one client connection: a small
// sink, as tldraw's TLSyncRoom sees only `{isOpen, sendMessage, close}`. The
// transport keeps framing (Socket.IO events, y-websocket message types) and
// fan-out; everything about the participant's life is in Connection and
// RoomSession, the same for every transport.
import type { WireError } from '../../../shared/protocol.ts';

export interface SessionSink {
  /** One y-protocols sync message (step 1, step 2 or update) for the client, in the room. */
  sync(roomId: string, message: Uint8Array): void;
  /** One y-protocols awareness update for the client, in the room. */
  awareness(roomId: string, message: Uint8Array): void;
  /**
   * A message of the client's was refused. The transport decides what the
   * client hears: Socket.IO a (throttled) `room:error`, the Yjs WebSocket a
   * permission-denied message for `forbidden` and a close for anything else.
   */
  /**
   * `healing`: the refusal is one the room heals by itself (a drop for rate or
   * size, an update depending on one of the client's that the room lacks): a
   * sync step 1 follows, whose answer fills the gap, so the connection must
   * stay (y-websocket's provider never reconnects after a 44xx close).
   */
  refuse(roomId: string, error: WireError, healing?: boolean): void;
  /**
   * The server took the client out of the room (evicted), telling it why:
   * Socket.IO leaves the room's channel and sends `room:error`; the Yjs
   * WebSocket, whose connection is its room, closes with the error's code.
   */
  left(roomId: string, error: WireError): void;
  /** Ends the connection, telling the client why (signed out, shutting down). */
  close(error: WireError): void;
  /** False once the client went away. */
  isOpen(): boolean;
}
