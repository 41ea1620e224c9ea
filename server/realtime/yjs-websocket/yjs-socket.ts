// One Yjs WebSocket's state on this server, in one object: its framing state
// beside the transport-neutral Connection, and, as the SessionSink the rooms
// side writes to, the y-websocket framing of what the room sends. The
// server's WebSocket listeners are made once and find this object by the
// WebSocket, so a connection costs its state, not a set of closures
// (docs/benchmarks.md, "Memory per connection").
import * as encoding from 'lib0/encoding';
import type { Logger } from 'pino';
import * as authProtocol from 'y-protocols/auth';
import { WebSocket } from 'ws';
import { CLOSE_CODES, type WireError, YWS_MESSAGE } from '../../../shared/protocol.ts';
import type { Participant, Room } from '../../rooms/room.ts';
import type { Connection } from '../../rooms/sessions/connection.ts';
import type { SessionSink } from '../../rooms/sessions/sink.ts';
import { varUintLength, writeVarUint } from '../../../shared/var-uint.ts';
import { binaryFrame, sendFrame, sendFrames } from './ws-frame.ts';

/** A client that lets this much pile up unread is dropped rather than buffered forever. */
export const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

export class YjsSocket implements SessionSink {
  readonly id: string;
  readonly ws: WebSocket;
  /** The room once joined; messages wait in `queue` until then. */
  room: Room | null = null;
  /** Its place in that room: its role, read on every broadcast, says maker or spectator. */
  participant: Participant | null = null;
  queue: Uint8Array[] | null = [];
  /** Something was dropped for its rate before the join completed: the room asks for it once joined. */
  missed = false;
  /** Answered its last ping (heartbeat.ts). */
  alive = true;
  heartbeatSlice = 0;
  deniedNotice = false;
  readonly #logger: Logger;
  /** The server's cleanup of a socket it is done with (its room, its channels, its Connection); idempotent. */
  readonly #release: (socket: YjsSocket) => void;
  #connection: Connection | undefined;

  constructor(id: string, ws: WebSocket, logger: Logger, release: (socket: YjsSocket) => void) {
    this.id = id;
    this.ws = ws;
    this.#logger = logger;
    this.#release = release;
  }

  /** The rooms side of this socket; it opens (with this object as its sink) before any message is handled. */
  get connection(): Connection {
    if (!this.#connection) throw new Error('websocket used before its connection opened');
    return this.#connection;
  }

  set connection(connection: Connection) {
    this.#connection = connection;
  }

  sync(_roomId: string, message: Uint8Array): void {
    this.sendFrame(yjsFrame(YWS_MESSAGE.sync, message, false));
  }

  awareness(_roomId: string, message: Uint8Array): void {
    this.sendFrame(yjsFrame(YWS_MESSAGE.awareness, message, true));
  }

  refuse(_roomId: string, error: WireError, healing?: boolean): void {
    // Healing refusals keep the connection: the room's sync step 1 follows (connection.ts #dropped).
    if (healing) return;
    // Dropped for its rate before the join completed: no session to heal yet, so the join does (#accept).
    // Closing (4429) would lose it for good: y-websocket never reconnects after a 44xx close.
    if (this.queue && error.code === 'rate_limited') {
      this.missed = true;
      return;
    }
    if (error.code === 'forbidden') this.deny(error.message);
    else this.close(error);
  }

  /** The connection was only for this room. */
  left(_roomId: string, error: WireError): void {
    this.close(error);
  }

  /** Closes with the error's named code (shared/protocol.ts CLOSE_CODES). */
  close(error: WireError): void {
    this.queue = null;
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) {
      // Close reasons are limited to 123 bytes.
      this.ws.close(CLOSE_CODES[error.code], Buffer.from(error.message).subarray(0, 123).toString());
    }
    // Done with it now, not once the client answers the close: a client that never does would
    // otherwise stay in its room and on its channels for ws's 30 s (a revoked or suspended user too).
    this.#release(this);
  }

  isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /** A forbidden write keeps the connection: y-protocols' permission-denied tells the client why. */
  deny(reason: string): void {
    if (this.deniedNotice) return;
    this.deniedNotice = true;
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, YWS_MESSAGE.auth);
    authProtocol.writePermissionDenied(encoder, reason);
    this.send(encoding.toUint8Array(encoder));
  }

  /** One message, framed here and written as is (ws-frame.ts): ws.send's header, list and corked writev cost more. */
  send(data: Uint8Array): boolean {
    if (!this.#writable()) return false;
    sendFrame(this.ws, binaryFrame(data));
    return true;
  }

  /** Sends a broadcast's frame, made once for all its recipients (ws-frame.ts). */
  sendFrame(frame: Buffer): boolean {
    if (!this.#writable()) return false;
    sendFrame(this.ws, frame);
    return true;
  }

  /** Sends several broadcast frames in one write (ws-frame.ts sendFrames). */
  sendFrames(frames: readonly Buffer[], joined: Buffer): boolean {
    if (!this.#writable()) return false;
    sendFrames(this.ws, frames, joined);
    return true;
  }

  #writable(): boolean {
    if (this.ws.readyState !== WebSocket.OPEN) return false;
    if (this.ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.#logger.warn({ conn: this.id }, 'dropping a client that does not read');
      this.ws.terminate();
      return false;
    }
    return true;
  }
}

/**
 * A y-websocket message in its WebSocket frame, in one buffer (ws-frame.ts):
 * the message type, then the payload. Sync payloads are already
 * self-delimiting sync messages; awareness updates are length-prefixed.
 */
export function yjsFrame(type: number, payload: Uint8Array, lengthPrefixed: boolean): Buffer {
  const prefix = new Uint8Array(varUintLength(type) + (lengthPrefixed ? varUintLength(payload.byteLength) : 0));
  const at = writeVarUint(prefix, 0, type);
  if (lengthPrefixed) writeVarUint(prefix, at, payload.byteLength);
  return binaryFrame(payload, prefix);
}
