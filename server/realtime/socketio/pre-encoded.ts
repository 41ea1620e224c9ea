// Socket.IO events encoded once for all their recipients, down to the
// WebSocket frames. Socket.IO's own broadcast encodes the packet once but
// pre-frames only a packet without binary: an event with a Uint8Array (every
// `yjs:*` event) is a text header and a binary attachment, and each recipient's
// engine.io re-encoded both (a UTF-8 copy of the header, two frame headers)
// for every delivery. The bytes on the wire are the same: a stock
// socket.io-client sees nothing different, and a recipient still on HTTP
// long-polling gets the packets encoded by engine.io as usual.
//
// On a WebSocket, every frame of the events goes to engine.io as one packet:
// engine.io writes a packet's pre-encoded frame with one write, but once a
// write is under way it keeps the next packets until that write has
// completed, so the attachment went in a second system call after the
// header, and a spectator's document and presence (two events, four frames)
// in four. Now each recipient gets them in one.
import type { AtelierServer, AtelierSocket } from './socketio-server.ts';

/** engine.io's per-packet options; `wsPreEncodedFrame` is read by its WebSocket transport. */
interface PreFramed {
  compress: boolean;
  wsPreEncodedFrame: Buffer[];
}

interface EnginePacket {
  data: string | Buffer;
  options: PreFramed;
}

const OPCODE_TEXT = 0x1;
const OPCODE_BINARY = 0x2;
/** engine.io's "message" packet type, which prefixes a text packet. */
const ENGINE_MESSAGE = '4';
/** Socket.IO's EVENT packet type; the encoder makes it BINARY_EVENT when an argument is binary. */
const SOCKET_IO_EVENT = 2;

/** An unmasked, final WebSocket frame (RFC 6455 §5.2) as ws's Sender writes it: header, then the payload. */
function wsFrame(payload: Buffer, opcode: number): Buffer[] {
  const length = payload.length;
  let header: Buffer;
  if (length < 126) {
    header = Buffer.allocUnsafe(2);
    header[1] = length;
  } else if (length < 65_536) {
    header = Buffer.allocUnsafe(4);
    header[1] = 126;
    header.writeUInt16BE(length, 2);
  } else {
    header = Buffer.allocUnsafe(10);
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  header[0] = 0x80 | opcode;
  return [header, payload];
}

/** One event: its name, then its arguments. */
export type EventToEncode = readonly [string, ...unknown[]];

export class PreEncodedEvents {
  readonly #packets: EnginePacket[];
  /** Every packet's frames as one packet, for a recipient whose transport writes pre-encoded frames. */
  readonly #joined: EnginePacket;

  constructor(io: AtelierServer, events: readonly EventToEncode[]) {
    this.#packets = events.flatMap((data) => encodePackets(io, data));
    this.#joined = joinPackets(this.#packets);
  }

  /** Queues the events on the socket's engine.io connection, in order with everything else it sends. */
  sendTo(socket: AtelierSocket): void {
    if (writesPreEncodedFrames(socket.conn.transport)) {
      socket.conn.write(this.#joined.data, this.#joined.options);
      return;
    }
    for (const packet of this.#packets) socket.conn.write(packet.data, packet.options);
  }
}

function encodePackets(io: AtelierServer, data: EventToEncode): EnginePacket[] {
  const encoded: unknown[] = io.encoder.encode({ type: SOCKET_IO_EVENT, nsp: '/', data: [...data] });
  return encoded.map((part): EnginePacket => {
    if (typeof part === 'string') {
      return { data: part, options: { compress: true, wsPreEncodedFrame: wsFrame(Buffer.from(ENGINE_MESSAGE + part), OPCODE_TEXT) } };
    }
    if (!(part instanceof Uint8Array)) throw new TypeError('socket.io encoded a packet part that is neither text nor binary');
    const bytes = Buffer.from(part.buffer, part.byteOffset, part.byteLength);
    return { data: bytes, options: { compress: true, wsPreEncodedFrame: wsFrame(bytes, OPCODE_BINARY) } };
  });
}

/**
 * The packets' frames, back to back, as one packet's pre-encoded frame.
 * engine.io's WebSocket transport hands a pre-encoded frame of two buffers to
 * ws, which writes the two in one corked write: all but the last payload
 * copied into the first, the last payload (the largest part, usually) as it is.
 */
function joinPackets(packets: readonly EnginePacket[]): EnginePacket {
  const [first] = packets;
  if (!first) throw new TypeError('no events to encode');
  if (packets.length === 1) return first;
  const buffers = packets.flatMap((packet) => packet.options.wsPreEncodedFrame);
  const last = buffers.pop() as Buffer;
  return { data: first.data, options: { compress: true, wsPreEncodedFrame: [Buffer.concat(buffers), last] } };
}

/** engine.io's WebSocket transport as far as sending pre-encoded frames goes (none of it public API). */
interface TransportLike {
  name?: string;
  perMessageDeflate?: unknown;
  socket?: { _sender?: { sendFrame?: unknown } };
}

/**
 * Whether the transport sends a packet's pre-encoded frame instead of its
 * `data` (engine.io's own test, `_canSendPreEncodedFrame`): a joined packet
 * must never be sent as its `data` alone. A WebSocket stays one until it
 * closes; a connection still on long-polling gets the packets one by one.
 */
function writesPreEncodedFrames(transport: unknown): boolean {
  const t = transport as TransportLike | undefined;
  return t?.name === 'websocket' && !t.perMessageDeflate && typeof t.socket?._sender?.sendFrame === 'function';
}
