// Reads which clock ranges a Yjs update (format v1) carries, without building
// Yjs structs: enough to count delivered keystrokes and time them. Handles the
// struct kinds a typing benchmark produces (strings, deletions, GC, skips);
// anything else throws, so a miscount cannot pass silently.
import * as decoding from 'lib0/decoding';

const GC = 0;
const SKIP = 10;
const CONTENT_DELETED = 1;
const CONTENT_STRING = 4;
const BITS5 = 0x1f;
const HAS_ORIGIN = 0x80;
const HAS_RIGHT_ORIGIN = 0x40;
const HAS_PARENT_SUB = 0x20;

export type RangeVisitor = (client: number, clock: number, length: number) => void;

/** Calls `visit` for every struct in the update, with its first clock and length. */
export function forEachStruct(update: Uint8Array, visit: RangeVisitor): void {
  const decoder = decoding.createDecoder(update);
  const clients = decoding.readVarUint(decoder);
  for (let c = 0; c < clients; c++) {
    const structs = decoding.readVarUint(decoder);
    const client = decoding.readVarUint(decoder);
    let clock = decoding.readVarUint(decoder);
    for (let s = 0; s < structs; s++) {
      const length = readStructLength(decoder);
      visit(client, clock, length);
      clock += length;
    }
  }
}

function readStructLength(decoder: decoding.Decoder): number {
  const info = decoding.readUint8(decoder);
  const ref = info & BITS5;
  if (ref === GC || ref === SKIP) return decoding.readVarUint(decoder);
  if (info & HAS_ORIGIN) {
    decoding.readVarUint(decoder);
    decoding.readVarUint(decoder);
  }
  if (info & HAS_RIGHT_ORIGIN) {
    decoding.readVarUint(decoder);
    decoding.readVarUint(decoder);
  }
  if ((info & (HAS_ORIGIN | HAS_RIGHT_ORIGIN)) === 0) {
    if (decoding.readVarUint(decoder) === 1) {
      decoding.readVarString(decoder); // root type name
    } else {
      decoding.readVarUint(decoder); // parent item id
      decoding.readVarUint(decoder);
    }
    if (info & HAS_PARENT_SUB) decoding.readVarString(decoder);
  }
  switch (ref) {
    case CONTENT_DELETED:
      return decoding.readVarUint(decoder);
    case CONTENT_STRING:
      return decoding.readVarString(decoder).length;
    default:
      throw new Error(`update-structs: content type ${ref} is not expected in a typing benchmark`);
  }
}
