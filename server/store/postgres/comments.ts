import type { Row } from '../record-rows.ts';
import type { CommentListQuery, CommentRecord, CommentStore, NewComment } from '../social.ts';
import { toComment } from '../social-rows.ts';
import { userHidden } from '../social-sql.ts';
import { type Client, type Pool, transaction } from './database.ts';
import { mustHave } from '../must-have.ts';

/** A comment with its author and the users it mentions (as they are now). */
const COLUMNS = `
  c.seq, c.id, c.work_id, c.parent_id, c.thread_seq, c.body, c.created_at, c.edited_at, c.hidden_at,
  u.id AS author_id, u.name AS author_name, u.color AS author_color, ${userHidden('c.author_id')} AS author_hidden,
  (SELECT coalesce(json_agg(json_build_object('id', m.id, 'name', m.name, 'color', m.color) ORDER BY j.n), '[]')
     FROM json_array_elements_text(c.mentions) WITH ORDINALITY AS j(id, n) JOIN users m ON m.id = j.id) AS mention_users`;
const FROM = 'FROM comments c JOIN users u ON u.id = c.author_id';
/** Shown: neither the comment, its author, nor (for a reply) its parent is hidden. */
const SHOWN = `c.hidden_at IS NULL AND NOT ${userHidden('c.author_id')}
  AND (c.parent_id IS NULL OR NOT EXISTS (SELECT 1 FROM comments pc WHERE pc.id = c.parent_id AND pc.hidden_at IS NOT NULL))`;

export class PostgresCommentStore implements CommentStore {
  readonly #pool: Pool;

  constructor(pool: Pool) {
    this.#pool = pool;
  }

  async #one(sql: string, params: unknown[], client: Pool | Client = this.#pool): Promise<Row | undefined> {
    return (await client.query<Row>(sql, params)).rows[0];
  }

  async insert(comment: NewComment): Promise<CommentRecord | null> {
    return transaction(this.#pool, async (client) => {
      let thread: string | null = null;
      if (comment.parentId !== null) {
        const parent = await this.#one('SELECT seq, work_id, parent_id FROM comments WHERE id = $1', [comment.parentId], client);
        if (!parent || parent.work_id !== comment.workId || parent.parent_id !== null) return null;
        thread = String(parent.seq);
      }
      // A top-level comment is its own thread: its seq, drawn first.
      await client.query(
        `INSERT INTO comments (seq, id, work_id, parent_id, thread_seq, author_id, body, mentions, created_at)
         SELECT s, $1, $2, $3, coalesce($4::bigint, s), $5, $6, $7, $8 FROM nextval(pg_get_serial_sequence('comments', 'seq')) AS s`,
        [
          comment.id,
          comment.workId,
          comment.parentId,
          thread,
          comment.authorId,
          comment.body,
          JSON.stringify(comment.mentionIds),
          comment.createdAt,
        ],
      );
      return toComment(mustHave(await this.#one(`SELECT ${COLUMNS} ${FROM} WHERE c.id = $1`, [comment.id], client), 'comment'));
    });
  }

  async get(id: string): Promise<CommentRecord | null> {
    const row = await this.#one(`SELECT ${COLUMNS} ${FROM} WHERE c.id = $1`, [id]);
    return row ? toComment(row) : null;
  }

  async list(workId: string, query: CommentListQuery): Promise<CommentRecord[]> {
    const after = query.after ?? { thread: -1, seq: -1 };
    const { rows } = await this.#pool.query<Row>(
      `SELECT ${COLUMNS} ${FROM}
       WHERE c.work_id = $1 AND (c.thread_seq, c.seq) > ($2::bigint, $3::bigint) AND ${SHOWN}
         AND NOT EXISTS (SELECT 1 FROM blocks b WHERE b.blocker_id = $4 AND b.blocked_id = c.author_id)
       ORDER BY c.thread_seq, c.seq LIMIT $5`,
      [workId, after.thread, after.seq, query.viewer ?? '', query.limit],
    );
    return rows.map(toComment);
  }

  async edit(id: string, body: string, mentionIds: readonly string[], editedAt: string): Promise<CommentRecord | null> {
    const { rowCount } = await this.#pool.query('UPDATE comments SET body = $1, mentions = $2, edited_at = $3 WHERE id = $4', [
      body,
      JSON.stringify(mentionIds),
      editedAt,
      id,
    ]);
    return rowCount ? this.get(id) : null;
  }

  async delete(id: string): Promise<string[]> {
    return transaction(this.#pool, async (client) => {
      const { rows } = await client.query<Row>('SELECT id FROM comments WHERE id = $1 OR parent_id = $1 ORDER BY seq FOR UPDATE', [id]);
      // Its replies go with it (ON DELETE CASCADE).
      await client.query('DELETE FROM comments WHERE id = $1', [id]);
      return rows.map((row) => String(row.id));
    });
  }

  async count(workId: string): Promise<number> {
    const row = await this.#one(`SELECT count(*) AS n ${FROM} WHERE c.work_id = $1 AND ${SHOWN}`, [workId]);
    return Number(mustHave(row, 'count').n);
  }
}
