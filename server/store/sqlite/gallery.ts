import type { StatementSync } from 'node:sqlite';
import type { FeedQuery, GalleryStore, LikeResult, NewWork, TagCount, WorkKey, WorkLookup, WorkRecord, WorkSource } from '../gallery.ts';
import { toLayers, toTombstone, toWork } from '../gallery-rows.ts';
import { userHidden } from '../social-sql.ts';
import { feedSql, GATHER_FOLLOWS_BELOW, VISIBLE } from '../work-feed-sql.ts';
import { type Db, transaction } from './database.ts';
import { mustHave } from '../must-have.ts';

/** Every column a work needs on the wire; never the layers or the Yjs state, which only a remix reads. */
const WORK_COLUMNS = `
  w.seq, w.id, w.room_id, w.remix_of, w.published_by, w.title, w.description, w.prompt,
  w.width, w.height, w.image_url, w.thumb_url, w.placeholder, w.likes, w.created_at,
  w.tags, w.allow_remix, w.hide_prompt, w.hidden_at,
  ${userHidden('w.published_by')} AS publisher_hidden,
  p.id AS parent_id, p.title AS parent_title, p.deleted_at AS parent_deleted_at, p.hidden_at AS parent_hidden_at,
  (SELECT json_group_array(json_object('id', u.id, 'name', u.name, 'color', u.color, 'handle', u.handle, 'avatarUrl', u.avatar_url) ORDER BY a.position)
     FROM work_authors a JOIN users u ON u.id = a.user_id WHERE a.work_id = w.id) AS authors`;
const FROM_WORKS = 'FROM works w LEFT JOIN works p ON p.id = w.remix_of';
/** Just what places a work in a list. */
const KEY_COLUMNS = 'w.seq, w.id, w.likes';
/** Past every real key, for the first page. */
const FIRST = Number.MAX_SAFE_INTEGER;

export class SqliteGalleryStore implements GalleryStore {
  readonly #db: Db;
  readonly #statements;
  /** Feed statements by shape (sort and filters). */
  readonly #feeds = new Map<string, StatementSync>();

  constructor(db: Db) {
    this.#db = db;
    const live = `${FROM_WORKS} WHERE ${VISIBLE}`;
    this.#statements = {
      addContributor: db.prepare('INSERT INTO room_contributors (room_id, user_id, first_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'),
      listContributors: db.prepare('SELECT user_id FROM room_contributors WHERE room_id = ? ORDER BY rowid'),
      insertWork: db.prepare(
        `INSERT INTO works (id, room_id, remix_of, published_by, title, description, prompt, width, height,
           image_url, thumb_url, placeholder, layers, state, created_at, tags, allow_remix, hide_prompt)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq`,
      ),
      insertAuthor: db.prepare('INSERT INTO work_authors (work_id, position, user_id) VALUES (?, ?, ?)'),
      insertTag: db.prepare('INSERT OR IGNORE INTO work_tags (tag, work_seq) VALUES (?, ?)'),
      deleteTags: db.prepare('DELETE FROM work_tags WHERE work_seq = (SELECT seq FROM works WHERE id = ?)'),
      popularTags: db.prepare(
        `SELECT t.tag, count(*) AS works FROM work_tags t JOIN works w ON w.seq = t.work_seq
         WHERE ${VISIBLE} GROUP BY t.tag ORDER BY works DESC, t.tag LIMIT ?`,
      ),
      getWork: db.prepare(`SELECT ${WORK_COLUMNS}, w.deleted_at ${FROM_WORKS} WHERE w.id = ?`),
      authorIds: db.prepare('SELECT user_id FROM work_authors WHERE work_id = ? ORDER BY position'),
      getWorks: db.prepare(`SELECT ${WORK_COLUMNS} ${FROM_WORKS} WHERE w.id IN (SELECT value FROM json_each(?)) AND w.deleted_at IS NULL`),
      getSource: db.prepare(
        'SELECT title, prompt, layers, width, height, state, allow_remix, hide_prompt FROM works WHERE id = ? AND deleted_at IS NULL AND hidden_at IS NULL',
      ),
      followCount: db.prepare('SELECT count(*) AS n FROM (SELECT 1 FROM follows WHERE follower_id = ? LIMIT ?)'),
      listRemixes: db.prepare(`SELECT ${WORK_COLUMNS} ${live} AND w.remix_of = ? AND w.seq < ? ORDER BY w.seq DESC LIMIT ?`),
      listByAuthor: db.prepare(
        `SELECT ${WORK_COLUMNS} ${live}
           AND w.id IN (SELECT work_id FROM work_authors WHERE user_id = ?) AND w.seq < ? ORDER BY w.seq DESC LIMIT ?`,
      ),
      authorStats: db.prepare(
        `SELECT count(*) AS works, coalesce(sum(w.likes), 0) AS likes FROM works w
         WHERE ${VISIBLE} AND w.id IN (SELECT work_id FROM work_authors WHERE user_id = ?)`,
      ),
      isLive: db.prepare('SELECT likes FROM works WHERE id = ? AND deleted_at IS NULL AND hidden_at IS NULL'),
      insertLike: db.prepare('INSERT INTO work_likes (work_id, user_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'),
      deleteLike: db.prepare('DELETE FROM work_likes WHERE work_id = ? AND user_id = ?'),
      addLikes: db.prepare('UPDATE works SET likes = likes + ? WHERE id = ? RETURNING likes'),
      likedBy: db.prepare('SELECT work_id FROM work_likes WHERE user_id = ? AND work_id IN (SELECT value FROM json_each(?))'),
      tombstone: db.prepare(
        `UPDATE works SET title = '', description = '', prompt = '', image_url = '', thumb_url = '',
           placeholder = '', layers = '[]', state = NULL, likes = 0, tags = '[]', deleted_at = ?
         WHERE id = ? AND deleted_at IS NULL`,
      ),
      deleteAuthors: db.prepare('DELETE FROM work_authors WHERE work_id = ?'),
      deleteLikes: db.prepare('DELETE FROM work_likes WHERE work_id = ?'),
    };
  }

  async addContributor(roomId: string, userId: string): Promise<void> {
    this.#statements.addContributor.run(roomId, userId, new Date().toISOString());
  }

  async listContributors(roomId: string): Promise<string[]> {
    return this.#statements.listContributors.all(roomId).map((row) => String(row.user_id));
  }

  async insertWork(work: NewWork): Promise<WorkRecord> {
    const s = this.#statements;
    return transaction(this.#db, () => {
      const inserted = s.insertWork.get(
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
        work.state,
        work.createdAt,
        JSON.stringify(work.tags),
        work.allowRemix ? 1 : 0,
        work.hidePrompt ? 1 : 0,
      );
      for (const [position, userId] of work.authorIds.entries()) s.insertAuthor.run(work.id, position, userId);
      const seq = Number(mustHave(inserted, 'work').seq);
      for (const tag of work.tags) s.insertTag.run(tag, seq);
      return toWork(mustHave(s.getWork.get(work.id), 'work'));
    });
  }

  async getWork(id: string): Promise<WorkLookup | null> {
    const row = this.#statements.getWork.get(id);
    if (!row) return null;
    if (row.deleted_at === null) return { state: 'live', work: toWork(row) };
    return { state: 'deleted', tombstone: toTombstone(row) };
  }

  async authorIds(workId: string): Promise<string[]> {
    return this.#statements.authorIds.all(workId).map((row) => String(row.user_id));
  }

  async getWorkSource(id: string): Promise<WorkSource | null> {
    const row = this.#statements.getSource.get(id);
    if (!row) return null;
    return {
      title: String(row.title),
      prompt: String(row.prompt),
      layers: toLayers(row.layers),
      width: Number(row.width),
      height: Number(row.height),
      state: row.state as Uint8Array,
      allowRemix: row.allow_remix === 1,
      hidePrompt: row.hide_prompt === 1,
    };
  }

  async listWorks(query: FeedQuery): Promise<WorkRecord[]> {
    return this.#feed(query, WORK_COLUMNS).map(toWork);
  }

  async listWorkKeys(query: FeedQuery): Promise<WorkKey[]> {
    return this.#feed(query, KEY_COLUMNS).map((row) => ({ id: String(row.id), seq: Number(row.seq), likes: Number(row.likes) }));
  }

  async getWorks(ids: readonly string[]): Promise<WorkRecord[]> {
    if (ids.length === 0) return [];
    return this.#statements.getWorks.all(JSON.stringify(ids)).map(toWork);
  }

  #feed(query: FeedQuery, columns: string): Record<string, unknown>[] {
    const follower = query.filter?.followedBy;
    let gatherFollows = false;
    if (follower !== undefined) {
      const followed = Number(mustHave(this.#statements.followCount.get(follower, GATHER_FOLLOWS_BELOW), 'count').n);
      // Nobody followed, nothing to show: not a scan of every work.
      if (followed === 0) return [];
      gatherFollows = followed < GATHER_FOLLOWS_BELOW;
    }
    const { sql, params, shape } = feedSql(query, 'sqlite', columns, { gatherFollows });
    const key = `${columns === KEY_COLUMNS ? 'k' : 'w'}${shape}`;
    let statement = this.#feeds.get(key);
    if (!statement) {
      statement = this.#db.prepare(sql);
      this.#feeds.set(key, statement);
    }
    return statement.all(...(params as Array<string | number>));
  }

  async popularTags(limit: number): Promise<TagCount[]> {
    return this.#statements.popularTags.all(limit).map((row) => ({ tag: String(row.tag), works: Number(row.works) }));
  }

  async listRemixes(workId: string, limit: number, beforeSeq?: number): Promise<WorkRecord[]> {
    return this.#statements.listRemixes.all(workId, beforeSeq ?? FIRST, limit).map(toWork);
  }

  async listWorksByAuthor(userId: string, limit: number, beforeSeq?: number): Promise<WorkRecord[]> {
    return this.#statements.listByAuthor.all(userId, beforeSeq ?? FIRST, limit).map(toWork);
  }

  async authorStats(userId: string): Promise<{ works: number; likes: number }> {
    const row = this.#statements.authorStats.get(userId);
    return { works: Number(row?.works ?? 0), likes: Number(row?.likes ?? 0) };
  }

  async like(workId: string, userId: string): Promise<LikeResult | null> {
    return this.#changeLike(workId, () => this.#statements.insertLike.run(workId, userId, new Date().toISOString()).changes, 1);
  }

  async unlike(workId: string, userId: string): Promise<LikeResult | null> {
    return this.#changeLike(workId, () => this.#statements.deleteLike.run(workId, userId).changes, -1);
  }

  /** Adds or removes one like row and keeps the counter that `top` sorts on in step, in one transaction. */
  #changeLike(workId: string, change: () => number | bigint, delta: 1 | -1): LikeResult | null {
    const s = this.#statements;
    return transaction(this.#db, () => {
      const live = s.isLive.get(workId);
      if (!live) return null;
      if (Number(change()) === 0) return { likes: Number(live.likes), changed: false };
      const updated = mustHave(s.addLikes.get(delta, workId), 'work');
      return { likes: Number(updated.likes), changed: true };
    });
  }

  async likedBy(userId: string, workIds: readonly string[]): Promise<Set<string>> {
    if (workIds.length === 0) return new Set();
    const rows = this.#statements.likedBy.all(userId, JSON.stringify(workIds));
    return new Set(rows.map((row) => String(row.work_id)));
  }

  async deleteWork(id: string, deletedAt: string): Promise<boolean> {
    const s = this.#statements;
    return transaction(this.#db, () => {
      if (Number(s.tombstone.run(deletedAt, id).changes) === 0) return false;
      s.deleteAuthors.run(id);
      s.deleteLikes.run(id);
      s.deleteTags.run(id);
      return true;
    });
  }
}
