import { mutableColumns as mutable, toJob } from '../job-rows.ts';
import type { FailUnfinished, JobRecord, JobStore } from '../jobs.ts';
import type { StatementSync } from 'node:sqlite';
import { type Db, readTogether } from './database.ts';

/** Distinct limits whose statement is kept (callers use one or two constants). */
const MAX_CACHED_LIMITS = 4;

export class SqliteJobStore implements JobStore {
  readonly #db: Db;
  readonly #insert;
  readonly #update;
  readonly #get;
  readonly #list;
  readonly #latestByLimit = new Map<number, StatementSync>();
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
    // Active jobs and the latest finished ones are two plain reads merged
    // here: as one UNION ALL under an outer ORDER BY, SQLite's sorters cost
    // several times as much, on every events-socket join.
    this.#list = db.prepare(`SELECT * FROM jobs WHERE room_id = ? AND status IN ('queued', 'running')`);
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
    const latest = this.#latest(recent);
    const rows = readTogether(this.#db, () => [...this.#list.all(roomId), ...latest.all(roomId)]);
    return rows.map(toJob).sort(newestFirst);
  }

  /**
   * The latest finished jobs, with the limit written into the statement:
   * bound as a parameter, SQLite sets up a sorter for an unknown limit even
   * on no rows (10 µs against 1.4 µs). Callers pass a constant, so few are made.
   */
  #latest(limit: number): StatementSync {
    if (!Number.isSafeInteger(limit) || limit < 0) throw new RangeError(`not a row count: ${limit}`);
    let statement = this.#latestByLimit.get(limit);
    if (!statement) {
      statement = this.#db.prepare(
        `SELECT * FROM jobs WHERE room_id = ? AND status NOT IN ('queued', 'running') ORDER BY created_at DESC, id DESC LIMIT ${limit}`,
      );
      if (this.#latestByLimit.size < MAX_CACHED_LIMITS) this.#latestByLimit.set(limit, statement);
    }
    return statement;
  }

  async failUnfinished({ nodeId, error, finishedAt }: FailUnfinished): Promise<JobRecord[]> {
    const statement = this.#db.prepare(
      `UPDATE jobs SET status = 'failed', error_code = ?, error_message = ?, finished_at = ?, updated_at = ?
       WHERE status IN ('queued', 'running') ${nodeId === undefined ? '' : 'AND node_id = ?'}
       RETURNING *`,
    );
    const rows = statement.all(error.code, error.message, finishedAt, finishedAt, ...(nodeId === undefined ? [] : [nodeId]));
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

/** Newest first, then by id (descending), as SQL's `ORDER BY created_at DESC, id DESC` on their text. */
function newestFirst(a: JobRecord, b: JobRecord): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? 1 : -1;
  return a.id === b.id ? 0 : a.id < b.id ? 1 : -1;
}
