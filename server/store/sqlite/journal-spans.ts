// Where each room's journalled rows lie (doc-journal.ts), so that loading a
// room does not scan the journal. The journal has no index (appends would
// dirty one index page per room), so `WHERE room_id = ?` read every row in it:
// up to JOURNAL_MOVE_ROWS and more, about 100 µs per load at 1,500 rows, a
// fifth of a join's CPU when every room had just been written (docs/benchmarks.md,
// "Join storm"). This keeps, for every room that may have rows there, the
// lowest and highest seq it was given; a load reads that rowid range only,
// and a room without a span (the usual case: its rows were moved long ago)
// reads nothing from the journal.
//
// This connection notes each seq as it inserts it. Any other connection's
// commit (the maintenance thread moving rows, another process on the same
// file) changes SQLite's `data_version`, and the next load reads every span
// afresh from the table, in the snapshot it reads the room in; so a span can
// be wider than its room's rows, never miss one. Seqs may be reused once the
// journal empties (`INTEGER PRIMARY KEY`): a span widens to cover a reused seq
// like any other. A span is dropped when a read of it finds nothing (nothing
// of this connection's can be appended between, on the same thread), and all
// are read afresh once they outnumber the rooms the journal holds by much.
import type { StatementSync } from 'node:sqlite';
import type { Db } from './database.ts';

interface Span {
  first: number;
  last: number;
}

/** Spans kept before they are read afresh from the journal (then twice as many as it holds). */
const MIN_REBUILD_AT = 4096;

export class JournalSpans {
  readonly #spans = new Map<string, Span>();
  readonly #all: StatementSync;
  readonly #dataVersion: StatementSync;
  /** `data_version` when the spans were last read from the table. */
  #seen = -1;
  #rebuildAt = MIN_REBUILD_AT;

  constructor(db: Db) {
    this.#all = db.prepare('SELECT room_id, min(seq) AS first, max(seq) AS last FROM doc_journal GROUP BY room_id');
    this.#dataVersion = db.prepare('PRAGMA data_version');
    this.rebuild();
  }

  /**
   * The room's rows, if any, lie between these seqs (both included). Call
   * within the read transaction that reads them: another connection's commit
   * since the last call is noticed, and the spans read again, in it.
   */
  of(roomId: string): Readonly<Span> | undefined {
    if (this.#version() !== this.#seen) this.rebuild();
    return this.#spans.get(roomId);
  }

  /** Row `seq` of the room was just inserted. */
  added(roomId: string, seq: number | bigint): void {
    const n = Number(seq);
    const span = this.#spans.get(roomId);
    if (span) {
      if (n < span.first) span.first = n;
      if (n > span.last) span.last = n;
      return;
    }
    this.#spans.set(roomId, { first: n, last: n });
    if (this.#spans.size >= this.#rebuildAt) this.rebuild();
  }

  /** A read of the room's span, in the same snapshot as nothing appended since, found no rows. */
  empty(roomId: string): void {
    this.#spans.delete(roomId);
  }

  /** Every span from the journal as it is now (at start, once they pile up, after the journal was emptied here). */
  rebuild(): void {
    this.#seen = this.#version();
    this.#spans.clear();
    for (const row of this.#all.all()) this.#spans.set(String(row.room_id), { first: Number(row.first), last: Number(row.last) });
    this.#rebuildAt = Math.max(MIN_REBUILD_AT, 2 * this.#spans.size);
  }

  #version(): number {
    return Number((this.#dataVersion.get() as { data_version: number }).data_version);
  }

  get size(): number {
    return this.#spans.size;
  }
}
