import * as Y from 'yjs';
import type { CompactionResult, DocLog, StoredDoc } from '../doc-log.ts';
import { type Db, transaction } from './database.ts';

export class SqliteDocLog implements DocLog {
  readonly #db: Db;
  readonly #select;
  readonly #insert;
  readonly #deleteUpTo;
  readonly #deleteAll;

  constructor(db: Db) {
    this.#db = db;
    this.#select = db.prepare('SELECT seq, data FROM doc_updates WHERE room_id = ? ORDER BY seq');
    this.#insert = db.prepare('INSERT INTO doc_updates (room_id, data) VALUES (?, ?)');
    this.#deleteUpTo = db.prepare('DELETE FROM doc_updates WHERE room_id = ? AND seq <= ?');
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

  async compact(roomId: string): Promise<CompactionResult> {
    return transaction(this.#db, () => {
      const rows = this.#select.all(roomId);
      const bytesBefore = rows.reduce((sum, row) => sum + (row.data as Uint8Array).byteLength, 0);
      if (rows.length < 2) return { merged: 0, bytesBefore, bytesAfter: bytesBefore };
      const merged = Y.mergeUpdates(rows.map((row) => row.data as Uint8Array));
      this.#deleteUpTo.run(roomId, rows[rows.length - 1]!.seq as number);
      this.#insert.run(roomId, merged);
      return { merged: rows.length, bytesBefore, bytesAfter: merged.byteLength };
    });
  }

  async remove(roomId: string): Promise<void> {
    this.#deleteAll.run(roomId);
  }
}
