// Pending state: what a Y.Doc holds back because it depends on something it
// lacks (structs whose origins never arrived, deletes of ranges it does not
// have). MAX_DOC_BYTES does not see it, so unchecked it grew without bound
// (issue 18, finding 4). Participants' updates are checked so that they never
// leave any (check-update.ts); what other nodes relay or the log holds is not,
// so every apply is followed by this bound.
import type * as Y from 'yjs';

/** MAX_PENDING_BYTES's default, for rooms made without a Config (tests, tools). */
export const DEFAULT_MAX_PENDING_BYTES = 1024 * 1024;

export function pendingBytes(doc: Y.Doc): number {
  const { pendingStructs, pendingDs } = doc.store;
  return (pendingStructs?.update.byteLength ?? 0) + (pendingDs?.byteLength ?? 0);
}

/**
 * Drops the doc's pending state when it is past `max`; returns how many bytes
 * were dropped (0 when within). What is dropped was never integrated: the
 * document itself does not change.
 */
export function boundPending(doc: Y.Doc, max: number): number {
  const bytes = pendingBytes(doc);
  if (bytes <= max) return 0;
  doc.store.pendingStructs = null;
  doc.store.pendingDs = null;
  return bytes;
}
