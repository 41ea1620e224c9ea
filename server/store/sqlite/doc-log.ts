import { mergeAll } from '../../../shared/merge-all.ts';
import type { ClientClaim, CompactionResult, DocLog, LogBatch, StoredDoc } from '../doc-log.ts';
import { type MergeUpdates, mergeInline } from '../merge.ts';
import { type CompactionStatements, compactionStatements, type LogRow, readLog, swapMerged } from './compaction.ts';
import { type Db, readTogether, transaction } from './database.ts';
import {
  drainJournal,
  drainRoom,
  JOURNAL_MAX_ROWS,
  type JournalStatements,
  journalSpan,
  journalStatements,
  readJournal,
} from './doc-journal.ts';
import { JournalSpans } from './journal-spans.ts';

// Appends go to the journal (doc-journal.ts); a room's log is its rows in
// doc_updates and in the journal.
export class SqliteDocLog implements DocLog {
  readonly #db: Db;
  readonly #merge: MergeUpdates;
  readonly #statements: CompactionStatements;
  readonly #journal: JournalStatements;
  /** Rows journalled since the journal's size was last looked at. */
  #journalled = 0;
  readonly #spans: JournalSpans;
  readonly #deleteAll;
  readonly #claim;
  readonly #selectClaims;
  readonly #selectOwner;
  readonly #deleteClaims;
  readonly #compactor: ((roomId: string) => Promise<CompactionResult>) | undefined;

  /** `compactor`: compacts off the event loop (the maintenance thread); without it, here, merging with `merge`. */
  constructor(db: Db, merge: MergeUpdates = mergeInline, compactor?: (roomId: string) => Promise<CompactionResult>) {
    this.#db = db;
    this.#merge = merge;
    this.#statements = compactionStatements(db);
    this.#journal = journalStatements(db);
    this.#spans = new JournalSpans(db);
    this.#deleteAll = db.prepare('DELETE FROM doc_updates WHERE room_id = ?');
    // The first claim stands: a later one (another node's race) changes nothing.
    this.#claim = db.prepare('INSERT INTO room_clients (room_id, client_id, user_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
    this.#selectClaims = db.prepare('SELECT client_id, user_id FROM room_clients WHERE room_id = ?');
    this.#selectOwner = db.prepare('SELECT user_id FROM room_clients WHERE room_id = ? AND client_id = ?');
    this.#deleteClaims = db.prepare('DELETE FROM room_clients WHERE room_id = ?');
    this.#compactor = compactor;
  }

  async load(roomId: string): Promise<StoredDoc> {
    // One snapshot: the maintenance thread moving journal rows into the log
    // cannot fall between the reads (and hide them from both).
    const { rows, claims } = readTogether(this.#db, () => ({
      rows: [...readLog(this.#statements, roomId), ...this.#readJournal(roomId)],
      claims: this.#readClaims(roomId),
    }));
    const updates = rows.map((row) => row.data);
    const bytes = updates.reduce((sum, u) => sum + u.byteLength, 0);
    if (updates.length === 0) return { update: null, entries: 0, bytes: 0, claims };
    return { update: mergeAll(updates), entries: updates.length, bytes, claims };
  }

  /** The room's journalled rows, from where its span says they lie; its span goes once none are left. */
  #readJournal(roomId: string): LogRow[] {
    const span = this.#spans.of(roomId);
    if (!span) return [];
    const rows = readJournal(this.#journal, roomId, span.first, span.last);
    if (rows.length === 0) this.#spans.empty(roomId);
    return rows;
  }

  #insert(roomId: string, update: Uint8Array): void {
    this.#spans.added(roomId, this.#journal.insert.run(roomId, update).lastInsertRowid);
  }

  async append(roomId: string, updates: readonly Uint8Array[], claims: readonly ClientClaim[] = []): Promise<void> {
    if (updates.length === 0) return;
    transaction(this.#db, () => {
      for (const update of updates) this.#insert(roomId, update);
      for (const claim of claims) this.#claim.run(roomId, claim.clientId, claim.userId);
    });
    this.#bound(updates.length);
  }

  async claims(roomId: string): Promise<ClientClaim[]> {
    return this.#readClaims(roomId);
  }

  #readClaims(roomId: string): ClientClaim[] {
    return this.#selectClaims.all(roomId).map((row) => ({ clientId: Number(row.client_id), userId: String(row.user_id) }));
  }

  async claim(roomId: string, { clientId, userId }: ClientClaim): Promise<string> {
    this.#claim.run(roomId, clientId, userId);
    const row = this.#selectOwner.get(roomId, clientId);
    return row ? String(row.user_id) : userId;
  }

  async appendMany(batches: readonly LogBatch[]): Promise<void> {
    if (batches.every((batch) => batch.updates.length === 0)) return;
    // One commit for all: a commit writes whole pages to the WAL, so a turn's
    // keystrokes in a hundred rooms cost one write instead of a hundred.
    let rows = 0;
    transaction(this.#db, () => {
      for (const { roomId, updates, claims = [] } of batches) {
        for (const update of updates) this.#insert(roomId, update);
        for (const claim of claims) this.#claim.run(roomId, claim.clientId, claim.userId);
        rows += updates.length;
      }
    });
    this.#bound(rows);
  }

  /** Moves the journal into doc_updates now (compaction, shutdown, tests); returns the rows moved. */
  drainJournal(): number {
    this.#journalled = 0;
    const moved = drainJournal(this.#db, this.#journal);
    this.#spans.rebuild();
    return moved;
  }

  /** The maintenance thread moves the journal on its timer; past JOURNAL_MAX_ROWS (no thread, or behind) this does. */
  #bound(rows: number): void {
    this.#journalled += rows;
    if (this.#journalled < JOURNAL_MAX_ROWS) return;
    this.#journalled = 0;
    if (journalSpan(this.#journal) >= JOURNAL_MAX_ROWS) this.drainJournal();
  }

  /**
   * Reads the log, merges it (possibly on another thread), then in one short
   * transaction swaps exactly the rows it read for the merged one. If another
   * compactor removed any of them meanwhile, it gives up and changes nothing.
   */
  async compact(roomId: string): Promise<CompactionResult> {
    if (this.#compactor) {
      try {
        return await this.#compactor(roomId);
      } catch {
        // The thread is gone or failed: the same work on the event loop still keeps the log small.
      }
    }
    // Everything appended so far is merged: the room's journalled rows too.
    drainRoom(this.#db, this.#journal, roomId);
    const rows = readLog(this.#statements, roomId);
    if (rows.length < 2) {
      const bytes = rows.reduce((sum, row) => sum + row.data.byteLength, 0);
      return { merged: 0, bytesBefore: bytes, bytesAfter: bytes };
    }
    const merged = await this.#merge(rows.map((row) => row.data));
    return swapMerged(this.#db, this.#statements, roomId, rows, merged);
  }

  async remove(roomId: string): Promise<void> {
    transaction(this.#db, () => {
      this.#deleteAll.run(roomId);
      this.#journal.deleteRoom.run(roomId);
      this.#deleteClaims.run(roomId);
    });
  }
}
