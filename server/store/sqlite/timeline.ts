import { framesToThin, timelineEvent } from '../timeline-thinning.ts';
import { frameColumns, toStoredFrame } from '../timeline-rows.ts';
import type { NewFrame, StoredFrame, TimelineStore } from '../timeline.ts';
import { type Db, transaction } from './database.ts';

export class SqliteTimelineStore implements TimelineStore {
  readonly #db: Db;
  readonly #insert;
  readonly #count;
  readonly #keys;
  readonly #delete;
  readonly #forWork;

  constructor(db: Db) {
    this.#db = db;
    // A publish frame stored twice (a retry) stays one.
    this.#insert = db.prepare(
      `INSERT INTO timeline_frames (room_id, at, event, actor_id, prompt, layers, images, work_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (work_id) WHERE work_id IS NOT NULL DO NOTHING`,
    );
    this.#count = db.prepare('SELECT count(*) AS n FROM timeline_frames WHERE room_id = ?');
    this.#keys = db.prepare('SELECT seq, event FROM timeline_frames WHERE room_id = ? ORDER BY seq');
    this.#delete = db.prepare('DELETE FROM timeline_frames WHERE seq IN (SELECT value FROM json_each(?))');
    this.#forWork = db.prepare(
      `SELECT * FROM timeline_frames WHERE room_id = ? AND seq <= coalesce(
         (SELECT seq FROM timeline_frames WHERE work_id = ? AND room_id = ?),
         (SELECT max(seq) FROM timeline_frames WHERE room_id = ? AND at <= ?),
         0)
       ORDER BY seq`,
    );
  }

  async append(frame: NewFrame, maxFrames: number): Promise<void> {
    transaction(this.#db, () => this.#append(frame, maxFrames));
  }

  async appendMany(frames: readonly NewFrame[], maxFrames: number): Promise<void> {
    if (frames.length === 0) return;
    transaction(this.#db, () => {
      for (const frame of frames) this.#append(frame, maxFrames);
    });
  }

  #append(frame: NewFrame, maxFrames: number): void {
    this.#insert.run(...frameColumns(frame));
    if (Number(this.#count.get(frame.roomId)?.n ?? 0) <= maxFrames) return;
    const keys = this.#keys.all(frame.roomId).map((row) => ({ seq: Number(row.seq), event: timelineEvent(row.event) }));
    const thinned = framesToThin(keys, maxFrames);
    if (thinned.length > 0) this.#delete.run(JSON.stringify(thinned));
  }

  async forWork(roomId: string, work: { id: string; createdAt: string }): Promise<StoredFrame[]> {
    return this.#forWork.all(roomId, work.id, roomId, roomId, work.createdAt).map(toStoredFrame);
  }

  async count(roomId: string): Promise<number> {
    return Number(this.#count.get(roomId)?.n ?? 0);
  }
}
