// A room's Y.Doc made from its stored state, and what the room can answer
// without Yjs doing the work (docs/benchmarks.md, "Join storm"): a client's
// empty answer is recognised as such, and the first client with nothing gets
// the stored state the room loaded from as it is.
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { defineRoots } from '../../shared/doc-schema.ts';
import { leanEmit } from './lean-emit.ts';

/**
 * The doc of room `id`, from its stored state (null: a new, empty one). The
 * room's id is its guid: Yjs would otherwise draw a random UUID a byte at a
 * time from the system's random source, the costliest step of loading a
 * small room. One transaction makes the schema's root types (which its
 * readers, signals and timeline, ask for at once) and applies the state.
 */
export function loadDoc(id: string, update: Uint8Array | null, origin: unknown): Y.Doc {
  const doc = new Y.Doc({ guid: id });
  // Before the load's transaction: its six events then allocate nothing for nobody listening.
  leanEmit(doc);
  doc.transact(() => {
    defineRoots(doc);
    if (update) Y.applyUpdate(doc, update, origin);
  }, origin);
  return doc;
}

/** A state vector of no clients: a client that has nothing yet. */
export function isEmptyStateVector(stateVector: Uint8Array): boolean {
  return stateVector.byteLength === 1 && stateVector[0] === 0;
}

/** A Yjs update (v1) with no structs and no deletions: zero clients of each. */
export function isEmptyUpdate(update: Uint8Array): boolean {
  return update.byteLength === 2 && update[0] === 0 && update[1] === 0;
}

/**
 * The sync step 2 for a client with nothing, from `loaded` (the stored state
 * the doc was made from, the doc unchanged since): all of it, as stored. Null
 * when it cannot stand for the doc (the client has something, or the doc
 * holds pending structs Yjs would merge into its own answer).
 */
export function loadedStep2(loaded: Uint8Array, doc: Y.Doc, stateVector: Uint8Array): Uint8Array | null {
  if (!isEmptyStateVector(stateVector) || doc.store.pendingStructs !== null || doc.store.pendingDs !== null) return null;
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, syncProtocol.messageYjsSyncStep2);
  encoding.writeVarUint8Array(encoder, loaded);
  return encoding.toUint8Array(encoder);
}
