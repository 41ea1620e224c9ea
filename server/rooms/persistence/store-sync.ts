// Levelling a live room with its stored log, both ways. Used when the relay
// may have missed something: after Redis reconnects (other nodes' edits are in
// the log but were never relayed) and when a peer dies (it may have relayed
// edits in the turn before its own append, so only memory holds them).
import { mergeAll } from '../../../shared/merge-all.ts';
import * as Y from 'yjs';
import type { DocLog } from '../../store/doc-log.ts';
import type { Room } from '../room.ts';

export interface StoreSyncResult {
  /** The log held something the room lacked. */
  applied: boolean;
  /** The room held something the log lacked; it has been queued for appending. */
  appended: boolean;
}

export async function syncWithStore(room: Room, docLog: DocLog): Promise<StoreSyncResult> {
  // What this node accepted itself goes to the log first, so it is not counted as missing.
  await room.saver.flush();
  const stored = await docLog.load(room.id);
  if (room.destroyed) return { applied: false, appended: false };
  let applied = false;
  if (stored.update) {
    const onUpdate = () => {
      applied = true;
    };
    room.doc.on('update', onUpdate);
    room.applyStoredUpdate(stored.update);
    room.doc.off('update', onUpdate);
  }
  const missing = missingFromLog(stored.update, room.doc);
  if (missing) room.saver.add(missing);
  return { applied, appended: missing !== null };
}

/**
 * What `doc` holds that `stored` does not: apply both to a scratch document and
 * keep what the second application changed. Yjs emits an update only for new
 * structs or new deletions, so the result is null when the log is complete.
 */
export function missingFromLog(stored: Uint8Array | null, doc: Y.Doc): Uint8Array | null {
  const scratch = new Y.Doc();
  try {
    if (stored) Y.applyUpdate(scratch, stored);
    const changes: Uint8Array[] = [];
    scratch.on('update', (update: Uint8Array) => changes.push(update));
    Y.applyUpdate(scratch, Y.encodeStateAsUpdate(doc));
    if (changes.length === 0) return null;
    return mergeAll(changes);
  } finally {
    scratch.destroy();
  }
}
