// Where the SQLite doc log's appends land first. doc_updates is indexed by
// (room_id, seq), so a commit carrying one turn's keystrokes in a hundred rooms
// dirtied a hundred index pages, each written whole to the WAL: about 85 % of
// the commit's cost, one commit per turn, on the event loop, before the
// broadcast. The journal has no index: a commit writes its last page or two.
// Its rows move into doc_updates in batches, sorted by room, so each room's
// index page is written once per batch instead of once per turn; a batch pays
// off once it holds several rows per room, so the maintenance thread moves the
// journal once it holds JOURNAL_MOVE_ROWS, or after JOURNAL_MOVE_CHECKS checks
// with anything in it. The event loop moves it itself past JOURNAL_MAX_ROWS (no
// thread, or a slow one). A room's log is its doc_updates rows and its journal
// rows: whatever is committed in either is stored, so a SIGKILL loses nothing.
//
// The thread moves a batch in parts of whole rooms (drainJournalInParts), each
// its own transaction: a move of ~3,000 rows over 125 rooms held the write
// lock for ~10 ms of CPU, and the event loop's commit, due every few ms at
// capacity, waited behind it with every room's fan-out. A part of a few
// hundred rows holds it for ~1.5 ms and starts right after one of the loop's
// commits; a room's rows still move together, so its index page is written
// once per batch as before.
import type { StatementSync } from 'node:sqlite';
import { type Db, transaction } from './database.ts';
import type { LogRow } from './compaction.ts';

/** Rows at which the maintenance thread moves the journal (a few per room at the peers benchmark's load). */
export const JOURNAL_MOVE_ROWS = 2000;
/** Checks (the thread's journal timer) after which it moves whatever is there. */
export const JOURNAL_MOVE_CHECKS = 8;
/** Rows past which the event loop moves the journal itself. */
export const JOURNAL_MAX_ROWS = 8000;
/** Rows per part of the thread's moves, at most (a room with more moves alone, in one part). */
export const JOURNAL_PART_ROWS = 400;

export interface JournalStatements {
  insert: StatementSync;
  selectRoom: StatementSync;
  deleteRoom: StatementSync;
  span: StatementSync;
  move: StatementSync;
  deleteUpTo: StatementSync;
  moveRoom: StatementSync;
  rooms: StatementSync;
  moveRooms: StatementSync;
  deleteRooms: StatementSync;
}

export function journalStatements(db: Db): JournalStatements {
  return {
    insert: db.prepare('INSERT INTO doc_journal (room_id, data) VALUES (?, ?)'),
    // The rowid range where the room's rows lie (journal-spans.ts), not a scan of the whole journal.
    selectRoom: db.prepare('SELECT seq, data FROM doc_journal WHERE seq BETWEEN ? AND ? AND room_id = ? ORDER BY seq'),
    deleteRoom: db.prepare('DELETE FROM doc_journal WHERE room_id = ?'),
    // Both ends of the rowid: two seeks, however long the journal.
    span: db.prepare('SELECT min(seq) AS first, max(seq) AS last FROM doc_journal'),
    move: db.prepare('INSERT INTO doc_updates (room_id, data) SELECT room_id, data FROM doc_journal WHERE seq <= ? ORDER BY room_id, seq'),
    deleteUpTo: db.prepare('DELETE FROM doc_journal WHERE seq <= ?'),
    moveRoom: db.prepare('INSERT INTO doc_updates (room_id, data) SELECT room_id, data FROM doc_journal WHERE room_id = ? ORDER BY seq'),
    // A move in parts: its rooms with their rows (read outside the write lock), then each range of rooms.
    rooms: db.prepare('SELECT room_id, count(*) AS n FROM doc_journal WHERE seq <= ? GROUP BY room_id ORDER BY room_id'),
    moveRooms: db.prepare(
      'INSERT INTO doc_updates (room_id, data) SELECT room_id, data FROM doc_journal WHERE seq <= ? AND room_id BETWEEN ? AND ? ORDER BY room_id, seq',
    ),
    deleteRooms: db.prepare('DELETE FROM doc_journal WHERE seq <= ? AND room_id BETWEEN ? AND ?'),
  };
}

/** A room's journalled updates between two seqs (both included), oldest first. */
export function readJournal(statements: JournalStatements, roomId: string, first: number, last: number): LogRow[] {
  return statements.selectRoom.all(first, last, roomId).map((row) => ({ seq: Number(row.seq), data: row.data as Uint8Array }));
}

/** Rows in the journal, at most (seq may have gaps; never fewer). */
export function journalSpan(statements: JournalStatements): number {
  const row = statements.span.get() as { first: number | null; last: number | null } | undefined;
  if (row?.first == null || row.last == null) return 0;
  return row.last - row.first + 1;
}

/** Moves every journalled row into doc_updates in one transaction; returns how many moved. */
export function drainJournal(db: Db, statements: JournalStatements): number {
  return transaction(db, () => {
    const row = statements.span.get() as { last: number | null } | undefined;
    const last = row?.last;
    if (last == null) return 0;
    statements.move.run(last);
    return Number(statements.deleteUpTo.run(last).changes);
  });
}

/**
 * Moves every journalled row into doc_updates in parts of whole rooms (at most
 * `partRows` rows unless one room has more), one transaction each, calling
 * `between` before each part (the thread waits there for the event loop's next
 * commit). Returns how many moved.
 */
export function drainJournalInParts(db: Db, statements: JournalStatements, between: () => void, partRows = JOURNAL_PART_ROWS): number {
  const last = (statements.span.get() as { last: number | null } | undefined)?.last;
  if (last == null) return 0;
  const rooms = statements.rooms.all(last) as Array<{ room_id: string; n: number }>;
  let moved = 0;
  for (let from = 0; from < rooms.length; ) {
    let to = from;
    let rows = 0;
    while (to < rooms.length && (rows === 0 || rows + Number(rooms[to]?.n) <= partRows)) rows += Number(rooms[to++]?.n);
    const first = rooms[from]?.room_id;
    const lastRoom = rooms[to - 1]?.room_id;
    between();
    moved += transaction(db, () => {
      statements.moveRooms.run(last, first ?? null, lastRoom ?? null);
      return Number(statements.deleteRooms.run(last, first ?? null, lastRoom ?? null).changes);
    });
    from = to;
  }
  return moved;
}

/** Moves one room's journalled rows into doc_updates (before compacting it), in one transaction. */
export function drainRoom(db: Db, statements: JournalStatements, roomId: string): number {
  return transaction(db, () => {
    statements.moveRoom.run(roomId);
    return Number(statements.deleteRoom.run(roomId).changes);
  });
}
