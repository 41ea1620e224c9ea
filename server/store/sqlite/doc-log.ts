import * as Y from 'yjs';
import type { CompactionResult, DocLog, LogBatch, StoredDoc } from '../doc-log.ts';
import { type MergeUpdates, mergeInline } from '../merge.ts';
import { type Db, transaction } from './database.ts';

export class SqliteDocLog implements DocLog {
  readonly #db: Db;
  readonly #merge: MergeUpdates;
  readonly #select;
  readonly #insert;
  readonly #deleteRange;
  readonly #deleteAll;

  constructor(db: Db, merge: MergeUpdates = mergeInline) {
    this.#db = db;
    this.#merge = merge;
    this.#select = db.prepare('SELECT seq, data FROM doc_updates WHERE room_id = ? ORDER BY seq');
    this.#insert = db.prepare('INSERT INTO doc_updates (room_id, data) VALUES (?, ?)');
    this.#deleteRange = db.prepare('DELETE FROM doc_updates WHERE room_id = ? AND seq BETWEEN ? AND ?');
    this.#deleteAll = db.prepare('DELETE FROM doc_updates WHERE room_id = ?');
  }

  async load(roomId: string): Promise<StoredDoc> {
    const rows = this.#select.all(roomId);
    const updates = rows.map((row) => row.data as Uint8Array);
    const bytes = updates.reduce((sum, u) => sum + u.byteLength, 0);
    if (updates.length === 0) return { update: null, entries: 0, bytes: 0 };
    return { update: updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates), entries: updates.length, bytes };
  }

  async append(roomId: string, updates: readonly Uint8Array[]): Promise<void> {
    if (updates.length === 0) return;
    transaction(this.#db, () => {
      for (const update of updates) this.#insert.run(roomId, update);
    });
  }

  async appendMany(batches: readonly LogBatch[]): Promise<void> {
    if (batches.every((batch) => batch.updates.length === 0)) return;
    // One commit for all: a commit writes whole pages to the WAL, so a turn's
    // keystrokes in a hundred rooms cost one write instead of a hundred.
    transaction(this.#db, () => {
      for (const { roomId, updates } of batches) {
        for (const update of updates) this.#insert.run(roomId, update);
      }
    });
  }

  /**
   * Reads the log, merges it (possibly on another thread), then in one short
   * transaction swaps exactly the rows it read for the merged one. If another
   * compactor removed any of them meanwhile, it gives up and changes nothing.
   */
  async compact(roomId: string): Promise<CompactionResult> {
    const rows = this.#select.all(roomId);
    const bytesBefore = rows.reduce((sum, row) => sum + (row.data as Uint8Array).byteLength, 0);
    if (rows.length < 2) return { merged: 0, bytesBefore, bytesAfter: bytesBefore };
    const merged = await this.#merge(rows.map((row) => row.data as Uint8Array));
    const first = rows[0]!.seq as number;
    const last = rows[rows.length - 1]!.seq as number;
    try {
      return transaction(this.#db, () => {
        // Appends only ever get higher sequence numbers, so this range holds
        // exactly the rows read above, unless someone else compacted them.
        const { changes } = this.#deleteRange.run(roomId, first, last);
        if (Number(changes) !== rows.length) throw new CompactionConflict();
        this.#insert.run(roomId, merged);
        return { merged: rows.length, bytesBefore, bytesAfter: merged.byteLength };
      });
    } catch (err) {
      if (err instanceof CompactionConflict) return { merged: 0, bytesBefore, bytesAfter: bytesBefore };
      throw err;
    }
  }

  async remove(roomId: string): Promise<void> {
    this.#deleteAll.run(roomId);
  }
}

class CompactionConflict extends Error {}
