import type { PublicUser } from '../../../shared/protocol.ts';
import type { Row } from '../record-rows.ts';
import type { FollowCounts, GraphStore, Listed, SeqPage } from '../social.ts';
import { toPublicUser } from '../social-rows.ts';
import { userHidden } from '../social-sql.ts';
import { fullTextQuery } from '../work-feed-sql.ts';
import { type Pool, transaction } from './database.ts';
import { mustHave } from '../must-have.ts';

const FIRST = String(Number.MAX_SAFE_INTEGER);

export class PostgresGraphStore implements GraphStore {
  readonly #pool: Pool;

  constructor(pool: Pool) {
    this.#pool = pool;
  }

  async #rows(sql: string, params: unknown[]): Promise<Row[]> {
    return (await this.#pool.query<Row>(sql, params)).rows;
  }

  async follow(followerId: string, followeeId: string, at: string): Promise<boolean> {
    const { rowCount } = await this.#pool.query(
      'INSERT INTO follows (follower_id, followee_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
      [followerId, followeeId, at],
    );
    return (rowCount ?? 0) > 0;
  }

  async unfollow(followerId: string, followeeId: string): Promise<boolean> {
    const { rowCount } = await this.#pool.query('DELETE FROM follows WHERE follower_id = $1 AND followee_id = $2', [
      followerId,
      followeeId,
    ]);
    return (rowCount ?? 0) > 0;
  }

  async counts(userId: string): Promise<FollowCounts> {
    const [row] = await this.#rows(
      `SELECT (SELECT count(*) FROM follows WHERE followee_id = $1) AS followers,
              (SELECT count(*) FROM follows WHERE follower_id = $1) AS following`,
      [userId],
    );
    const counts = mustHave(row, 'counts');
    return { followers: Number(counts.followers), following: Number(counts.following) };
  }

  async followers(userId: string, page: SeqPage): Promise<Array<Listed<PublicUser>>> {
    return this.#listed('follower_id', 'followee_id', userId, page);
  }

  async following(userId: string, page: SeqPage): Promise<Array<Listed<PublicUser>>> {
    return this.#listed('followee_id', 'follower_id', userId, page);
  }

  async #listed(shown: string, given: string, userId: string, page: SeqPage): Promise<Array<Listed<PublicUser>>> {
    const rows = await this.#rows(
      `SELECT f.seq, u.id, u.name, u.color, u.handle, u.avatar_url FROM follows f JOIN users u ON u.id = f.${shown}
       WHERE f.${given} = $1 AND f.seq < $2::bigint AND NOT ${userHidden('u.id')} ORDER BY f.seq DESC LIMIT $3`,
      [userId, page.before ?? FIRST, page.limit],
    );
    return rows.map((row) => ({ seq: Number(row.seq), value: toPublicUser(row) }));
  }

  async followsAmong(userId: string, others: readonly string[]): Promise<Set<string>> {
    if (others.length === 0) return new Set();
    const rows = await this.#rows('SELECT followee_id FROM follows WHERE follower_id = $1 AND followee_id = ANY($2::text[])', [
      userId,
      [...others],
    ]);
    return new Set(rows.map((row) => String(row.followee_id)));
  }

  async block(blockerId: string, blockedId: string, at: string): Promise<boolean> {
    return transaction(this.#pool, async (client) => {
      const { rowCount } = await client.query(
        'INSERT INTO blocks (blocker_id, blocked_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
        [blockerId, blockedId, at],
      );
      await client.query('DELETE FROM follows WHERE (follower_id = $1 AND followee_id = $2) OR (follower_id = $2 AND followee_id = $1)', [
        blockerId,
        blockedId,
      ]);
      return (rowCount ?? 0) > 0;
    });
  }

  async unblock(blockerId: string, blockedId: string): Promise<boolean> {
    const { rowCount } = await this.#pool.query('DELETE FROM blocks WHERE blocker_id = $1 AND blocked_id = $2', [blockerId, blockedId]);
    return (rowCount ?? 0) > 0;
  }

  async blockersAmong(userId: string, others: readonly string[]): Promise<Set<string>> {
    if (others.length === 0) return new Set();
    const rows = await this.#rows('SELECT blocker_id FROM blocks WHERE blocked_id = $1 AND blocker_id = ANY($2::text[])', [
      userId,
      [...others],
    ]);
    return new Set(rows.map((row) => String(row.blocker_id)));
  }

  async blockedAmong(userId: string, others: readonly string[]): Promise<Set<string>> {
    if (others.length === 0) return new Set();
    const rows = await this.#rows('SELECT blocked_id FROM blocks WHERE blocker_id = $1 AND blocked_id = ANY($2::text[])', [
      userId,
      [...others],
    ]);
    return new Set(rows.map((row) => String(row.blocked_id)));
  }

  async blockersOf(userId: string): Promise<string[]> {
    return (await this.#rows('SELECT blocker_id FROM blocks WHERE blocked_id = $1', [userId])).map((row) => String(row.blocker_id));
  }

  async blockedEitherWay(userId: string): Promise<string[]> {
    const rows = await this.#rows(
      'SELECT blocker_id AS other FROM blocks WHERE blocked_id = $1 UNION SELECT blocked_id FROM blocks WHERE blocker_id = $1',
      [userId],
    );
    return rows.map((row) => String(row.other));
  }

  async blocksAnyone(userId: string): Promise<boolean> {
    return (await this.#rows('SELECT 1 FROM blocks WHERE blocker_id = $1 LIMIT 1', [userId])).length > 0;
  }

  async isBlocking(blockerId: string, blockedId: string): Promise<boolean> {
    return (await this.#rows('SELECT 1 FROM blocks WHERE blocker_id = $1 AND blocked_id = $2', [blockerId, blockedId])).length > 0;
  }

  async searchUsers(terms: readonly string[], viewer: string | null, page: { limit: number; offset: number }): Promise<PublicUser[]> {
    if (terms.length === 0) return [];
    const rows = await this.#rows(
      `SELECT u.id, u.name, u.color, u.handle, u.avatar_url FROM users u, to_tsquery('simple', $1) q
       WHERE u.search @@ q AND u.deleted_at IS NULL AND NOT ${userHidden('u.id')}
         AND NOT EXISTS (SELECT 1 FROM blocks b WHERE b.blocker_id = $2 AND b.blocked_id = u.id)
       ORDER BY ts_rank(u.search, q) DESC, u.name LIMIT $3 OFFSET $4`,
      [fullTextQuery(terms, 'postgres'), viewer ?? '', page.limit, page.offset],
    );
    return rows.map((row) => toPublicUser(row));
  }
}
