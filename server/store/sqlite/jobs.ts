import { mutableColumns as mutable, toJob } from '../job-rows.ts';
import type { FailUnfinished, JobRecord, JobStore } from '../jobs.ts';
import type { Db } from './database.ts';

export class SqliteJobStore implements JobStore {
  readonly #db: Db;
  readonly #insert;
  readonly #update;
  readonly #get;
  readonly #list;
  readonly #requesters;

  constructor(db: Db) {
    this.#db = db;
    this.#insert = db.prepare(
      `INSERT INTO jobs (id, room_id, requested_by, prompt, params, created_at,
         status, progress, previews, results, error_code, error_message, started_at, finished_at, updated_at, node_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#update = db.prepare(
      `UPDATE jobs SET status = ?, progress = ?, previews = ?, results = ?, error_code = ?, error_message = ?,
         started_at = ?, finished_at = ?, updated_at = ?, node_id = ?
       WHERE id = ? AND status IN ('queued', 'running')`,
    );
    this.#get = db.prepare('SELECT * FROM jobs WHERE id = ?');
    this.#list = db.prepare(
      `SELECT * FROM jobs WHERE room_id = ? AND status IN ('queued', 'running')
       UNION ALL
       SELECT * FROM (SELECT * FROM jobs WHERE room_id = ? AND status NOT IN ('queued', 'running')
                      ORDER BY created_at DESC, id DESC LIMIT ?)
       ORDER BY created_at DESC, id DESC`,
    );
    this.#requesters = db.prepare(
      'SELECT requested_by FROM jobs WHERE room_id = ? GROUP BY requested_by ORDER BY min(created_at), requested_by',
    );
  }

  async create(job: JobRecord): Promise<void> {
    this.#insert.run(job.id, job.roomId, job.requestedBy, job.prompt, JSON.stringify(job.params), job.createdAt, ...mutable(job));
  }

  async save(job: JobRecord): Promise<boolean> {
    return Number(this.#update.run(...mutable(job), job.id).changes) > 0;
  }

  async get(id: string): Promise<JobRecord | null> {
    const row = this.#get.get(id);
    return row ? toJob(row) : null;
  }

  async listForRoom(roomId: string, recent: number): Promise<JobRecord[]> {
    return this.#list.all(roomId, roomId, recent).map(toJob);
  }

  async failUnfinished({ nodeId, error, finishedAt }: FailUnfinished): Promise<JobRecord[]> {
    const rows = this.#db
      .prepare(
        `UPDATE jobs SET status = 'failed', error_code = ?, error_message = ?, finished_at = ?, updated_at = ?
         WHERE status IN ('queued', 'running') ${nodeId === undefined ? '' : 'AND node_id = ?'}
         RETURNING *`,
      )
      .all(error.code, error.message, finishedAt, finishedAt, ...(nodeId === undefined ? [] : [nodeId]));
    return rows.map(toJob);
  }

  async unfinishedNodes(): Promise<string[]> {
    return this.#db
      .prepare("SELECT DISTINCT node_id FROM jobs WHERE status IN ('queued', 'running')")
      .all()
      .map((row) => String(row.node_id));
  }

  async requesters(roomId: string): Promise<string[]> {
    return this.#requesters.all(roomId).map((row) => String(row.requested_by));
  }
}
