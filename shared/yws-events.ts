// Atelier's events on the Yjs WebSocket (`/yjs/:roomId?events=1`, docs/protocol.md
// "Events on the Yjs WebSocket"): the framing both sides share. An event is
// `[varUint 20][varString event][varString JSON of the args array][varUint ackId]`,
// an answer `[varUint 21][varUint ackId][varString JSON of the answer]`. Reading is
// bounded by the frame (lib0's readers would read past a pooled buffer's slice)
// and strict about UTF-8, so a malformed frame is refused, never misread.
import * as encoding from 'lib0/encoding';
import type { ClientToServerEvents, JoinAck, ServerToClientEvents } from './protocol.ts';
import { YWS_MESSAGE } from './protocol.ts';

/** What `room:joined` carries: the Socket.IO join's answer without `ok`. */
export type JoinedRoom = Omit<Extract<JoinAck, { ok: true }>, 'ok'>;

/** What the server sends on an event socket: every Socket.IO event, and the join greeting first. */
export interface WsServerEvents extends ServerToClientEvents {
  /** First message after admission, before the document's sync step 1. */
  'room:joined': (roomId: string, joined: JoinedRoom) => void;
}

/** Client events the Yjs WebSocket refuses: the socket IS the room membership and its document. */
export const NOT_ON_YJS_WEBSOCKET = ['room:join', 'room:leave', 'yjs:sync', 'yjs:awareness'] as const satisfies ReadonlyArray<
  keyof ClientToServerEvents
>;

/** An event's JSON arguments are limited to this (an event is a command, not a document). */
export const MAX_EVENT_BYTES = 64 * 1024;
/** Acknowledgement ids are positive and below this; 0 asks for none. */
export const MAX_ACK_ID = 2 ** 31;
const MAX_EVENT_NAME = 64;

const utf8Encoder = new TextEncoder();

/**
 * lib0's writeVarString, in one native encode and one copy: lib0 writes a
 * short string's bytes one call at a time (a `room:joined` greeting was ~5 %
 * of an events socket's join).
 */
function writeJson(encoder: encoding.Encoder, json: string): void {
  encoding.writeVarUint8Array(encoder, utf8Encoder.encode(json));
}

/** An event frame: `argsJson` is already `JSON.stringify(args)` (one encoding for many recipients). */
export function encodeEvent(event: string, argsJson: string, ackId = 0): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, YWS_MESSAGE.event);
  encoding.writeVarString(encoder, event);
  writeJson(encoder, argsJson);
  encoding.writeVarUint(encoder, ackId);
  return encoding.toUint8Array(encoder);
}

/** An acknowledgement frame (server to client). */
export function encodeAck(ackId: number, answer: object): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, YWS_MESSAGE.ack);
  encoding.writeVarUint(encoder, ackId);
  writeJson(encoder, JSON.stringify(answer));
  return encoding.toUint8Array(encoder);
}

/** Why a frame could not be read; `ackId` is set when the frame got that far. */
export class EventFrameError extends Error {
  readonly ackId: number;
  readonly tooLarge: boolean;
  constructor(message: string, ackId = 0, tooLarge = false) {
    super(message);
    this.name = 'EventFrameError';
    this.ackId = ackId;
    this.tooLarge = tooLarge;
  }
}

export interface DecodedEvent {
  event: string;
  args: unknown[];
  ackId: number;
}

export interface DecodedAck {
  ackId: number;
  answer: unknown;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A bounded reader over one frame's bytes, from `pos`. */
class FrameReader {
  readonly #bytes: Uint8Array;
  pos: number;
  constructor(bytes: Uint8Array, pos: number) {
    this.#bytes = bytes;
    this.pos = pos;
  }

  varUint(what: string): number {
    let num = 0;
    let mult = 1;
    while (this.pos < this.#bytes.length) {
      const byte = this.#bytes[this.pos++] ?? 0;
      num += (byte & 0x7f) * mult;
      if (byte < 0x80) return num;
      mult *= 128;
      if (num > Number.MAX_SAFE_INTEGER) break;
    }
    throw new EventFrameError(`malformed ${what}`);
  }

  /** A varString's bytes, checked to lie within the frame. */
  stringBytes(what: string): Uint8Array {
    const length = this.varUint(what);
    if (length > this.#bytes.length - this.pos) throw new EventFrameError(`malformed ${what}: past the end of the frame`);
    const bytes = this.#bytes.subarray(this.pos, this.pos + length);
    this.pos += length;
    return bytes;
  }

  get done(): boolean {
    return this.pos === this.#bytes.length;
  }
}

function text(bytes: Uint8Array, what: string, ackId = 0): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new EventFrameError(`malformed ${what}: not UTF-8`, ackId);
  }
}

function json(source: string, what: string, ackId = 0): unknown {
  try {
    return JSON.parse(source);
  } catch {
    throw new EventFrameError(`malformed ${what}: not JSON`, ackId);
  }
}

/**
 * An event frame's content after its type (`pos`: where the type ended).
 * Throws EventFrameError, carrying the ack id once it could be read.
 */
export function decodeEvent(frame: Uint8Array, pos: number): DecodedEvent {
  const reader = new FrameReader(frame, pos);
  const nameBytes = reader.stringBytes('event name');
  const argsBytes = reader.stringBytes('event arguments');
  const ackId = reader.varUint('acknowledgement id');
  if (!reader.done) throw new EventFrameError('malformed event: bytes after the acknowledgement id');
  if (ackId >= MAX_ACK_ID) throw new EventFrameError(`acknowledgement ids are below ${MAX_ACK_ID}`);
  if (nameBytes.length === 0 || nameBytes.length > MAX_EVENT_NAME) throw new EventFrameError('malformed event name', ackId);
  const event = text(nameBytes, 'event name', ackId);
  if (argsBytes.length > MAX_EVENT_BYTES) {
    throw new EventFrameError(`an event's arguments are limited to ${MAX_EVENT_BYTES} bytes`, ackId, true);
  }
  const args = json(text(argsBytes, 'event arguments', ackId), 'event arguments', ackId);
  if (!Array.isArray(args)) throw new EventFrameError('event arguments must be a JSON array', ackId);
  return { event, args, ackId };
}

/** Only the ack id of an event frame (0 if it has none or cannot be read): a dropped frame is answered without reading it. */
export function peekAckId(frame: Uint8Array, pos: number): number {
  try {
    const reader = new FrameReader(frame, pos);
    reader.stringBytes('event name');
    reader.stringBytes('event arguments');
    const ackId = reader.varUint('acknowledgement id');
    return reader.done && ackId < MAX_ACK_ID ? ackId : 0;
  } catch {
    return 0;
  }
}

/** An acknowledgement frame's content after its type (the client's side). */
export function decodeAck(frame: Uint8Array, pos: number): DecodedAck {
  const reader = new FrameReader(frame, pos);
  const ackId = reader.varUint('acknowledgement id');
  const answer = json(text(reader.stringBytes('answer'), 'answer'), 'answer');
  return { ackId, answer };
}
