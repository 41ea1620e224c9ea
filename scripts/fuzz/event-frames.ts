// Atelier's event frames on the Yjs WebSocket (`?events=1`, shared/yws-events.ts),
// as a hostile client could send them: recorded Socket.IO events with mutated
// arguments (mutate-args.ts) framed as events, with ack ids that are zero,
// ordinary, or past 2^31; and frames broken at the frame level: arguments that
// are not a JSON array or not JSON, names that are not UTF-8, empty or long,
// strings running past the end, bytes after the ack id, oversized arguments,
// and byte mutations of a whole well-formed frame (mutate-bytes.ts).
import * as encoding from 'lib0/encoding';
import { YWS_MESSAGE } from '../../shared/protocol.ts';
import { MAX_EVENT_BYTES } from '../../shared/yws-events.ts';
import { mutateArgs } from './mutate-args.ts';
import { mutateBytes } from './mutate-bytes.ts';
import type { Random } from './random.ts';

export const EVENT_FRAME_MUTATIONS = [
  'event-args',
  'not-array',
  'not-json',
  'bad-utf8',
  'bad-name',
  'past-end',
  'trailing',
  'too-large',
  'event-bytes',
] as const;
export type EventFrameMutation = (typeof EVENT_FRAME_MUTATIONS)[number];

/** One event frame from name and argument bytes, as the wire has them. */
function frame(name: Uint8Array, args: Uint8Array, ackId: number, after: readonly number[] = []): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, YWS_MESSAGE.event);
  encoding.writeVarUint8Array(encoder, name);
  encoding.writeVarUint8Array(encoder, args);
  encoding.writeVarUint(encoder, ackId);
  for (const byte of after) encoding.writeUint8(encoder, byte);
  return encoding.toUint8Array(encoder);
}

const utf8 = (text: string) => new TextEncoder().encode(text);

/** JSON of arguments, whatever they hold (a byte array becomes an object, as JSON.stringify makes it). */
function json(args: unknown[]): string {
  try {
    return JSON.stringify(args);
  } catch {
    return '[]';
  }
}

export interface RecordedEvent {
  event: string;
  args: unknown[];
  ack: boolean;
}

/** A hostile event frame made from a recorded Socket.IO event; `others` feeds byte splices. */
export function mutateEventFrame(
  random: Random,
  recorded: RecordedEvent,
  others: readonly Uint8Array[],
): { bytes: Uint8Array; kind: EventFrameMutation } {
  const kind = random.pick(EVENT_FRAME_MUTATIONS);
  const emission = mutateArgs(random, recorded, (b) => mutateBytes(random, b, others).bytes);
  const ackId = emission.ack ? random.pick([1, random.int(1, 2 ** 31 - 1), 2 ** 31, 2 ** 53 - 1]) : 0;
  const name = utf8(emission.event);
  const args = utf8(json(emission.args));
  switch (kind) {
    case 'event-args':
      return { bytes: frame(name, args, ackId), kind };
    case 'not-array':
      return { bytes: frame(name, utf8(random.pick(['{}', '"x"', '1', 'null', '{"0":"room"}'])), ackId), kind };
    case 'not-json':
      return { bytes: frame(name, args.subarray(0, random.int(0, Math.max(0, args.length - 1))), ackId), kind };
    case 'bad-utf8': {
      const bad = Uint8Array.from(random.pick([[0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xe2, 0x82]]));
      return random.chance(0.5)
        ? { bytes: frame(bad, args, ackId), kind }
        : { bytes: frame(name, Uint8Array.from([0x5b, ...bad, 0x5d]), ackId), kind };
    }
    case 'bad-name':
      return {
        bytes: frame(utf8(random.pick(['', 'x'.repeat(65), '__proto__', 'constructor', 'room:joined', 'gen:update'])), args, ackId),
        kind,
      };
    case 'past-end': {
      const whole = frame(name, args, ackId);
      return { bytes: whole.subarray(0, random.int(1, Math.max(1, whole.length - 2))), kind };
    }
    case 'trailing':
      return {
        bytes: frame(
          name,
          args,
          ackId,
          Array.from({ length: random.int(1, 8) }, () => random.int(0, 255)),
        ),
        kind,
      };
    case 'too-large':
      return { bytes: frame(name, utf8(`["${'x'.repeat(MAX_EVENT_BYTES + random.int(1, 4096))}"]`), ackId), kind };
    case 'event-bytes':
      return { bytes: mutateBytes(random, frame(name, args, ackId), others).bytes, kind };
  }
}
