// Reads a Yjs v1 update at the struct level, without integrating anything:
// each client's run of structs (where it starts, where it ends), every ID an
// item points at (origin, right origin, parent), and the delete set. Reading
// mirrors Yjs' own reader (readClientsStructRefs, readItemContent) so that an
// update this reads whole is one Yjs reads whole; anything it cannot read, or
// that Yjs would read differently (skips, duplicated clients, unknown content),
// is an UpdateRefused.
import * as decoding from 'lib0/decoding';

/** Why an update was refused; the room turns it into a `bad_request`. */
export class UpdateRefused extends Error {
  override name = 'UpdateRefused';
}

/**
 * Refused because it depends on something the room lacks (a future clock, a
 * missing origin, a delete of what is not there): from an honest client, the
 * sign that an earlier update of theirs was dropped, so the room asks them
 * for what it lacks (RoomEvents.syncWanted).
 */
export class UpdateGap extends UpdateRefused {
  override name = 'UpdateGap';
}

/** Yjs client ids are unsigned 32-bit numbers (random.uint32). */
export const MAX_CLIENT_ID = 0xffff_ffff;

/** One item's reference to another struct. */
export interface Reference {
  client: number;
  clock: number;
}

export interface StructRun {
  client: number;
  /** Clock of the first struct. */
  start: number;
  /** Clock just past the last struct. */
  end: number;
  /** Start clock of each struct, ascending (the run is contiguous). */
  starts: number[];
  /** References of each struct (empty for GC), by struct index. */
  refs: Reference[][];
}

export interface DeleteRange {
  client: number;
  clock: number;
  len: number;
}

export interface ReadUpdate {
  runs: StructRun[];
  deletes: DeleteRange[];
}

const NO_REFS: Reference[] = [];

/** Item content kinds (info & 0b11111), as Yjs' contentRefs number them. */
const CONTENT = { gc: 0, deleted: 1, json: 2, binary: 3, string: 4, embed: 5, format: 6, type: 7, any: 8, doc: 9, skip: 10 } as const;
/** Type refs whose content carries a node name (YXmlElement, YXmlHook). */
const NAMED_TYPE_REFS = new Set([3, 5]);
const MAX_TYPE_REF = 6;

export function readUpdate(update: Uint8Array, maxClock: number): ReadUpdate {
  const decoder = decoding.createDecoder(update);
  try {
    const runs = readStructs(decoder, maxClock);
    const deletes = readDeletes(decoder, maxClock);
    if (decoding.hasContent(decoder)) throw new UpdateRefused('trailing bytes after the update');
    return { runs, deletes };
  } catch (err) {
    if (err instanceof UpdateRefused) throw err;
    // lib0 throws plain errors (or RangeError for deep nesting) on truncated or malformed input.
    throw new UpdateRefused('malformed Yjs update', { cause: err });
  }
}

function readStructs(decoder: decoding.Decoder, maxClock: number): StructRun[] {
  const clients = decoding.readVarUint(decoder);
  const runs: StructRun[] = [];
  const seen = new Set<number>();
  for (let c = 0; c < clients; c++) {
    const count = decoding.readVarUint(decoder);
    const client = readClient(decoder);
    // Yjs keeps only the last run of a client listed twice: the earlier one would silently vanish.
    if (seen.has(client)) throw new UpdateRefused(`client ${client} listed twice`);
    seen.add(client);
    let clock = decoding.readVarUint(decoder);
    const start = clock;
    const starts: number[] = [];
    const refs: Reference[][] = [];
    for (let i = 0; i < count; i++) {
      const info = decoding.readUint8(decoder);
      const kind = info & 0b11111;
      starts.push(clock);
      let length: number;
      if (kind === CONTENT.gc) {
        length = decoding.readVarUint(decoder);
        refs.push(NO_REFS);
      } else if (kind === CONTENT.skip) {
        throw new UpdateRefused('skip structs (gaps) are not accepted');
      } else {
        const itemRefs: Reference[] = [];
        if (info & 0x80) itemRefs.push(readId(decoder));
        if (info & 0x40) itemRefs.push(readId(decoder));
        if ((info & 0xc0) === 0) {
          // No origin to copy the parent from: a root type's name, or the parent item's id.
          if (decoding.readVarUint(decoder) === 1) decoding.readVarString(decoder);
          else itemRefs.push(readId(decoder));
          if (info & 0x20) decoding.readVarString(decoder);
        }
        length = readContentLength(decoder, kind);
        refs.push(itemRefs);
      }
      if (length < 1) throw new UpdateRefused('empty struct');
      clock += length;
      if (clock > maxClock) throw new UpdateRefused(`clock of client ${client} past ${maxClock}`);
    }
    if (count > 0) runs.push({ client, start, end: clock, starts, refs });
  }
  return runs;
}

function readDeletes(decoder: decoding.Decoder, maxClock: number): DeleteRange[] {
  const clients = decoding.readVarUint(decoder);
  const deletes: DeleteRange[] = [];
  for (let c = 0; c < clients; c++) {
    const client = readClient(decoder);
    const ranges = decoding.readVarUint(decoder);
    for (let i = 0; i < ranges; i++) {
      const clock = decoding.readVarUint(decoder);
      const len = decoding.readVarUint(decoder);
      // Bounded before any arithmetic: 2^53 − 1 plus a length is where Yjs' encoders break.
      if (len < 1 || clock > maxClock || len > maxClock - clock) throw new UpdateRefused(`delete range of client ${client} out of bounds`);
      deletes.push({ client, clock, len });
    }
  }
  return deletes;
}

function readClient(decoder: decoding.Decoder): number {
  const client = decoding.readVarUint(decoder);
  if (client > MAX_CLIENT_ID) throw new UpdateRefused('client id out of range');
  return client;
}

function readId(decoder: decoding.Decoder): Reference {
  const client = readClient(decoder);
  return { client, clock: decoding.readVarUint(decoder) };
}

/** Reads one item's content as Yjs would, returning its length in clock ticks. */
function readContentLength(decoder: decoding.Decoder, kind: number): number {
  switch (kind) {
    case CONTENT.deleted:
      return decoding.readVarUint(decoder);
    case CONTENT.json: {
      const len = decoding.readVarUint(decoder);
      for (let i = 0; i < len; i++) {
        const text = decoding.readVarString(decoder);
        if (text !== 'undefined') JSON.parse(text);
      }
      return len;
    }
    case CONTENT.binary:
      decoding.readVarUint8Array(decoder);
      return 1;
    case CONTENT.string:
      // Yjs counts a string's length in UTF-16 code units.
      return decoding.readVarString(decoder).length;
    case CONTENT.embed:
      JSON.parse(decoding.readVarString(decoder));
      return 1;
    case CONTENT.format:
      decoding.readVarString(decoder);
      JSON.parse(decoding.readVarString(decoder));
      return 1;
    case CONTENT.type: {
      const typeRef = decoding.readVarUint(decoder);
      if (typeRef > MAX_TYPE_REF) throw new UpdateRefused(`unknown type ref ${typeRef}`);
      if (NAMED_TYPE_REFS.has(typeRef)) decoding.readVarString(decoder);
      return 1;
    }
    case CONTENT.any: {
      const len = decoding.readVarUint(decoder);
      for (let i = 0; i < len; i++) decoding.readAny(decoder);
      return len;
    }
    case CONTENT.doc:
      decoding.readVarString(decoder);
      decoding.readAny(decoder);
      return 1;
    default:
      throw new UpdateRefused(`unknown content kind ${kind}`);
  }
}
