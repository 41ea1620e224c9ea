// The swap at the heart of a SQLite log compaction, shared by the event loop's
// path and the maintenance thread's: exactly the rows that were read are
// replaced by their merge, or nothing changes.
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
  insert: StatementSync;
}

export function compactionStatements(db: Db): CompactionStatements {
  return {
    select: db.prepare('SELECT seq, data FROM doc_updates WHERE room_id = ? ORDER BY seq'),
    deleteRange: db.prepare('DELETE FROM doc_updates WHERE room_id = ? AND seq BETWEEN ? AND ?'),
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
