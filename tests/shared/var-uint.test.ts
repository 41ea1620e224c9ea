// varUints written in place (shared/var-uint.ts) are lib0's bytes exactly, and
// so is the update message built with them (server/rooms/outgoing.ts
// syncUpdateMessage) y-protocols' own, at every length boundary.
import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import * as syncProtocol from 'y-protocols/sync';
import { syncUpdateMessage } from '../../server/rooms/outgoing.ts';
import { varUintLength, writeVarUint } from '../../shared/var-uint.ts';

const BOUNDARIES = [0, 1, 127, 128, 255, 16_383, 16_384, 2_097_151, 2_097_152, 2 ** 31 - 1, 2 ** 32 + 5];

describe('varUint in place', () => {
  it('writes the bytes lib0 writes, and says how many', () => {
    for (const value of BOUNDARIES) {
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, value);
      const expected = encoding.toUint8Array(encoder);
      const into = new Uint8Array(varUintLength(value) + 2);
      expect(writeVarUint(into, 1, value)).toBe(1 + expected.length);
      expect(varUintLength(value)).toBe(expected.length);
      expect([...into.subarray(1, 1 + expected.length)]).toEqual([...expected]);
    }
  });

  it('builds the update message y-protocols builds', () => {
    for (const size of [0, 1, 127, 128, 16_383, 16_384, 70_000]) {
      const update = Uint8Array.from({ length: size }, (_, i) => (i * 7 + size) & 0xff);
      const encoder = encoding.createEncoder();
      syncProtocol.writeUpdate(encoder, update);
      expect(Buffer.from(syncUpdateMessage(update)).equals(Buffer.from(encoding.toUint8Array(encoder)))).toBe(true);
    }
  });
});
