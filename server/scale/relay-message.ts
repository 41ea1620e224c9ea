// The relay's wire format between nodes: one Redis pub/sub message per change,
// on the room's own channel. Binary (lib0 encoding), versioned so a rolling
// upgrade can tell old messages from new ones.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

export const RELAY_VERSION = 1;

export const RELAY_TYPE = {
  /** A document update stored by its sender. */
  update: 0,
  /** An awareness update from one of the sender's participants. */
  awareness: 1,
  /** "I have this room open with this state vector": peers answer with `sync`. */
  hello: 2,
  /** To one node: what it lacks, and optionally our state vector so it sends what we lack. */
  sync: 3,
} as const;

export type RelayMessage =
  | { type: 'update'; from: string; update: Uint8Array }
  | { type: 'awareness'; from: string; message: Uint8Array }
  | { type: 'hello'; from: string; stateVector: Uint8Array }
  | {
      type: 'sync';
      from: string;
      to: string;
      update: Uint8Array;
      stateVector: Uint8Array | null;
      awareness: Uint8Array | null;
    };

export class MalformedRelayMessage extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'MalformedRelayMessage';
  }
}

const orNull = (bytes: Uint8Array) => (bytes.byteLength === 0 ? null : bytes);
const orEmpty = (bytes: Uint8Array | null) => bytes ?? new Uint8Array(0);

export function encodeRelayMessage(message: RelayMessage): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, RELAY_VERSION);
  encoding.writeVarUint(encoder, RELAY_TYPE[message.type]);
  encoding.writeVarString(encoder, message.from);
  switch (message.type) {
    case 'update':
      encoding.writeVarUint8Array(encoder, message.update);
      break;
    case 'awareness':
      encoding.writeVarUint8Array(encoder, message.message);
      break;
    case 'hello':
      encoding.writeVarUint8Array(encoder, message.stateVector);
      break;
    case 'sync':
      encoding.writeVarString(encoder, message.to);
      encoding.writeVarUint8Array(encoder, message.update);
      encoding.writeVarUint8Array(encoder, orEmpty(message.stateVector));
      encoding.writeVarUint8Array(encoder, orEmpty(message.awareness));
      break;
    default:
      message satisfies never;
  }
  return encoding.toUint8Array(encoder);
}

/** Parses one message; throws MalformedRelayMessage for anything else. */
export function decodeRelayMessage(data: Uint8Array): RelayMessage {
  let message: RelayMessage;
  try {
    const decoder = decoding.createDecoder(data);
    const version = decoding.readVarUint(decoder);
    if (version !== RELAY_VERSION) throw new MalformedRelayMessage(`relay version ${version}, expected ${RELAY_VERSION}`);
    const type = decoding.readVarUint(decoder);
    const from = decoding.readVarString(decoder);
    switch (type) {
      case RELAY_TYPE.update:
        message = { type: 'update', from, update: decoding.readVarUint8Array(decoder) };
        break;
      case RELAY_TYPE.awareness:
        message = { type: 'awareness', from, message: decoding.readVarUint8Array(decoder) };
        break;
      case RELAY_TYPE.hello:
        message = { type: 'hello', from, stateVector: decoding.readVarUint8Array(decoder) };
        break;
      case RELAY_TYPE.sync:
        message = {
          type: 'sync',
          from,
          to: decoding.readVarString(decoder),
          update: decoding.readVarUint8Array(decoder),
          stateVector: orNull(decoding.readVarUint8Array(decoder)),
          awareness: orNull(decoding.readVarUint8Array(decoder)),
        };
        break;
      default:
        throw new MalformedRelayMessage(`unknown relay message type ${type}`);
    }
    if (decoding.hasContent(decoder)) throw new MalformedRelayMessage('trailing bytes');
  } catch (err) {
    if (err instanceof MalformedRelayMessage) throw err;
    throw new MalformedRelayMessage('truncated relay message', { cause: err });
  }
  if (message.from.length === 0) throw new MalformedRelayMessage('no sender');
  return message;
}
