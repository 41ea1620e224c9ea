// Byte-level mutations of recorded Yjs messages: what a broken or hostile
// client could put in a frame. Each returns the bytes and a label for the
// report. Varints are lib0's: 7 bits a byte, high bit set while more follow.
import type { Random } from './random.ts';

export const BYTE_MUTATIONS = [
  'bitflip',
  'interesting',
  'truncate',
  'extend',
  'varint',
  'splice',
  'duplicate',
  'garbage',
  'replay',
] as const;
export type ByteMutation = (typeof BYTE_MUTATIONS)[number];

/** Varints that overflow 32 bits, reach 2^53 − 1, or never end. */
const BIG_VARINTS: readonly number[][] = [
  [0xff, 0xff, 0xff, 0xff, 0x0f], // 2^32 − 1
  [0x80, 0x80, 0x80, 0x80, 0x10], // 2^32
  [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f], // 2^53 − 1
  [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f], // past 2^53
  [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80], // unterminated
  [0xff, 0xff, 0xff, 0x7f], // 2^28 − 1: a huge length
];
const INTERESTING = [0x00, 0x01, 0x7f, 0x80, 0xff, 0xfe, 0x40, 0x3f];

export function mutateBytes(random: Random, input: Uint8Array, others: readonly Uint8Array[]): { bytes: Uint8Array; kind: ByteMutation } {
  const kind = random.pick(BYTE_MUTATIONS);
  let bytes = apply(kind, random, input, others);
  // Now and then stack a second mutation on the first.
  if (kind !== 'replay' && random.chance(0.25)) bytes = apply(random.pick(BYTE_MUTATIONS), random, bytes, others);
  return { bytes, kind };
}

function apply(kind: ByteMutation, random: Random, input: Uint8Array, others: readonly Uint8Array[]): Uint8Array {
  const bytes = Uint8Array.from(input);
  const at = (length = bytes.length) => random.int(0, Math.max(0, length - 1));
  switch (kind) {
    case 'bitflip': {
      for (let i = random.int(1, 4); i > 0 && bytes.length > 0; i--) {
        const index = at();
        bytes[index] = (bytes[index] ?? 0) ^ (1 << random.int(0, 7));
      }
      return bytes;
    }
    case 'interesting': {
      if (bytes.length > 0) bytes[at()] = random.pick(INTERESTING);
      return bytes;
    }
    case 'truncate':
      return bytes.subarray(0, at(bytes.length + 1));
    case 'extend':
      return concat(bytes, random.bytes(random.int(1, 64)));
    case 'varint': {
      // Replace one byte (often a length or a clock) by a varint far too big.
      const index = at();
      return concat(bytes.subarray(0, index), Uint8Array.from(random.pick(BIG_VARINTS)), bytes.subarray(index + 1));
    }
    case 'splice': {
      const other = others.length > 0 ? random.pick(others) : bytes;
      const from = at(other.length);
      const piece = other.subarray(from, from + random.int(1, 64));
      const index = at(bytes.length + 1);
      return concat(bytes.subarray(0, index), piece, bytes.subarray(index + random.int(0, 8)));
    }
    case 'duplicate': {
      const from = at();
      const piece = bytes.subarray(from, from + random.int(1, 32));
      const times = random.chance(0.1) ? random.int(100, 2000) : random.int(1, 8);
      return concat(bytes.subarray(0, from), ...Array.from({ length: times }, () => piece), bytes.subarray(from));
    }
    case 'garbage':
      return concat(bytes.subarray(0, random.int(0, Math.min(2, bytes.length))), random.bytes(random.int(0, 200)));
    case 'replay':
      return bytes;
  }
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
