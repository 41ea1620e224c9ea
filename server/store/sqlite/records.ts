import type { Role } from '../../../shared/protocol.ts';
import { toInvite, toRoom, toUser } from '../record-rows.ts';
import type { InviteRecord, NewUser, RecordStore, RoomPatch, RoomRecord, UserPatch, UserRecord } from '../records.ts';
import { type Db, transaction } from './database.ts';

export class SqliteRecordStore implements RecordStore {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  async createUser(user: NewUser): Promise<void> {
    this.#db
      .prepare('INSERT INTO users (id, name, color, created_at, share_signals) VALUES (?, ?, ?, ?, ?)')
      .run(user.id, user.name, user.color, user.createdAt, user.shareSignals ? 1 : 0);
  }

  async getUser(id: string): Promise<UserRecord | null> {
    const row = this.#db.prepare('SELECT * FROM users WHERE id = ?').get(id);
    return row ? toUser(row) : null;
  }

  async updateUser(id: string, patch: UserPatch): Promise<UserRecord | null> {
    // avatar_url: NULL removes it, so "unchanged" needs its own flag.
    const row = this.#db
      .prepare(
        `UPDATE users SET name = coalesce(?, name), color = coalesce(?, color), share_signals = coalesce(?, share_signals),
           bio = coalesce(?, bio), avatar_url = CASE WHEN ? THEN ? ELSE avatar_url END
         WHERE id = ? AND deleted_at IS NULL RETURNING *`,
      )
      .get(
        patch.name ?? null,
        patch.color ?? null,
        patch.shareSignals === undefined ? null : patch.shareSignals ? 1 : 0,
        patch.bio ?? null,
        patch.avatarUrl === undefined ? 0 : 1,
        patch.avatarUrl ?? null,
        id,
      );
    return row ? toUser(row) : null;
  }

  async createRoom(room: RoomRecord, invites: readonly InviteRecord[]): Promise<void> {
    transaction(this.#db, () => {
      this.#db
        .prepare('INSERT INTO rooms (id, title, owner_id, link_access, remix_of, created_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(room.id, room.title, room.ownerId, room.linkAccess, room.remixOf, room.createdAt);
      const insert = this.#db.prepare('INSERT INTO invites (code, room_id, role, created_at) VALUES (?, ?, ?, ?)');
      for (const invite of invites) insert.run(invite.code, invite.roomId, invite.role, invite.createdAt);
    });
  }

  async getRoom(id: string): Promise<RoomRecord | null> {
    const row = this.#db.prepare('SELECT * FROM rooms WHERE id = ?').get(id);
    return row ? toRoom(row) : null;
  }

  async updateRoom(id: string, patch: RoomPatch): Promise<RoomRecord | null> {
    const row = this.#db
      .prepare('UPDATE rooms SET title = coalesce(?, title), link_access = coalesce(?, link_access) WHERE id = ? RETURNING *')
      .get(patch.title ?? null, patch.linkAccess ?? null, id);
    return row ? toRoom(row) : null;
  }

  async getInvites(roomId: string): Promise<InviteRecord[]> {
    return this.#db.prepare('SELECT * FROM invites WHERE room_id = ? ORDER BY created_at').all(roomId).map(toInvite);
  }

  async getInvite(code: string): Promise<InviteRecord | null> {
    const row = this.#db.prepare('SELECT * FROM invites WHERE code = ?').get(code);
    return row ? toInvite(row) : null;
  }

  async getMembership(roomId: string, userId: string): Promise<Role | null> {
    const row = this.#db.prepare('SELECT role FROM memberships WHERE room_id = ? AND user_id = ?').get(roomId, userId);
    return row ? (String(row.role) as Role) : null;
  }

  async rememberMembership(roomId: string, userId: string, role: Exclude<Role, 'owner'>): Promise<void> {
    // An editor stays an editor when they later open a view link.
    this.#db
      .prepare(
        `INSERT INTO memberships (room_id, user_id, role, joined_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (room_id, user_id) DO UPDATE SET role = 'editor'
         WHERE excluded.role = 'editor'`,
      )
      .run(roomId, userId, role, new Date().toISOString());
  }

  async listRooms(userId: string, limit: number): Promise<Array<RoomRecord & { role: Role }>> {
    const rows = this.#db
      .prepare(
        `SELECT r.*, 'owner' AS role FROM rooms r WHERE r.owner_id = ?
         UNION ALL
         SELECT r.*, m.role AS role FROM rooms r JOIN memberships m ON m.room_id = r.id
           WHERE m.user_id = ? AND r.owner_id <> ?
         ORDER BY created_at DESC LIMIT ?`,
      )
      .all(userId, userId, userId, limit);
    return rows.map((row) => ({ ...toRoom(row), role: String(row.role) as Role }));
  }
}
