import type { Row } from '../record-rows.ts';
import { framesToThin, timelineEvent } from '../timeline-thinning.ts';
import { frameColumns, toStoredFrame } from '../timeline-rows.ts';
import type { NewFrame, StoredFrame, TimelineStore } from '../timeline.ts';
import { type Pool, transaction } from './database.ts';

/** First half of the advisory lock that serialises one room's appends (database.ts LOCK_SPACE keeps the others). */
const TIMELINE_LOCK = 0x41544c54; // 'ATLT'

export class PostgresTimelineStore implements TimelineStore {
  readonly #pool: Pool;

  constructor(pool: Pool) {
    this.#pool = pool;
  }

  async append(frame: NewFrame, maxFrames: number): Promise<void> {
    await transaction(this.#pool, async (client) => {
      // Two nodes appending to one room take turns, so their thinnings never both delete down from the same count.
      await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [TIMELINE_LOCK, frame.roomId]);
      await client.query(
        `INSERT INTO timeline_frames (room_id, at, event, actor_id, prompt, layers, images, work_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (work_id) WHERE work_id IS NOT NULL DO NOTHING`,
        frameColumns(frame),
      );
      const { rows: counted } = await client.query<Row>('SELECT count(*) AS n FROM timeline_frames WHERE room_id = $1', [frame.roomId]);
      if (Number(counted[0]?.n ?? 0) <= maxFrames) return;
      const { rows } = await client.query<Row>('SELECT seq, event FROM timeline_frames WHERE room_id = $1 ORDER BY seq', [frame.roomId]);
      const thinned = framesToThin(
        rows.map((row) => ({ seq: Number(row.seq), event: timelineEvent(row.event) })),
        maxFrames,
      );
      if (thinned.length > 0) await client.query('DELETE FROM timeline_frames WHERE seq = ANY($1::bigint[])', [thinned]);
    });
  }

  /**
   * One transaction per frame, as append: a transaction taking several rooms'
   * advisory locks could take them in another order than another node's and
   * deadlock with it. Frames are few a second here; the commit per frame that
   * mattered is the embedded store's, on the event loop.
   */
  async appendMany(frames: readonly NewFrame[], maxFrames: number): Promise<void> {
    for (const frame of frames) await this.append(frame, maxFrames);
  }

  async forWork(roomId: string, work: { id: string; createdAt: string }): Promise<StoredFrame[]> {
    const { rows } = await this.#pool.query<Row>(
      `SELECT * FROM timeline_frames WHERE room_id = $1 AND seq <= coalesce(
         (SELECT seq FROM timeline_frames WHERE work_id = $2 AND room_id = $1),
         (SELECT max(seq) FROM timeline_frames WHERE room_id = $1 AND at <= $3),
         0)
       ORDER BY seq`,
      [roomId, work.id, work.createdAt],
    );
    return rows.map(toStoredFrame);
  }

  async count(roomId: string): Promise<number> {
    const { rows } = await this.#pool.query<Row>('SELECT count(*) AS n FROM timeline_frames WHERE room_id = $1', [roomId]);
    return Number(rows[0]?.n ?? 0);
  }
}
