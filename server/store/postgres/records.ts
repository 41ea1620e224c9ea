import type { Role } from '../../../shared/protocol.ts';
import { type Row, toInvite, toRoom, toUser } from '../record-rows.ts';
import type { InviteRecord, NewUser, RecordStore, RoomPatch, RoomRecord, UserPatch, UserRecord } from '../records.ts';
import { type Pool, transaction } from './database.ts';

export class PostgresRecordStore implements RecordStore {
  readonly #pool: Pool;

  constructor(pool: Pool) {
    this.#pool = pool;
  }

  async #one(sql: string, params: unknown[]): Promise<Row | null> {
    const { rows } = await this.#pool.query<Row>(sql, params);
    return rows[0] ?? null;
  }

  async createUser(user: NewUser): Promise<void> {
    await this.#pool.query('INSERT INTO users (id, name, color, created_at, share_signals) VALUES ($1, $2, $3, $4, $5)', [
      user.id,
      user.name,
      user.color,
      user.createdAt,
      user.shareSignals ?? false,
    ]);
  }

  async getUser(id: string): Promise<UserRecord | null> {
    const row = await this.#one('SELECT * FROM users WHERE id = $1', [id]);
    return row ? toUser(row) : null;
  }

  async updateUser(id: string, patch: UserPatch): Promise<UserRecord | null> {
    // avatar_url: NULL removes it, so "unchanged" needs its own flag.
    const row = await this.#one(
      `UPDATE users SET name = coalesce($1, name), color = coalesce($2, color), share_signals = coalesce($3, share_signals),
         bio = coalesce($4, bio), avatar_url = CASE WHEN $5::boolean THEN $6::text ELSE avatar_url END
       WHERE id = $7 AND deleted_at IS NULL RETURNING *`,
      [
        patch.name ?? null,
        patch.color ?? null,
        patch.shareSignals ?? null,
        patch.bio ?? null,
        patch.avatarUrl !== undefined,
        patch.avatarUrl ?? null,
        id,
      ],
    );
    return row ? toUser(row) : null;
  }

  async createRoom(room: RoomRecord, invites: readonly InviteRecord[]): Promise<void> {
    await transaction(this.#pool, async (client) => {
      await client.query('INSERT INTO rooms (id, title, owner_id, link_access, remix_of, created_at) VALUES ($1, $2, $3, $4, $5, $6)', [
        room.id,
        room.title,
        room.ownerId,
        room.linkAccess,
        room.remixOf,
        room.createdAt,
      ]);
      for (const invite of invites) {
        await client.query('INSERT INTO invites (code, room_id, role, created_at) VALUES ($1, $2, $3, $4)', [
          invite.code,
          invite.roomId,
          invite.role,
          invite.createdAt,
        ]);
      }
    });
  }

  async getRoom(id: string): Promise<RoomRecord | null> {
    const row = await this.#one('SELECT * FROM rooms WHERE id = $1', [id]);
    return row ? toRoom(row) : null;
  }

  async updateRoom(id: string, patch: RoomPatch): Promise<RoomRecord | null> {
    const row = await this.#one(
      'UPDATE rooms SET title = coalesce($1, title), link_access = coalesce($2, link_access) WHERE id = $3 RETURNING *',
      [patch.title ?? null, patch.linkAccess ?? null, id],
    );
    return row ? toRoom(row) : null;
  }

  async getInvites(roomId: string): Promise<InviteRecord[]> {
    const { rows } = await this.#pool.query<Row>('SELECT * FROM invites WHERE room_id = $1 ORDER BY created_at', [roomId]);
    return rows.map(toInvite);
  }

  async getInvite(code: string): Promise<InviteRecord | null> {
    const row = await this.#one('SELECT * FROM invites WHERE code = $1', [code]);
    return row ? toInvite(row) : null;
  }

  async getMembership(roomId: string, userId: string): Promise<Role | null> {
    const row = await this.#one('SELECT role FROM memberships WHERE room_id = $1 AND user_id = $2', [roomId, userId]);
    return row ? (String(row.role) as Role) : null;
  }

  async rememberMembership(roomId: string, userId: string, role: Exclude<Role, 'owner'>): Promise<void> {
    // An editor stays an editor when they later open a view link.
    await this.#pool.query(
      `INSERT INTO memberships (room_id, user_id, role, joined_at) VALUES ($1, $2, $3, now())
       ON CONFLICT (room_id, user_id) DO UPDATE SET role = 'editor'
       WHERE excluded.role = 'editor'`,
      [roomId, userId, role],
    );
  }

  async listRooms(userId: string, limit: number): Promise<Array<RoomRecord & { role: Role }>> {
    const { rows } = await this.#pool.query<Row>(
      `SELECT r.*, 'owner' AS role FROM rooms r WHERE r.owner_id = $1
       UNION ALL
       SELECT r.*, m.role AS role FROM rooms r JOIN memberships m ON m.room_id = r.id
         WHERE m.user_id = $1 AND r.owner_id <> $1
       ORDER BY created_at DESC LIMIT $2`,
      [userId, limit],
    );
    return rows.map((row) => ({ ...toRoom(row), role: String(row.role) as Role }));
  }
}
