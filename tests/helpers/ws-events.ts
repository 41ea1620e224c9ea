// A raw `ws` client of the Yjs WebSocket with `?events=1`: it records every
// frame (the first one's type included), decodes Atelier's event and ack
// frames (shared/yws-events.ts) and sends events, acknowledged or not.
import * as encoding from 'lib0/encoding';
import { YWS_MESSAGE } from '../../shared/protocol.ts';
import { decodeAck, decodeEvent, encodeEvent } from '../../shared/yws-events.ts';
import { type RawYjsSocket, rawYjsSocket } from './raw-ws.ts';
import { waitFor } from './server.ts';

export interface HeardEvent {
  event: string;
  args: unknown[];
}

export interface EventWs {
  raw: RawYjsSocket;
  /** Every event frame received, in order. */
  events: HeardEvent[];
  /** Sends an event without asking for an answer. */
  emit(event: string, ...args: unknown[]): void;
  /** Sends an event with a fresh ack id and resolves with the answer. */
  call(event: string, ...args: unknown[]): Promise<Record<string, unknown>>;
  /** Sends a hand-built frame with this ack id and resolves with its answer. */
  callRaw(frame: Uint8Array, ackId: number): Promise<Record<string, unknown>>;
  /** Waits for an event (the first matching one from `from` on) and returns its arguments. */
  next(event: string, match?: (args: unknown[]) => boolean, timeoutMs?: number): Promise<unknown[]>;
  /** The events of one name. */
  of(event: string): unknown[][];
}

export function eventWs(url: string, roomId: string, token: string, query = ''): EventWs {
  const raw = rawYjsSocket(url, `/yjs/${roomId}?token=${token}&events=1${query}`);
  const events: HeardEvent[] = [];
  const answers = new Map<number, Record<string, unknown>>();
  let seen = 0;
  let nextAck = 1;
  const read = () => {
    for (; seen < raw.frames.length; seen++) {
      const frame = raw.frames[seen]!;
      if (frame[0] === YWS_MESSAGE.event) {
        const { event, args } = decodeEvent(frame, 1);
        events.push({ event, args });
      } else if (frame[0] === YWS_MESSAGE.ack) {
        const { ackId, answer } = decodeAck(frame, 1);
        answers.set(ackId, answer as Record<string, unknown>);
      }
    }
  };
  raw.ws.on('message', () => queueMicrotask(read));
  const callRaw = async (frame: Uint8Array, ackId: number) => {
    raw.send(frame);
    await waitFor(
      () => {
        read();
        return answers.has(ackId);
      },
      10_000,
      `the answer to ack ${ackId}`,
    );
    return answers.get(ackId)!;
  };
  return {
    raw,
    events,
    emit: (event, ...args) => raw.send(encodeEvent(event, JSON.stringify(args), 0)),
    call: (event, ...args) => {
      const ackId = nextAck++;
      return callRaw(encodeEvent(event, JSON.stringify(args), ackId), ackId);
    },
    callRaw,
    next: async (event, match = () => true, timeoutMs = 10_000) => {
      let found: HeardEvent | undefined;
      await waitFor(
        () => {
          read();
          found = events.find((e) => e.event === event && match(e.args));
          return found !== undefined;
        },
        timeoutMs,
        `event ${event}`,
      );
      return found!.args;
    },
    of: (event) => {
      read();
      return events.filter((e) => e.event === event).map((e) => e.args);
    },
  };
}

/** An event frame built by hand: the event's name and its args as raw strings (for malformed ones). */
export function rawEventFrame(name: Uint8Array | string, args: Uint8Array | string, ackId: number, trailing: number[] = []): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, YWS_MESSAGE.event);
  const bytes = (v: Uint8Array | string) => (typeof v === 'string' ? new TextEncoder().encode(v) : v);
  encoding.writeVarUint8Array(encoder, bytes(name));
  encoding.writeVarUint8Array(encoder, bytes(args));
  encoding.writeVarUint(encoder, ackId);
  for (const byte of trailing) encoding.writeUint8(encoder, byte);
  return encoding.toUint8Array(encoder);
}
