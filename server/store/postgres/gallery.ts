import type { FeedQuery, GalleryStore, LikeResult, NewWork, TagCount, WorkLookup, WorkRecord, WorkSource } from '../gallery.ts';
import { toLayers, toTombstone, toWork } from '../gallery-rows.ts';
import type { Row } from '../record-rows.ts';
import { userHidden } from '../social-sql.ts';
import { feedSql, GATHER_FOLLOWS_BELOW, VISIBLE } from '../work-feed-sql.ts';
import { bytes, type Client, type Pool, toBuffer, transaction } from './database.ts';
import { mustHave } from '../must-have.ts';

/** Every column a work needs on the wire; never the layers or the Yjs state, which only a remix reads. */
const WORK_COLUMNS = `
  w.seq, w.id, w.room_id, w.remix_of, w.published_by, w.title, w.description, w.prompt,
  w.width, w.height, w.image_url, w.thumb_url, w.placeholder, w.likes, w.created_at,
  w.tags, w.allow_remix, w.hide_prompt, w.hidden_at,
  ${userHidden('w.published_by')} AS publisher_hidden,
  p.id AS parent_id, p.title AS parent_title, p.deleted_at AS parent_deleted_at, p.hidden_at AS parent_hidden_at,
  (SELECT coalesce(json_agg(json_build_object('id', u.id, 'name', u.name, 'color', u.color) ORDER BY a.position), '[]')
     FROM work_authors a JOIN users u ON u.id = a.user_id WHERE a.work_id = w.id) AS authors`;
const FROM_WORKS = 'FROM works w LEFT JOIN works p ON p.id = w.remix_of';
const LIVE = `${FROM_WORKS} WHERE ${VISIBLE}`;
/** Past every real key, for the first page. */
const FIRST = String(Number.MAX_SAFE_INTEGER);

export class PostgresGalleryStore implements GalleryStore {
  readonly #pool: Pool;

  constructor(pool: Pool) {
    this.#pool = pool;
  }

  async #rows(sql: string, params: unknown[], client: Pool | Client = this.#pool): Promise<Row[]> {
    return (await client.query<Row>(sql, params)).rows;
  }

  async addContributor(roomId: string, userId: string): Promise<void> {
    await this.#pool.query('INSERT INTO room_contributors (room_id, user_id, first_at) VALUES ($1, $2, now()) ON CONFLICT DO NOTHING', [
      roomId,
      userId,
    ]);
  }

  async listContributors(roomId: string): Promise<string[]> {
    const rows = await this.#rows('SELECT user_id FROM room_contributors WHERE room_id = $1 ORDER BY position', [roomId]);
    return rows.map((row) => String(row.user_id));
  }

  async insertWork(work: NewWork): Promise<WorkRecord> {
    return transaction(this.#pool, async (client) => {
      await client.query(
        `INSERT INTO works (id, room_id, remix_of, published_by, title, description, prompt, width, height,
           image_url, thumb_url, placeholder, layers, state, created_at, tags, allow_remix, hide_prompt)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
        [
          work.id,
          work.roomId,
          work.remixOf,
          work.publishedBy,
          work.title,
          work.description,
          work.prompt,
          work.width,
          work.height,
          work.imageUrl,
          work.thumbUrl,
          work.placeholder,
          JSON.stringify(work.layers),
          toBuffer(work.state),
          work.createdAt,
          JSON.stringify(work.tags),
          work.allowRemix,
          work.hidePrompt,
        ],
      );
      if (work.tags.length > 0) {
        await client.query(
          'INSERT INTO work_tags (tag, work_seq) SELECT unnest($1::text[]), seq FROM works WHERE id = $2 ON CONFLICT DO NOTHING',
          [work.tags, work.id],
        );
      }
      for (const [position, userId] of work.authorIds.entries()) {
        await client.query('INSERT INTO work_authors (work_id, position, user_id) VALUES ($1, $2, $3)', [work.id, position, userId]);
      }
      const [row] = await this.#rows(`SELECT ${WORK_COLUMNS} ${FROM_WORKS} WHERE w.id = $1`, [work.id], client);
      return toWork(mustHave(row, 'work'));
    });
  }

  async getWork(id: string): Promise<WorkLookup | null> {
    const [row] = await this.#rows(`SELECT ${WORK_COLUMNS}, w.deleted_at ${FROM_WORKS} WHERE w.id = $1`, [id]);
    if (!row) return null;
    if (row.deleted_at === null) return { state: 'live', work: toWork(row) };
    return { state: 'deleted', tombstone: toTombstone(row) };
  }

  async getWorkSource(id: string): Promise<WorkSource | null> {
    const [row] = await this.#rows(
      'SELECT title, prompt, layers, width, height, state, allow_remix, hide_prompt FROM works WHERE id = $1 AND deleted_at IS NULL AND hidden_at IS NULL',
      [id],
    );
    if (!row) return null;
    return {
      title: String(row.title),
      prompt: String(row.prompt),
      layers: toLayers(row.layers),
      width: Number(row.width),
      height: Number(row.height),
      state: bytes(row.state),
      allowRemix: row.allow_remix === true,
      hidePrompt: row.hide_prompt === true,
    };
  }

  async listWorks(query: FeedQuery): Promise<WorkRecord[]> {
    const follower = query.filter?.followedBy;
    let gatherFollows = false;
    if (follower !== undefined) {
      const [row] = await this.#rows('SELECT count(*) AS n FROM (SELECT 1 FROM follows WHERE follower_id = $1 LIMIT $2) f', [
        follower,
        GATHER_FOLLOWS_BELOW,
      ]);
      const followed = Number(mustHave(row, 'count').n);
      // Nobody followed, nothing to show: not a scan of every work.
      if (followed === 0) return [];
      gatherFollows = followed < GATHER_FOLLOWS_BELOW;
    }
    const { sql, params } = feedSql(query, 'postgres', WORK_COLUMNS, { gatherFollows });
    return (await this.#rows(sql, params)).map(toWork);
  }

  async popularTags(limit: number): Promise<TagCount[]> {
    const rows = await this.#rows(
      `SELECT t.tag, count(*) AS works FROM work_tags t JOIN works w ON w.seq = t.work_seq
       WHERE ${VISIBLE} GROUP BY t.tag ORDER BY works DESC, t.tag LIMIT $1`,
      [limit],
    );
    return rows.map((row) => ({ tag: String(row.tag), works: Number(row.works) }));
  }

  async listRemixes(workId: string, limit: number, beforeSeq?: number): Promise<WorkRecord[]> {
    const rows = await this.#rows(
      `SELECT ${WORK_COLUMNS} ${LIVE} AND w.remix_of = $1 AND w.seq < $2::bigint ORDER BY w.seq DESC LIMIT $3`,
      [workId, beforeSeq ?? FIRST, limit],
    );
    return rows.map(toWork);
  }

  async like(workId: string, userId: string): Promise<LikeResult | null> {
    return this.#changeLike(
      workId,
      'INSERT INTO work_likes (work_id, user_id, created_at) VALUES ($1, $2, now()) ON CONFLICT DO NOTHING',
      userId,
      1,
    );
  }

  async unlike(workId: string, userId: string): Promise<LikeResult | null> {
    return this.#changeLike(workId, 'DELETE FROM work_likes WHERE work_id = $1 AND user_id = $2', userId, -1);
  }

  /**
   * Adds or removes one like row and keeps the counter that `top` sorts on in
   * step, in one transaction; the work's row is locked first, so likes from
   * several nodes and a deletion take turns.
   */
  async #changeLike(workId: string, change: string, userId: string, delta: 1 | -1): Promise<LikeResult | null> {
    return transaction(this.#pool, async (client) => {
      const [live] = await this.#rows(
        'SELECT likes FROM works WHERE id = $1 AND deleted_at IS NULL AND hidden_at IS NULL FOR UPDATE',
        [workId],
        client,
      );
      if (!live) return null;
      const { rowCount } = await client.query(change, [workId, userId]);
      if (!rowCount) return { likes: Number(live.likes), changed: false };
      const [updated] = await this.#rows('UPDATE works SET likes = likes + $1 WHERE id = $2 RETURNING likes', [delta, workId], client);
      return { likes: Number(mustHave(updated, 'work').likes), changed: true };
    });
  }

  async likedBy(userId: string, workIds: readonly string[]): Promise<Set<string>> {
    if (workIds.length === 0) return new Set();
    const rows = await this.#rows('SELECT work_id FROM work_likes WHERE user_id = $1 AND work_id = ANY($2::text[])', [
      userId,
      [...workIds],
    ]);
    return new Set(rows.map((row) => String(row.work_id)));
  }

  async deleteWork(id: string, deletedAt: string): Promise<boolean> {
    return transaction(this.#pool, async (client) => {
      const { rowCount } = await client.query(
        `UPDATE works SET title = '', description = '', prompt = '', image_url = '', thumb_url = '',
           placeholder = '', layers = '[]', state = NULL, likes = 0, tags = '[]', deleted_at = $1
         WHERE id = $2 AND deleted_at IS NULL`,
        [deletedAt, id],
      );
      if (!rowCount) return false;
      await client.query('DELETE FROM work_authors WHERE work_id = $1', [id]);
      await client.query('DELETE FROM work_likes WHERE work_id = $1', [id]);
      await client.query('DELETE FROM work_tags WHERE work_seq = (SELECT seq FROM works WHERE id = $1)', [id]);
      return true;
    });
  }
}
