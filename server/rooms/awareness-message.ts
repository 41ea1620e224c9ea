// Reading a y-protocols awareness update completely before anything applies it,
// so a truncated or malformed one changes nothing.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

export interface AwarenessEntry {
  clientId: number;
  clock: number;
  /** The state's JSON text, as sent. */
  json: string;
  removed: boolean;
}

export class MalformedAwareness extends Error {}

/** The entries of an awareness update, or MalformedAwareness. */
export function readAwarenessUpdate(message: Uint8Array, maxEntries: number): AwarenessEntry[] {
  try {
    const decoder = decoding.createDecoder(message);
    const count = decoding.readVarUint(decoder);
    if (count > maxEntries) throw new MalformedAwareness(`more than ${maxEntries} states in one update`);
    const entries: AwarenessEntry[] = [];
    for (let i = 0; i < count; i++) {
      const clientId = decoding.readVarUint(decoder);
      const clock = decoding.readVarUint(decoder);
      const json = decoding.readVarString(decoder);
      const state: unknown = JSON.parse(json);
      if (state !== null && (typeof state !== 'object' || Array.isArray(state))) {
        throw new MalformedAwareness('an awareness state is an object or null');
      }
      entries.push({ clientId, clock, json, removed: state === null });
    }
    if (decoding.hasContent(decoder)) throw new MalformedAwareness('trailing bytes');
    return entries;
  } catch (err) {
    if (err instanceof MalformedAwareness) throw err;
    throw new MalformedAwareness('malformed awareness update', { cause: err });
  }
}

/** An awareness update holding just these entries, byte for byte as they were sent. */
export function encodeAwarenessEntries(entries: readonly AwarenessEntry[]): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, entries.length);
  for (const entry of entries) {
    encoding.writeVarUint(encoder, entry.clientId);
    encoding.writeVarUint(encoder, entry.clock);
    encoding.writeVarString(encoder, entry.json);
  }
  return encoding.toUint8Array(encoder);
}
