import type { Role } from '../../../shared/protocol.ts';
import { toInvite, toRoom, toUser } from '../record-rows.ts';
import type { InviteRecord, NewUser, RecordStore, RoomPatch, RoomRecord, UserPatch, UserRecord } from '../records.ts';
import { type Db, transaction } from './database.ts';

export class SqliteRecordStore implements RecordStore {
  readonly #db: Db;
  // Prepared once: compiling a statement costs more than running it, and
  // every join reads the room (and perhaps an invite and a membership).
  readonly #s;

  constructor(db: Db) {
    this.#db = db;
    this.#s = {
      createUser: db.prepare('INSERT INTO users (id, name, color, created_at, share_signals) VALUES (?, ?, ?, ?, ?)'),
      getUser: db.prepare('SELECT * FROM users WHERE id = ?'),
      // avatar_url: NULL removes it, so "unchanged" needs its own flag.
      updateUser: db.prepare(
        `UPDATE users SET name = coalesce(?, name), color = coalesce(?, color), share_signals = coalesce(?, share_signals),
           bio = coalesce(?, bio), avatar_url = CASE WHEN ? THEN ? ELSE avatar_url END
         WHERE id = ? AND deleted_at IS NULL RETURNING *`,
      ),
      createRoom: db.prepare('INSERT INTO rooms (id, title, owner_id, link_access, remix_of, created_at) VALUES (?, ?, ?, ?, ?, ?)'),
      createInvite: db.prepare('INSERT INTO invites (code, room_id, role, created_at) VALUES (?, ?, ?, ?)'),
      getRoom: db.prepare('SELECT * FROM rooms WHERE id = ?'),
      updateRoom: db.prepare(
        'UPDATE rooms SET title = coalesce(?, title), link_access = coalesce(?, link_access) WHERE id = ? RETURNING *',
      ),
      getInvites: db.prepare('SELECT * FROM invites WHERE room_id = ? ORDER BY created_at'),
      getInvite: db.prepare('SELECT * FROM invites WHERE code = ?'),
      getMembership: db.prepare('SELECT role FROM memberships WHERE room_id = ? AND user_id = ?'),
      // An editor stays an editor when they later open a view link.
      rememberMembership: db.prepare(
        `INSERT INTO memberships (room_id, user_id, role, joined_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (room_id, user_id) DO UPDATE SET role = 'editor'
         WHERE excluded.role = 'editor'`,
      ),
      listRooms: db.prepare(
        `SELECT r.*, 'owner' AS role FROM rooms r WHERE r.owner_id = ?
         UNION ALL
         SELECT r.*, m.role AS role FROM rooms r JOIN memberships m ON m.room_id = r.id
           WHERE m.user_id = ? AND r.owner_id <> ?
         ORDER BY created_at DESC LIMIT ?`,
      ),
    };
  }

  async createUser(user: NewUser): Promise<void> {
    this.#s.createUser.run(user.id, user.name, user.color, user.createdAt, user.shareSignals ? 1 : 0);
  }

  async getUser(id: string): Promise<UserRecord | null> {
    const row = this.#s.getUser.get(id);
    return row ? toUser(row) : null;
  }

  async updateUser(id: string, patch: UserPatch): Promise<UserRecord | null> {
    const row = this.#s.updateUser.get(
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
      this.#s.createRoom.run(room.id, room.title, room.ownerId, room.linkAccess, room.remixOf, room.createdAt);
      for (const invite of invites) this.#s.createInvite.run(invite.code, invite.roomId, invite.role, invite.createdAt);
    });
  }

  async getRoom(id: string): Promise<RoomRecord | null> {
    const row = this.#s.getRoom.get(id);
    return row ? toRoom(row) : null;
  }

  async updateRoom(id: string, patch: RoomPatch): Promise<RoomRecord | null> {
    const row = this.#s.updateRoom.get(patch.title ?? null, patch.linkAccess ?? null, id);
    return row ? toRoom(row) : null;
  }

  async getInvites(roomId: string): Promise<InviteRecord[]> {
    return this.#s.getInvites.all(roomId).map(toInvite);
  }

  async getInvite(code: string): Promise<InviteRecord | null> {
    const row = this.#s.getInvite.get(code);
    return row ? toInvite(row) : null;
  }

  async getMembership(roomId: string, userId: string): Promise<Role | null> {
    const row = this.#s.getMembership.get(roomId, userId);
    return row ? (String(row.role) as Role) : null;
  }

  async rememberMembership(roomId: string, userId: string, role: Exclude<Role, 'owner'>): Promise<void> {
    this.#s.rememberMembership.run(roomId, userId, role, new Date().toISOString());
  }

  async listRooms(userId: string, limit: number): Promise<Array<RoomRecord & { role: Role }>> {
    const rows = this.#s.listRooms.all(userId, userId, userId, limit);
    return rows.map((row) => ({ ...toRoom(row), role: String(row.role) as Role }));
  }
}
