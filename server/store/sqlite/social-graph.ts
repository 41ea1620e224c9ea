import type { PublicUser } from '../../../shared/protocol.ts';
import type { FollowCounts, GraphStore, Listed, SeqPage } from '../social.ts';
import { toPublicUser } from '../social-rows.ts';
import { userHidden } from '../social-sql.ts';
import { fullTextQuery } from '../work-feed-sql.ts';
import { type Db, transaction } from './database.ts';
import { mustHave } from '../must-have.ts';

const FIRST = Number.MAX_SAFE_INTEGER;
const json = (ids: readonly string[]) => JSON.stringify(ids);

export class SqliteGraphStore implements GraphStore {
  readonly #db: Db;
  readonly #s;

  constructor(db: Db) {
    this.#db = db;
    this.#s = {
      follow: db.prepare('INSERT INTO follows (follower_id, followee_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'),
      unfollow: db.prepare('DELETE FROM follows WHERE follower_id = ? AND followee_id = ?'),
      counts: db.prepare(
        `SELECT (SELECT count(*) FROM follows WHERE followee_id = ?1) AS followers,
                (SELECT count(*) FROM follows WHERE follower_id = ?1) AS following`,
      ),
      followers: db.prepare(
        `SELECT f.seq, u.id, u.name, u.color, u.handle, u.avatar_url FROM follows f JOIN users u ON u.id = f.follower_id
         WHERE f.followee_id = ? AND f.seq < ? AND NOT ${userHidden('u.id')} ORDER BY f.seq DESC LIMIT ?`,
      ),
      following: db.prepare(
        `SELECT f.seq, u.id, u.name, u.color, u.handle, u.avatar_url FROM follows f JOIN users u ON u.id = f.followee_id
         WHERE f.follower_id = ? AND f.seq < ? AND NOT ${userHidden('u.id')} ORDER BY f.seq DESC LIMIT ?`,
      ),
      followsAmong: db.prepare('SELECT followee_id FROM follows WHERE follower_id = ? AND followee_id IN (SELECT value FROM json_each(?))'),
      block: db.prepare('INSERT INTO blocks (blocker_id, blocked_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'),
      unblock: db.prepare('DELETE FROM blocks WHERE blocker_id = ? AND blocked_id = ?'),
      unfollowBoth: db.prepare(
        'DELETE FROM follows WHERE (follower_id = ?1 AND followee_id = ?2) OR (follower_id = ?2 AND followee_id = ?1)',
      ),
      blockersAmong: db.prepare('SELECT blocker_id FROM blocks WHERE blocked_id = ? AND blocker_id IN (SELECT value FROM json_each(?))'),
      blockedAmong: db.prepare('SELECT blocked_id FROM blocks WHERE blocker_id = ? AND blocked_id IN (SELECT value FROM json_each(?))'),
      blockersOf: db.prepare('SELECT blocker_id FROM blocks WHERE blocked_id = ?'),
      blockedEitherWay: db.prepare(
        'SELECT blocker_id AS other FROM blocks WHERE blocked_id = ?1 UNION SELECT blocked_id FROM blocks WHERE blocker_id = ?1',
      ),
      blocksAnyone: db.prepare('SELECT 1 FROM blocks WHERE blocker_id = ? LIMIT 1'),
      isBlocking: db.prepare('SELECT 1 FROM blocks WHERE blocker_id = ? AND blocked_id = ?'),
      searchUsers: db.prepare(
        `SELECT u.id, u.name, u.color, u.handle, u.avatar_url FROM users_fts f
           JOIN user_search_keys k ON k.n = f.rowid JOIN users u ON u.id = k.user_id
         WHERE users_fts MATCH ? AND u.deleted_at IS NULL AND NOT ${userHidden('u.id')}
           AND NOT EXISTS (SELECT 1 FROM blocks b WHERE b.blocker_id = ? AND b.blocked_id = u.id)
         ORDER BY bm25(users_fts, 1.0, 2.0), u.name LIMIT ? OFFSET ?`,
      ),
    };
  }

  async follow(followerId: string, followeeId: string, at: string): Promise<boolean> {
    return Number(this.#s.follow.run(followerId, followeeId, at).changes) > 0;
  }

  async unfollow(followerId: string, followeeId: string): Promise<boolean> {
    return Number(this.#s.unfollow.run(followerId, followeeId).changes) > 0;
  }

  async counts(userId: string): Promise<FollowCounts> {
    const row = mustHave(this.#s.counts.get(userId), 'counts');
    return { followers: Number(row.followers), following: Number(row.following) };
  }

  async followers(userId: string, page: SeqPage): Promise<Array<Listed<PublicUser>>> {
    return this.#s.followers
      .all(userId, page.before ?? FIRST, page.limit)
      .map((row) => ({ seq: Number(row.seq), value: toPublicUser(row) }));
  }

  async following(userId: string, page: SeqPage): Promise<Array<Listed<PublicUser>>> {
    return this.#s.following
      .all(userId, page.before ?? FIRST, page.limit)
      .map((row) => ({ seq: Number(row.seq), value: toPublicUser(row) }));
  }

  async followsAmong(userId: string, others: readonly string[]): Promise<Set<string>> {
    if (others.length === 0) return new Set();
    return new Set(this.#s.followsAmong.all(userId, json(others)).map((row) => String(row.followee_id)));
  }

  async block(blockerId: string, blockedId: string, at: string): Promise<boolean> {
    return transaction(this.#db, () => {
      const added = Number(this.#s.block.run(blockerId, blockedId, at).changes) > 0;
      this.#s.unfollowBoth.run(blockerId, blockedId);
      return added;
    });
  }

  async unblock(blockerId: string, blockedId: string): Promise<boolean> {
    return Number(this.#s.unblock.run(blockerId, blockedId).changes) > 0;
  }

  async blockersAmong(userId: string, others: readonly string[]): Promise<Set<string>> {
    if (others.length === 0) return new Set();
    return new Set(this.#s.blockersAmong.all(userId, json(others)).map((row) => String(row.blocker_id)));
  }

  async blockedAmong(userId: string, others: readonly string[]): Promise<Set<string>> {
    if (others.length === 0) return new Set();
    return new Set(this.#s.blockedAmong.all(userId, json(others)).map((row) => String(row.blocked_id)));
  }

  async blockersOf(userId: string): Promise<string[]> {
    return this.#s.blockersOf.all(userId).map((row) => String(row.blocker_id));
  }

  async blockedEitherWay(userId: string): Promise<string[]> {
    return this.#s.blockedEitherWay.all(userId).map((row) => String(row.other));
  }

  async blocksAnyone(userId: string): Promise<boolean> {
    return this.#s.blocksAnyone.get(userId) !== undefined;
  }

  async isBlocking(blockerId: string, blockedId: string): Promise<boolean> {
    return this.#s.isBlocking.get(blockerId, blockedId) !== undefined;
  }

  async searchUsers(terms: readonly string[], viewer: string | null, page: { limit: number; offset: number }): Promise<PublicUser[]> {
    if (terms.length === 0) return [];
    return this.#s.searchUsers.all(fullTextQuery(terms, 'sqlite'), viewer, page.limit, page.offset).map((row) => toPublicUser(row));
  }
}
