import type { SignalType } from '../../../shared/signals.ts';
import { toStoredSignal } from '../signal-rows.ts';
import type { NewSignal, SharedPageQuery, SignalStore, StoredOf, StoredSignal } from '../signals.ts';
import { type Db, transaction } from './database.ts';

/**
 * Shareable: no subject of the record lacks a user row that shares signals
 * (a subject unknown to the store counts as not consenting).
 */
const SHARED = `NOT EXISTS (
  SELECT 1 FROM signal_subjects j
  WHERE j.seq = s.seq
    AND NOT EXISTS (SELECT 1 FROM users u WHERE u.id = j.user_id AND u.share_signals = 1)
)`;

export class SqliteSignalStore implements SignalStore {
  readonly #db: Db;
  readonly #insert;
  readonly #insertSubject;
  readonly #latest;
  readonly #forJob;
  readonly #firstSince;
  readonly #page;

  constructor(db: Db) {
    this.#db = db;
    this.#insert = db.prepare(
      `INSERT INTO signals (key, type, user_id, room_id, job_id, at, data) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (key) DO NOTHING RETURNING seq`,
    );
    this.#insertSubject = db.prepare('INSERT OR IGNORE INTO signal_subjects (seq, user_id) VALUES (?, ?)');
    this.#latest = db.prepare('SELECT * FROM signals WHERE room_id = ? AND type = ? ORDER BY seq DESC LIMIT 1');
    this.#forJob = db.prepare('SELECT * FROM signals WHERE job_id = ? AND type = ? ORDER BY seq');
    this.#firstSince = db.prepare('SELECT min(seq) AS seq FROM signals WHERE at >= ?');
    this.#page = db.prepare(`SELECT s.* FROM signals s WHERE s.seq >= ? AND s.at >= ? AND ${SHARED} ORDER BY s.seq LIMIT ?`);
  }

  async append(signals: readonly NewSignal[]): Promise<number> {
    if (signals.length === 0) return 0;
    return transaction(this.#db, () => {
      let stored = 0;
      for (const signal of signals) {
        const row = this.#insert.get(
          signal.key,
          signal.type,
          signal.userId,
          signal.roomId,
          signal.jobId,
          signal.at,
          JSON.stringify(signal.data),
        );
        if (!row) continue;
        stored++;
        for (const subject of new Set([signal.userId, ...signal.subjects])) this.#insertSubject.run(Number(row.seq), subject);
      }
      return stored;
    });
  }

  async latest<T extends SignalType>(roomId: string, type: T): Promise<StoredOf<T> | null> {
    const row = this.#latest.get(roomId, type);
    return row ? (toStoredSignal(row) as StoredOf<T>) : null;
  }

  async forJob<T extends SignalType>(jobId: string, type: T): Promise<Array<StoredOf<T>>> {
    return this.#forJob.all(jobId, type).map((row) => toStoredSignal(row) as StoredOf<T>);
  }

  async sharedPage(query: SharedPageQuery): Promise<StoredSignal[]> {
    // Seqs below the first record at or after `since` cannot match: start there, not at the beginning.
    const from = query.after === undefined ? Number(this.#firstSince.get(query.since)?.seq ?? Number.MAX_SAFE_INTEGER) : query.after + 1;
    return this.#page.all(from, query.since, query.limit).map(toStoredSignal);
  }
}
