import type { SignalType } from '../../../shared/signals.ts';
import type { Row } from '../record-rows.ts';
import { toStoredSignal } from '../signal-rows.ts';
import type { NewSignal, SharedPageQuery, SignalStore, StoredOf, StoredSignal } from '../signals.ts';
import { type Pool, transaction } from './database.ts';

/**
 * Shareable: no subject of the record lacks a user row that shares signals
 * (a subject unknown to the store counts as not consenting).
 */
const SHARED = `NOT EXISTS (
  SELECT 1 FROM signal_subjects j
  WHERE j.seq = s.seq
    AND NOT EXISTS (SELECT 1 FROM users u WHERE u.id = j.user_id AND u.share_signals)
)`;

/**
 * Seqs come from a sequence, assigned at insert: a record whose transaction
 * commits after a later one was read can be missed by an export already past
 * it. Records are appended in small transactions, so the window is a few
 * milliseconds at the head of the log.
 */
export class PostgresSignalStore implements SignalStore {
  readonly #pool: Pool;

  constructor(pool: Pool) {
    this.#pool = pool;
  }

  async append(signals: readonly NewSignal[]): Promise<number> {
    if (signals.length === 0) return 0;
    return transaction(this.#pool, async (client) => {
      let stored = 0;
      for (const signal of signals) {
        const { rows } = await client.query<Row>(
          `INSERT INTO signals (key, type, user_id, room_id, job_id, at, data) VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (key) DO NOTHING RETURNING seq`,
          [signal.key, signal.type, signal.userId, signal.roomId, signal.jobId, signal.at, JSON.stringify(signal.data)],
        );
        const row = rows[0];
        if (!row) continue;
        stored++;
        await client.query('INSERT INTO signal_subjects (seq, user_id) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING', [
          row.seq,
          [...new Set([signal.userId, ...signal.subjects])],
        ]);
      }
      return stored;
    });
  }

  async latest<T extends SignalType>(roomId: string, type: T): Promise<StoredOf<T> | null> {
    const { rows } = await this.#pool.query<Row>('SELECT * FROM signals WHERE room_id = $1 AND type = $2 ORDER BY seq DESC LIMIT 1', [
      roomId,
      type,
    ]);
    return rows[0] ? (toStoredSignal(rows[0]) as StoredOf<T>) : null;
  }

  async forJob<T extends SignalType>(jobId: string, type: T): Promise<Array<StoredOf<T>>> {
    const { rows } = await this.#pool.query<Row>('SELECT * FROM signals WHERE job_id = $1 AND type = $2 ORDER BY seq', [jobId, type]);
    return rows.map((row) => toStoredSignal(row) as StoredOf<T>);
  }

  async sharedPage(query: SharedPageQuery): Promise<StoredSignal[]> {
    let from: string | number;
    if (query.after === undefined) {
      // Seqs below the first record at or after `since` cannot match: start there, not at the beginning.
      const { rows } = await this.#pool.query<Row>('SELECT min(seq) AS seq FROM signals WHERE at >= $1', [query.since]);
      if (rows[0]?.seq === null || rows[0]?.seq === undefined) return [];
      from = String(rows[0].seq);
    } else {
      from = query.after + 1;
    }
    const { rows } = await this.#pool.query<Row>(
      `SELECT s.* FROM signals s WHERE s.seq >= $1 AND s.at >= $2 AND ${SHARED} ORDER BY s.seq LIMIT $3`,
      [from, query.since, query.limit],
    );
    return rows.map(toStoredSignal);
  }
}
