// Pre-framed WebSocket messages: a broadcast's binary frame (header and
// payload, one buffer) is built once and written as it is to every
// recipient's socket. ws's own send builds a header, wraps the payload and
// corks two writes into a writev, per recipient: at 45,000 deliveries a
// second that was most of what the server did around the syscalls. Only for
// what ws itself would send as is: a final, unmasked (server-side),
// uncompressed (perMessageDeflate is off on this server) binary frame.
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';

const FIN_BINARY = 0x82;

const NO_PREFIX = new Uint8Array(0);

/**
 * One final binary frame, unmasked, as a server sends it (RFC 6455 §5.2).
 * Its payload is `prefix` (bytes) then `payload`: a y-websocket message's
 * type and length go in place, not into a buffer of their own that is then
 * copied again.
 */
export function binaryFrame(payload: Uint8Array, prefix: Uint8Array = NO_PREFIX): Buffer {
  const frame = emptyFrame(prefix.length + payload.byteLength);
  const header = headerBytes(frame);
  frame.set(prefix, header);
  frame.set(payload, header + prefix.length);
  return frame;
}

/** A final binary frame with its header written, for a payload of `length` bytes to be written after it (headerBytes). */
export function emptyFrame(length: number): Buffer {
  const header = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(header + length);
  frame[0] = FIN_BINARY;
  if (length < 126) {
    frame[1] = length;
  } else if (length < 65_536) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
  return frame;
}

/** ws's fields this relies on (ws 8): its socket, and its sender's state (0: nothing queued). */
interface WsInternals {
  _socket: Duplex | null;
  _sender: { _state: number } | null;
}

/** Bytes of a binaryFrame's header. */
export function headerBytes(frame: Buffer): number {
  const length = (frame[1] ?? 0) & 0x7f;
  return length < 126 ? 2 : length === 126 ? 4 : 10;
}

/** The payload of a frame made by binaryFrame. */
export function framePayload(frame: Buffer): Buffer {
  return frame.subarray(headerBytes(frame));
}

/**
 * Writes a frame made by binaryFrame to the WebSocket's socket. Falls back to
 * ws.send of the payload when ws has something queued of its own (it never
 * does here: no compression, no Blobs), so frames never overtake each other.
 */
export function sendFrame(ws: WebSocket, frame: Buffer): void {
  const internals = ws as unknown as WsInternals;
  const socket = internals._socket;
  if (socket && internals._sender?._state === 0) socket.write(frame);
  else ws.send(framePayload(frame));
}

/**
 * Frames made by binaryFrame, also given joined in one buffer: that buffer in
 * one write (two frames back to back are what ws would put on the wire), or,
 * when sendFrame would fall back, each frame through ws.send in order.
 */
export function sendFrames(ws: WebSocket, frames: readonly Buffer[], joined: Buffer): void {
  const internals = ws as unknown as WsInternals;
  const socket = internals._socket;
  if (socket && internals._sender?._state === 0) socket.write(joined);
  else for (const frame of frames) ws.send(framePayload(frame));
}
