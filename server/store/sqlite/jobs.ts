import { mutableColumns as mutable, toJob } from '../job-rows.ts';
import type { FailUnfinished, JobRecord, JobStore } from '../jobs.ts';
import type { StatementSync } from 'node:sqlite';
import { type Db, readTogether } from './database.ts';

/** Distinct limits whose statement is kept (callers use one or two constants). */
const MAX_CACHED_LIMITS = 4;
/** Rooms with jobs this store keeps track of (about 60 bytes each); past it, every listing reads. */
const MAX_ROOMS_WITH_JOBS = 50_000;

export class SqliteJobStore implements JobStore {
  readonly #db: Db;
  readonly #insert;
  readonly #update;
  readonly #get;
  readonly #list;
  readonly #latestByLimit = new Map<number, StatementSync>();
  readonly #requesters;
  /**
   * The rooms that have a job, so that listing a room without any (every
   * events-socket join: `room:joined` carries the room's jobs) reads nothing.
   * Only this connection writes jobs (the maintenance thread moves the doc
   * journal and checkpoints; no other process opens the file): they are read
   * once here and each create adds its room. A deleted room's jobs go with it
   * while its id stays: a listing then reads, and finds none. Null once more
   * rooms than MAX_ROOMS_WITH_JOBS have jobs: every listing reads, as before.
   */
  #roomsWithJobs: Set<string> | null;

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
    const rooms = db.prepare(`SELECT DISTINCT room_id FROM jobs LIMIT ${MAX_ROOMS_WITH_JOBS + 1}`).all();
    this.#roomsWithJobs = rooms.length > MAX_ROOMS_WITH_JOBS ? null : new Set(rooms.map((row) => String(row.room_id)));
  }

  async create(job: JobRecord): Promise<void> {
    // Before the insert: a listing must never miss a room's job (one whose insert failed only costs a read).
    if (this.#roomsWithJobs) {
      this.#roomsWithJobs.add(job.roomId);
      if (this.#roomsWithJobs.size > MAX_ROOMS_WITH_JOBS) this.#roomsWithJobs = null;
    }
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
    if (this.#roomsWithJobs && !this.#roomsWithJobs.has(roomId)) return [];
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
