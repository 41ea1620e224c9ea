// Rows of the signals table as records, the same for every SQL backend.
import type { SignalType } from '../../shared/signals.ts';
import type { StoredSignal } from './signals.ts';

type Row = Record<string, unknown>;

/** Timestamps arrive as ISO text (SQLite) or Date (PostgreSQL); data as JSON text or already parsed (jsonb). */
export function toStoredSignal(row: Row): StoredSignal {
  const data: unknown = typeof row.data === 'string' ? JSON.parse(row.data) : row.data;
  // The row was written from a typed signal of this type: the pair cannot disagree.
  return {
    seq: Number(row.seq),
    key: String(row.key),
    type: String(row.type) as SignalType,
    userId: String(row.user_id),
    roomId: String(row.room_id),
    jobId: row.job_id === null || row.job_id === undefined ? null : String(row.job_id),
    at: row.at instanceof Date ? row.at.toISOString() : String(row.at),
    data,
  } as StoredSignal;
}
