// Reading a y-protocols awareness update completely before anything applies it,
// so a truncated or malformed one changes nothing.
import * as decoding from 'lib0/decoding';

export interface AwarenessEntry {
  clientId: number;
  clock: number;
  /** Bytes of the state's JSON text. */
  stateBytes: number;
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
      entries.push({ clientId, clock, stateBytes: json.length, removed: state === null });
    }
    if (decoding.hasContent(decoder)) throw new MalformedAwareness('trailing bytes');
    return entries;
  } catch (err) {
    if (err instanceof MalformedAwareness) throw err;
    throw new MalformedAwareness('malformed awareness update', { cause: err });
  }
}
