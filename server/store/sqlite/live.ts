import type { GrantRole } from '../../../shared/live.ts';
import type { LiveStore, Refusals, Revocation, RoomRoles } from '../live.ts';
import { groupBlocked, groupRoles } from '../live-rows.ts';
import { type Db, transaction } from './database.ts';

export class SqliteLiveStore implements LiveStore {
  readonly #db: Db;
  readonly #s;

  constructor(db: Db) {
    this.#db = db;
    this.#s = {
      list: db.prepare(
        `INSERT INTO live_listings (room_id, listed_at) SELECT id, ? FROM rooms WHERE id = ?
         ON CONFLICT (room_id) DO NOTHING`,
      ),
      unlist: db.prepare('DELETE FROM live_listings WHERE room_id = ?'),
      exists: db.prepare('SELECT 1 FROM rooms WHERE id = ?'),
      isListed: db.prepare('SELECT 1 FROM live_listings WHERE room_id = ?'),
      among: db.prepare('SELECT room_id FROM live_listings WHERE room_id IN (SELECT value FROM json_each(?))'),
      closedOrGone: db.prepare(
        `SELECT i.value AS id, r.id IS NULL AS gone FROM json_each(?) i LEFT JOIN rooms r ON r.id = i.value
         WHERE r.id IS NULL OR r.hidden_at IS NOT NULL`,
      ),
      blocked: db.prepare(
        `SELECT r.id AS room_id, b.blocked_id FROM rooms r JOIN blocks b ON b.blocker_id = r.owner_id
         WHERE r.id IN (SELECT value FROM json_each(?)) AND b.blocked_id IN (SELECT value FROM json_each(?))`,
      ),
      roles: db.prepare(
        `SELECT r.id AS room_id, r.link_access, m.user_id, m.role, NULL AS revoked_at FROM rooms r
         LEFT JOIN memberships m ON m.room_id = r.id AND m.user_id IN (SELECT value FROM json_each(?1))
         WHERE r.id IN (SELECT value FROM json_each(?2))
         UNION ALL
         SELECT r.id, r.link_access, v.user_id, NULL, v.revoked_at FROM role_revocations v JOIN rooms r ON r.id = v.room_id
         WHERE v.room_id IN (SELECT value FROM json_each(?2)) AND v.user_id IN (SELECT value FROM json_each(?1))`,
      ),
      forget: db.prepare('DELETE FROM memberships WHERE room_id = ? AND user_id = ?'),
      revoke: db.prepare(
        `INSERT INTO role_revocations (room_id, user_id, revoked_at) SELECT id, ?2, ?3 FROM rooms WHERE id = ?1
         ON CONFLICT (room_id, user_id) DO UPDATE SET revoked_at = excluded.revoked_at`,
      ),
      unrevoke: db.prepare('DELETE FROM role_revocations WHERE room_id = ? AND user_id = ?'),
      revocationsOf: db.prepare('SELECT room_id, revoked_at FROM role_revocations WHERE user_id = ? ORDER BY revoked_at, room_id'),
      membership: db.prepare(
        `INSERT INTO memberships (room_id, user_id, role, joined_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (room_id, user_id) DO UPDATE SET role = excluded.role`,
      ),
    };
  }

  async setListed(roomId: string, listed: boolean, at: string): Promise<boolean> {
    if (!this.#s.exists.get(roomId)) return false;
    listed ? this.#s.list.run(at, roomId) : this.#s.unlist.run(roomId);
    return true;
  }

  async isListed(roomId: string): Promise<boolean> {
    return this.#s.isListed.get(roomId) !== undefined;
  }

  async listedAmong(roomIds: readonly string[]): Promise<Set<string>> {
    if (roomIds.length === 0) return new Set();
    return new Set(this.#s.among.all(JSON.stringify(roomIds)).map((row) => String(row.room_id)));
  }

  async refusalsAmong(roomIds: readonly string[], userIds: readonly string[]): Promise<Refusals> {
    if (roomIds.length === 0) return { ended: new Map(), blocked: new Map() };
    const rooms = JSON.stringify(roomIds);
    const ended = this.#s.closedOrGone.all(rooms).map((row) => [String(row.id), row.gone ? 'gone' : 'closed'] as const);
    const blocked = userIds.length === 0 ? [] : this.#s.blocked.all(rooms, JSON.stringify(userIds));
    return { ended: new Map(ended), blocked: groupBlocked(blocked.map((row) => [String(row.room_id), String(row.blocked_id)])) };
  }

  async rolesAmong(roomIds: readonly string[], userIds: readonly string[]): Promise<Map<string, RoomRoles>> {
    if (roomIds.length === 0) return new Map();
    const rows = this.#s.roles.all(JSON.stringify(userIds), JSON.stringify(roomIds));
    return groupRoles(
      rows.map((row) => ({
        room_id: String(row.room_id),
        link_access: String(row.link_access),
        user_id: row.user_id === null ? null : String(row.user_id),
        role: row.role === null ? null : String(row.role),
        revoked_at: row.revoked_at === null ? null : Date.parse(String(row.revoked_at)),
      })),
    );
  }

  async setMembership(roomId: string, userId: string, role: GrantRole, at: string): Promise<void> {
    // One transaction: the membership and the revoke never disagree.
    transaction(this.#db, () => {
      if (role === 'viewer') {
        this.#s.forget.run(roomId, userId);
        this.#s.revoke.run(roomId, userId, at);
        return;
      }
      this.#s.unrevoke.run(roomId, userId);
      this.#s.membership.run(roomId, userId, role, at);
    });
  }

  async revocationsOf(userId: string): Promise<Revocation[]> {
    return this.#s.revocationsOf
      .all(userId)
      .map((row) => ({ roomId: String(row.room_id), revokedAt: new Date(String(row.revoked_at)).toISOString() }));
  }
}
