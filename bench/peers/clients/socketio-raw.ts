// Engine.IO v4 / Socket.IO v5 over one WebSocket, spoken by hand: just enough
// to connect a namespace, emit events with one binary argument, answer acks
// and hand each received event its binary attachment.
import type { RawConnection } from './raw-client.ts';

export const PACKET = { connect: 0, event: 2, ack: 3, connectError: 4, binaryEvent: 5, binaryAck: 6 } as const;

export interface SioPacket {
  type: number;
  nsp: string;
  /** Ack id, when the sender wants an answer (or this is one). */
  id: number | undefined;
  /** The JSON part: `["event", …]` or the ack's argument list. */
  data: string;
}

export interface SioHandlers {
  /** The namespace accepted us. */
  connected(): void;
  /** An event or ack; `attachment` is its (first) binary argument, if any. */
  packet(packet: SioPacket, attachment: Buffer | null): void;
}

const PLACEHOLDER = '{"_placeholder":true,"num":0}';

export function engineIoUrl(httpUrl: string): string {
  return `${httpUrl.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`;
}

export function parsePacket(text: string): SioPacket & { attachments: number } {
  const type = text.charCodeAt(0) - 48;
  let i = 1;
  let attachments = 0;
  if (type === PACKET.binaryEvent || type === PACKET.binaryAck) {
    const dash = text.indexOf('-', i);
    attachments = Number(text.slice(i, dash));
    i = dash + 1;
  }
  let nsp = '/';
  if (text[i] === '/') {
    const comma = text.indexOf(',', i);
    nsp = comma === -1 ? text.slice(i) : text.slice(i, comma);
    i = comma === -1 ? text.length : comma + 1;
  }
  let j = i;
  while (j < text.length && text.charCodeAt(j) >= 48 && text.charCodeAt(j) <= 57) j++;
  const id = j > i ? Number(text.slice(i, j)) : undefined;
  return { type, attachments, nsp, id, data: text.slice(j) };
}

/** Runs Engine.IO and Socket.IO framing on `conn`'s WebSocket for namespace `nsp`. */
export class SocketIoSession {
  readonly #conn: RawConnection;
  readonly #prefix: string;
  #waiting: SioPacket | null = null;
  #skip = 0;

  constructor(conn: RawConnection, nsp: string, auth: object | null, handlers: SioHandlers) {
    this.#conn = conn;
    this.#prefix = nsp === '/' ? '' : `${nsp},`;
    const { ws } = conn;
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) {
        if (this.#skip > 0) {
          this.#skip--;
          return;
        }
        const packet = this.#waiting;
        this.#waiting = null;
        if (packet) handlers.packet(packet, data);
        return;
      }
      const text = data.toString();
      switch (text[0]) {
        case '0': // Engine.IO open
          ws.send(`40${this.#prefix}${auth ? JSON.stringify(auth) : ''}`);
          return;
        case '2': // Engine.IO ping
          ws.send('3');
          return;
        case '4': {
          const packet = parsePacket(text.slice(1));
          if (packet.type === PACKET.connect) return handlers.connected();
          if (packet.type === PACKET.connectError) return conn.fail(new Error(`namespace refused: ${packet.data}`));
          if (packet.attachments > 0) {
            this.#waiting = packet;
            this.#skip = packet.attachments - 1;
          } else {
            handlers.packet(packet, null);
          }
          return;
        }
      }
    });
  }

  /** Emits `event` with leading JSON arguments (each followed by a comma) and one binary argument last. */
  emitBinary(event: string, jsonArgs: string, binary: Uint8Array, ackId?: number): void {
    const { ws } = this.#conn;
    ws.send(`451-${this.#prefix}${ackId ?? ''}[${JSON.stringify(event)},${jsonArgs}${PLACEHOLDER}]`);
    ws.send(binary);
  }

  /** Emits `event` with JSON arguments (`jsonArgs`: their comma-separated encodings). */
  emit(event: string, jsonArgs: string, ackId?: number): void {
    this.#conn.ws.send(`42${this.#prefix}${ackId ?? ''}[${JSON.stringify(event)},${jsonArgs}]`);
  }

  ackBinary(id: number, binary: Uint8Array): void {
    const { ws } = this.#conn;
    ws.send(`461-${this.#prefix}${id}[${PLACEHOLDER}]`);
    ws.send(binary);
  }
}
