// The relay's wire format: every message type round-trips, and anything else
// is refused with MalformedRelayMessage, never a crash.
import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import {
  decodeRelayMessage,
  encodeRelayMessage,
  MalformedRelayMessage,
  RELAY_VERSION,
  type RelayMessage,
} from '../../server/scale/relay-message.ts';

const bytes = (...values: number[]) => new Uint8Array(values);

describe('relay messages', () => {
  it.each<RelayMessage>([
    { type: 'update', from: 'node-1/ab', update: bytes(0, 0) },
    { type: 'awareness', from: 'n', message: bytes(1, 2, 3) },
    { type: 'hello', from: 'n', stateVector: bytes(0) },
    { type: 'sync', from: 'a', to: 'b', update: bytes(0, 0), stateVector: bytes(1, 5, 7), awareness: bytes(0) },
    { type: 'sync', from: 'a', to: 'b', update: bytes(0, 0), stateVector: null, awareness: null },
  ])('round-trips $type', (message) => {
    expect(decodeRelayMessage(encodeRelayMessage(message))).toEqual(message);
  });

  const encoded = encodeRelayMessage({ type: 'hello', from: 'n', stateVector: bytes(0) });
  /** A frame written field by field: numbers as varuints, strings as varstrings, bytes as varbytes. */
  const frame = (...fields: (number | string | Uint8Array)[]) => {
    const e = encoding.createEncoder();
    for (const field of fields) {
      if (typeof field === 'number') encoding.writeVarUint(e, field);
      else if (typeof field === 'string') encoding.writeVarString(e, field);
      else encoding.writeVarUint8Array(e, field);
    }
    return encoding.toUint8Array(e);
  };
  it.each([
    ['empty', new Uint8Array(0)],
    ['truncated', encoded.slice(0, encoded.length - 1)],
    ['trailing bytes', new Uint8Array([...encoded, 9])],
    ['another version', frame(RELAY_VERSION + 1, 0, 'n')],
    ['an unknown type', frame(RELAY_VERSION, 9, 'n')],
    ['no sender', frame(RELAY_VERSION, 2, '', bytes(0))],
    ['garbage', new TextEncoder().encode('{"not":"binary"}')],
  ])('refuses %s', (_name, data) => {
    expect(() => decodeRelayMessage(data)).toThrow(MalformedRelayMessage);
  });
});
