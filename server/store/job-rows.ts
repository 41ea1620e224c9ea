// Rows of the jobs table as job records and back, the same for every SQL
// backend. JSON columns arrive as text (SQLite) or parsed (PostgreSQL JSONB);
// timestamps as ISO text or Date.
import type { GenParams, JobErrorCode, JobImage, JobStatus } from '../../shared/protocol.ts';
import type { JobRecord } from './jobs.ts';
import { isoString, type Row } from './record-rows.ts';

const optional = (value: unknown): string | undefined => (value === null || value === undefined ? undefined : isoString(value));
const json = <T>(value: unknown): T | undefined =>
  value === null || value === undefined ? undefined : ((typeof value === 'string' ? JSON.parse(value) : value) as T);

export function toJob(row: Row): JobRecord {
  const job: JobRecord = {
    id: String(row.id),
    roomId: String(row.room_id),
    status: String(row.status) as JobStatus,
    progress: Number(row.progress),
    prompt: String(row.prompt),
    params: json<GenParams>(row.params) ?? {},
    requestedBy: String(row.requested_by),
    createdAt: isoString(row.created_at),
    nodeId: String(row.node_id),
    updatedAt: isoString(row.updated_at),
  };
  const startedAt = optional(row.started_at);
  const finishedAt = optional(row.finished_at);
  const previews = json<string[]>(row.previews);
  const results = json<JobImage[]>(row.results);
  if (startedAt !== undefined) job.startedAt = startedAt;
  if (finishedAt !== undefined) job.finishedAt = finishedAt;
  if (previews !== undefined) job.previews = previews;
  if (results !== undefined) job.results = results;
  if (row.error_code !== null && row.error_code !== undefined) {
    job.error = { code: String(row.error_code) as JobErrorCode, message: String(row.error_message ?? '') };
  }
  return job;
}

/**
 * The columns a save may change, in this order: status, progress, previews,
 * results, error_code, error_message, started_at, finished_at, updated_at, node_id.
 */
export function mutableColumns(job: JobRecord): Array<string | number | null> {
  return [
    job.status,
    job.progress,
    job.previews ? JSON.stringify(job.previews) : null,
    job.results ? JSON.stringify(job.results) : null,
    job.error?.code ?? null,
    job.error?.message ?? null,
    job.startedAt ?? null,
    job.finishedAt ?? null,
    job.updatedAt,
    job.nodeId,
  ];
}
