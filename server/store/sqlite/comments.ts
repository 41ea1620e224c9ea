import type { CommentListQuery, CommentRecord, CommentStore, NewComment } from '../social.ts';
import { toComment } from '../social-rows.ts';
import { userHidden } from '../social-sql.ts';
import { type Db, transaction } from './database.ts';
import { mustHave } from '../must-have.ts';

/** A comment with its author and the users it mentions (as they are now). */
const COLUMNS = `
  c.seq, c.id, c.work_id, c.parent_id, c.thread_seq, c.body, c.created_at, c.edited_at, c.hidden_at,
  u.id AS author_id, u.name AS author_name, u.color AS author_color, u.handle AS author_handle, u.avatar_url AS author_avatar_url, ${userHidden('c.author_id')} AS author_hidden,
  CASE WHEN c.mentions = '[]' THEN '[]' ELSE
    (SELECT json_group_array(json_object('id', m.id, 'name', m.name, 'color', m.color, 'handle', m.handle, 'avatar_url', m.avatar_url) ORDER BY j.key)
       FROM json_each(c.mentions) j JOIN users m ON m.id = j.value) END AS mention_users`;
const FROM = 'FROM comments c JOIN users u ON u.id = c.author_id';
/** Shown: neither the comment, its author, nor (for a reply) its parent is hidden. */
const SHOWN = `c.hidden_at IS NULL AND NOT ${userHidden('c.author_id')}
  AND (c.parent_id IS NULL OR NOT EXISTS (SELECT 1 FROM comments pc WHERE pc.id = c.parent_id AND pc.hidden_at IS NOT NULL))`;

export class SqliteCommentStore implements CommentStore {
  readonly #db: Db;
  readonly #s;

  constructor(db: Db) {
    this.#db = db;
    this.#s = {
      parent: db.prepare('SELECT seq, work_id, parent_id FROM comments WHERE id = ?'),
      insert: db.prepare(
        `INSERT INTO comments (id, work_id, parent_id, thread_seq, author_id, body, mentions, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq`,
      ),
      ownThread: db.prepare('UPDATE comments SET thread_seq = seq WHERE seq = ?'),
      get: db.prepare(`SELECT ${COLUMNS} ${FROM} WHERE c.id = ?`),
      list: db.prepare(
        `SELECT ${COLUMNS} ${FROM}
         WHERE c.work_id = ? AND (c.thread_seq, c.seq) > (?, ?) AND ${SHOWN}
           AND NOT EXISTS (SELECT 1 FROM blocks b WHERE b.blocker_id = ? AND b.blocked_id = c.author_id)
         ORDER BY c.thread_seq, c.seq LIMIT ?`,
      ),
      edit: db.prepare('UPDATE comments SET body = ?, mentions = ?, edited_at = ? WHERE id = ?'),
      thread: db.prepare('SELECT id FROM comments WHERE id = ?1 OR parent_id = ?1 ORDER BY seq'),
      delete: db.prepare('DELETE FROM comments WHERE id = ?'),
      count: db.prepare(`SELECT count(*) AS n ${FROM} WHERE c.work_id = ? AND ${SHOWN}`),
    };
  }

  async insert(comment: NewComment): Promise<CommentRecord | null> {
    const s = this.#s;
    return transaction(this.#db, () => {
      let thread = 0;
      if (comment.parentId !== null) {
        const parent = s.parent.get(comment.parentId);
        if (!parent || parent.work_id !== comment.workId || parent.parent_id !== null) return null;
        thread = Number(parent.seq);
      }
      const { seq } = mustHave(
        s.insert.get(
          comment.id,
          comment.workId,
          comment.parentId,
          thread,
          comment.authorId,
          comment.body,
          JSON.stringify(comment.mentionIds),
          comment.createdAt,
        ),
        'comment',
      );
      if (comment.parentId === null) s.ownThread.run(Number(seq));
      return toComment(mustHave(s.get.get(comment.id), 'comment'));
    });
  }

  async get(id: string): Promise<CommentRecord | null> {
    const row = this.#s.get.get(id);
    return row ? toComment(row) : null;
  }

  async list(workId: string, query: CommentListQuery): Promise<CommentRecord[]> {
    const after = query.after ?? { thread: -1, seq: -1 };
    return this.#s.list.all(workId, after.thread, after.seq, query.viewer ?? '', query.limit).map(toComment);
  }

  async edit(id: string, body: string, mentionIds: readonly string[], editedAt: string): Promise<CommentRecord | null> {
    if (Number(this.#s.edit.run(body, JSON.stringify(mentionIds), editedAt, id).changes) === 0) return null;
    return this.get(id);
  }

  async delete(id: string): Promise<string[]> {
    return transaction(this.#db, () => {
      const ids = this.#s.thread.all(id).map((row) => String(row.id));
      // Its replies go with it (ON DELETE CASCADE).
      this.#s.delete.run(id);
      return ids;
    });
  }

  async count(workId: string): Promise<number> {
    return Number(mustHave(this.#s.count.get(workId), 'count').n);
  }
}
