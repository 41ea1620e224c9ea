// A Socket.IO event encoded once for all its recipients, down to the
// WebSocket frames. Socket.IO's own broadcast encodes the packet once but
// pre-frames only a packet without binary: an event with a Uint8Array (every
// `yjs:*` event) is a text header and a binary attachment, and each recipient's
// engine.io re-encoded both (a UTF-8 copy of the header, two frame headers)
// for every delivery. The bytes on the wire are the same: a stock
// socket.io-client sees nothing different, and a recipient still on HTTP
// long-polling gets the packets encoded by engine.io as usual.
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

export class PreEncodedEvent {
  readonly #packets: EnginePacket[];

  constructor(io: AtelierServer, event: string, args: readonly unknown[]) {
    const encoded: unknown[] = io.encoder.encode({ type: SOCKET_IO_EVENT, nsp: '/', data: [event, ...args] });
    this.#packets = encoded.map((part): EnginePacket => {
      if (typeof part === 'string') {
        return { data: part, options: { compress: true, wsPreEncodedFrame: wsFrame(Buffer.from(ENGINE_MESSAGE + part), OPCODE_TEXT) } };
      }
      if (!(part instanceof Uint8Array)) throw new TypeError('socket.io encoded a packet part that is neither text nor binary');
      const data = Buffer.from(part.buffer, part.byteOffset, part.byteLength);
      return { data, options: { compress: true, wsPreEncodedFrame: wsFrame(data, OPCODE_BINARY) } };
    });
  }

  /** Queues the event on the socket's engine.io connection, in order with everything else it sends. */
  sendTo(socket: AtelierSocket): void {
    for (const packet of this.#packets) socket.conn.write(packet.data, packet.options);
  }
}
