import { mutableColumns as mutable, toJob } from '../job-rows.ts';
import type { FailUnfinished, JobRecord, JobStore } from '../jobs.ts';
import type { Row } from '../record-rows.ts';
import type { Pool } from './database.ts';

export class PostgresJobStore implements JobStore {
  readonly #pool: Pool;

  constructor(pool: Pool) {
    this.#pool = pool;
  }

  async create(job: JobRecord): Promise<void> {
    await this.#pool.query(
      `INSERT INTO jobs (status, progress, previews, results, error_code, error_message, started_at, finished_at,
         updated_at, node_id, id, room_id, requested_by, prompt, params, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
      [...mutable(job), job.id, job.roomId, job.requestedBy, job.prompt, JSON.stringify(job.params), job.createdAt],
    );
  }

  async save(job: JobRecord): Promise<boolean> {
    // A finished job is final: whichever node finished it (or found its node dead) wins.
    const { rowCount } = await this.#pool.query(
      `UPDATE jobs SET status = $1, progress = $2, previews = $3, results = $4, error_code = $5, error_message = $6,
         started_at = $7, finished_at = $8, updated_at = $9, node_id = $10
       WHERE id = $11 AND status IN ('queued', 'running')`,
      [...mutable(job), job.id],
    );
    return (rowCount ?? 0) > 0;
  }

  async get(id: string): Promise<JobRecord | null> {
    const { rows } = await this.#pool.query<Row>('SELECT * FROM jobs WHERE id = $1', [id]);
    return rows[0] ? toJob(rows[0]) : null;
  }

  async listForRoom(roomId: string, recent: number): Promise<JobRecord[]> {
    const { rows } = await this.#pool.query<Row>(
      `SELECT * FROM jobs WHERE room_id = $1 AND status IN ('queued', 'running')
       UNION ALL
       (SELECT * FROM jobs WHERE room_id = $1 AND status NOT IN ('queued', 'running')
        ORDER BY created_at DESC, id DESC LIMIT $2)
       ORDER BY created_at DESC, id DESC`,
      [roomId, recent],
    );
    return rows.map(toJob);
  }

  async failUnfinished({ nodeId, error, finishedAt }: FailUnfinished): Promise<JobRecord[]> {
    const { rows } = await this.#pool.query<Row>(
      `UPDATE jobs SET status = 'failed', error_code = $1, error_message = $2, finished_at = $3, updated_at = $3
       WHERE status IN ('queued', 'running') AND ($4::text IS NULL OR node_id = $4)
       RETURNING *`,
      [error.code, error.message, finishedAt, nodeId ?? null],
    );
    return rows.map(toJob);
  }

  async unfinishedNodes(): Promise<string[]> {
    const { rows } = await this.#pool.query<{ node_id: string }>("SELECT DISTINCT node_id FROM jobs WHERE status IN ('queued', 'running')");
    return rows.map((row) => row.node_id);
  }

  async requesters(roomId: string): Promise<string[]> {
    const { rows } = await this.#pool.query<{ requested_by: string }>(
      'SELECT requested_by FROM jobs WHERE room_id = $1 GROUP BY requested_by ORDER BY min(created_at), requested_by',
      [roomId],
    );
    return rows.map((row) => row.requested_by);
  }
}
