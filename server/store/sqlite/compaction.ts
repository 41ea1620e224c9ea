// The swap at the heart of a SQLite log compaction, shared by the event loop's
// path and the maintenance thread's: exactly the rows that were read are
// replaced by their merge, or nothing changes.
//
// The thread swaps in parts (swapMergedInParts). doc_updates is in seq order,
// so a room's rows lie between every other typing room's, and deleting 2,000
// of them at 125 rooms dirtied most of the pages they were spread over: ~31 ms
// of CPU holding the write lock, with the event loop's commit, and every
// room's fan-out, waiting behind it (docs/benchmarks.md, "Client path
// capacity"). Now the merged row goes in first, in a transaction of its own,
// and the rows it replaces are deleted a few hundred at a time, each part in
// the gap after one of the loop's commits. Meanwhile the log holds both the
// merge and some of its rows: the same changes twice, which a load merges
// away (Yjs applies a change once however often it is given it); a crash
// between parts leaves them for the next compaction to merge.
import type { StatementSync } from 'node:sqlite';
import type { CompactionResult } from '../doc-log.ts';
import { type Db, transaction } from './database.ts';

export interface LogRow {
  seq: number;
  data: Uint8Array;
}

export interface CompactionStatements {
  select: StatementSync;
  deleteRange: StatementSync;
  countRange: StatementSync;
  insert: StatementSync;
}

/** Rows the thread's swap deletes per transaction. */
export const SWAP_PART_ROWS = 200;

export function compactionStatements(db: Db): CompactionStatements {
  return {
    select: db.prepare('SELECT seq, data FROM doc_updates WHERE room_id = ? ORDER BY seq'),
    deleteRange: db.prepare('DELETE FROM doc_updates WHERE room_id = ? AND seq BETWEEN ? AND ?'),
    countRange: db.prepare('SELECT count(*) AS n FROM doc_updates WHERE room_id = ? AND seq BETWEEN ? AND ?'),
    insert: db.prepare('INSERT INTO doc_updates (room_id, data) VALUES (?, ?)'),
  };
}

export function readLog(statements: CompactionStatements, roomId: string): LogRow[] {
  return statements.select.all(roomId).map((row) => ({ seq: Number(row.seq), data: row.data as Uint8Array }));
}

/** Swaps `rows` (as read) for `merged`; if another compactor removed any of them meanwhile, changes nothing. */
export function swapMerged(
  db: Db,
  statements: CompactionStatements,
  roomId: string,
  rows: readonly LogRow[],
  merged: Uint8Array,
): CompactionResult {
  const bytesBefore = rows.reduce((sum, row) => sum + row.data.byteLength, 0);
  const first = rows[0];
  const last = rows.at(-1);
  if (!first || !last) return { merged: 0, bytesBefore, bytesAfter: bytesBefore };
  try {
    return transaction(db, () => {
      // Appends only ever get higher sequence numbers, so this range holds
      // exactly the rows read, unless someone else compacted them.
      const { changes } = statements.deleteRange.run(roomId, first.seq, last.seq);
      if (Number(changes) !== rows.length) throw new CompactionConflict();
      statements.insert.run(roomId, merged);
      return { merged: rows.length, bytesBefore, bytesAfter: merged.byteLength };
    });
  } catch (err) {
    if (err instanceof CompactionConflict) return { merged: 0, bytesBefore, bytesAfter: bytesBefore };
    throw err;
  }
}

class CompactionConflict extends Error {}

/**
 * The same swap in parts: `merged` is inserted if every row read is still
 * there (else nothing changes), then the rows are deleted at most `partRows`
 * at a time, `between` called before each transaction.
 */
export function swapMergedInParts(
  db: Db,
  statements: CompactionStatements,
  roomId: string,
  rows: readonly LogRow[],
  merged: Uint8Array,
  between: () => void,
  partRows = SWAP_PART_ROWS,
): CompactionResult {
  const bytesBefore = rows.reduce((sum, row) => sum + row.data.byteLength, 0);
  const first = rows[0];
  const last = rows.at(-1);
  if (!first || !last) return { merged: 0, bytesBefore, bytesAfter: bytesBefore };
  between();
  const inserted = transaction(db, () => {
    // Appends only ever get higher sequence numbers: the range holds exactly the rows read, unless someone else compacted them.
    const { n } = statements.countRange.get(roomId, first.seq, last.seq) as { n: number };
    if (Number(n) !== rows.length) return false;
    statements.insert.run(roomId, merged);
    return true;
  });
  if (!inserted) return { merged: 0, bytesBefore, bytesAfter: bytesBefore };
  for (let from = 0; from < rows.length; from += partRows) {
    const part = rows.slice(from, from + partRows);
    between();
    transaction(db, () => statements.deleteRange.run(roomId, part[0]?.seq ?? 0, part.at(-1)?.seq ?? 0));
  }
  return { merged: rows.length, bytesBefore, bytesAfter: merged.byteLength };
}
