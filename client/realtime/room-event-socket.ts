// Atelier's events on a room's document WebSocket (docs/protocol.md, "Events
// on the Yjs WebSocket"), with the API the page's controllers use on Socket.IO:
// `on`/`off`, `emit(event, ...args, ack?)`, `connected`, 'connect' and
// 'disconnect'. The Yjs socket provider owns the WebSocket and hands this
// object its event and ack frames; this object frames what the page emits.
// Connected means admitted: from the server's `room:joined` on a connection
// until that connection closes.
import type { ClientToServerEvents, WireError } from '../../shared/protocol.ts';
import { YWS_MESSAGE } from '../../shared/protocol.ts';
import { decodeAck, decodeEvent, encodeEvent, type JoinedRoom, MAX_ACK_ID } from '../../shared/yws-events.ts';
import type { EventSocket, EventSocketEvents } from './event-socket.ts';

export interface RoomSocketEvents extends EventSocketEvents {
  /** The server admitted this connection: the role, the room, its recent jobs. */
  'room:joined': (roomId: string, joined: JoinedRoom) => void;
}

export interface RoomEventSocketOptions {
  /** How long an acknowledgement may take before the emitter is told `unavailable`. */
  ackTimeoutMs?: number;
}

type Listener = (...args: never[]) => void;
type AckCallback = (res: { ok: false; error: WireError }) => void;

const ACK_TIMEOUT_MS = 15_000;

export const OFFLINE_ERROR: WireError = { code: 'unavailable', message: 'You are offline. Try again when the connection is back.' };
export const NO_ANSWER_ERROR: WireError = { code: 'unavailable', message: 'The server did not answer in time.' };
export const LOST_ERROR: WireError = { code: 'unavailable', message: 'The connection was lost before the server answered.' };

export class RoomEventSocket implements EventSocket {
  readonly roomId: string;
  connected = false;
  readonly #ackTimeoutMs: number;
  readonly #listeners = new Map<string, Set<Listener>>();
  readonly #pending = new Map<number, { ack: AckCallback; timer: ReturnType<typeof setTimeout> }>();
  #send: ((frame: Uint8Array) => void) | null = null;
  #lastAckId = 0;

  constructor(roomId: string, options: RoomEventSocketOptions = {}) {
    this.roomId = roomId;
    this.#ackTimeoutMs = options.ackTimeoutMs ?? ACK_TIMEOUT_MS;
  }

  on<E extends keyof RoomSocketEvents>(event: E, listener: RoomSocketEvents[E]): this {
    let set = this.#listeners.get(event);
    if (!set) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(listener);
    return this;
  }

  off<E extends keyof RoomSocketEvents>(event: E, listener: RoomSocketEvents[E]): this {
    this.#listeners.get(event)?.delete(listener);
    return this;
  }

  /** Sends an event; a function as the last argument is its acknowledgement. */
  emit<E extends keyof ClientToServerEvents>(event: E, ...args: Parameters<ClientToServerEvents[E]>): this {
    const last: unknown = args.at(-1);
    const ack = typeof last === 'function' ? (last as AckCallback) : null;
    const payload: unknown[] = ack ? args.slice(0, -1) : args;
    const send = this.#send;
    if (!send || !this.connected) {
      // Nothing is queued for later: the page's controllers subscribe again on 'connect'.
      if (ack) queueMicrotask(() => ack({ ok: false, error: OFFLINE_ERROR }));
      return this;
    }
    let ackId = 0;
    if (ack) {
      // Positive and below MAX_ACK_ID (the wire's bound), wrapping around.
      this.#lastAckId = this.#lastAckId >= MAX_ACK_ID - 1 ? 1 : this.#lastAckId + 1;
      ackId = this.#lastAckId;
      const timer = setTimeout(() => this.#answer(ackId, { ok: false, error: NO_ANSWER_ERROR }), this.#ackTimeoutMs);
      this.#pending.set(ackId, { ack, timer });
    }
    send(encodeEvent(event, JSON.stringify(payload), ackId));
    return this;
  }

  /** The provider's side: a connection opened; `send` writes one frame on it. Connected once the server says `room:joined`. */
  opened(send: (frame: Uint8Array) => void): void {
    this.#send = send;
  }

  /** The provider's side: the connection closed (or is being dropped). */
  closed(reason: string): void {
    this.#send = null;
    for (const id of [...this.#pending.keys()]) this.#answer(id, { ok: false, error: LOST_ERROR });
    if (!this.connected) return;
    this.connected = false;
    this.#dispatch('disconnect', [reason]);
  }

  /**
   * The provider's side: an event or ack frame whose type ended at `pos`. A
   * frame this client cannot read is dropped: the connection and the document go on.
   */
  received(type: number, frame: Uint8Array, pos: number): void {
    try {
      if (type === YWS_MESSAGE.ack) {
        const { ackId, answer } = decodeAck(frame, pos);
        this.#answer(ackId, answer);
        return;
      }
      const { event, args } = decodeEvent(frame, pos);
      if (event === 'room:joined') {
        this.connected = true;
        this.#dispatch('room:joined', args);
        this.#dispatch('connect', []);
        return;
      }
      this.#dispatch(event, args);
    } catch {
      // Not a frame this client understands (a newer server's, or cut short).
    }
  }

  /** Forgets every listener and answers what is pending; the provider is going away. */
  destroy(): void {
    this.closed('destroyed');
    this.#listeners.clear();
  }

  #answer(ackId: number, answer: unknown): void {
    const pending = this.#pending.get(ackId);
    if (!pending) return;
    this.#pending.delete(ackId);
    clearTimeout(pending.timer);
    (pending.ack as (res: unknown) => void)(answer);
  }

  #dispatch(event: string, args: unknown[]): void {
    const set = this.#listeners.get(event);
    if (!set) return;
    for (const listener of [...set]) (listener as (...a: unknown[]) => void)(...args);
  }
}
