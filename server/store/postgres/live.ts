import type { GrantRole } from '../../../shared/live.ts';
import type { LiveStore, Refusals, Revocation, RoomRoles } from '../live.ts';
import { groupBlocked, groupRoles, type RoleRow } from '../live-rows.ts';
import type { Pool } from './database.ts';

export class PostgresLiveStore implements LiveStore {
  readonly #pool: Pool;

  constructor(pool: Pool) {
    this.#pool = pool;
  }

  async setListed(roomId: string, listed: boolean, at: string): Promise<boolean> {
    const { rowCount } = await this.#pool.query('SELECT 1 FROM rooms WHERE id = $1', [roomId]);
    if ((rowCount ?? 0) === 0) return false;
    if (listed) {
      await this.#pool.query(
        `INSERT INTO live_listings (room_id, listed_at) SELECT id, $1 FROM rooms WHERE id = $2
         ON CONFLICT (room_id) DO NOTHING`,
        [at, roomId],
      );
    } else {
      await this.#pool.query('DELETE FROM live_listings WHERE room_id = $1', [roomId]);
    }
    return true;
  }

  async isListed(roomId: string): Promise<boolean> {
    const { rowCount } = await this.#pool.query('SELECT 1 FROM live_listings WHERE room_id = $1', [roomId]);
    return (rowCount ?? 0) > 0;
  }

  async listedAmong(roomIds: readonly string[]): Promise<Set<string>> {
    if (roomIds.length === 0) return new Set();
    const { rows } = await this.#pool.query<{ room_id: string }>('SELECT room_id FROM live_listings WHERE room_id = ANY($1::text[])', [
      roomIds,
    ]);
    return new Set(rows.map((row) => row.room_id));
  }

  async refusalsAmong(roomIds: readonly string[], userIds: readonly string[]): Promise<Refusals> {
    if (roomIds.length === 0) return { ended: new Map(), blocked: new Map() };
    const [ended, blocked] = await Promise.all([
      this.#pool.query<{ id: string; gone: boolean }>(
        `SELECT i.id, r.id IS NULL AS gone FROM unnest($1::text[]) AS i(id) LEFT JOIN rooms r ON r.id = i.id
         WHERE r.id IS NULL OR r.hidden_at IS NOT NULL`,
        [roomIds],
      ),
      userIds.length === 0
        ? { rows: [] }
        : this.#pool.query<{ room_id: string; blocked_id: string }>(
            `SELECT r.id AS room_id, b.blocked_id FROM rooms r JOIN blocks b ON b.blocker_id = r.owner_id
             WHERE r.id = ANY($1::text[]) AND b.blocked_id = ANY($2::text[])`,
            [roomIds, userIds],
          ),
    ]);
    return {
      ended: new Map(ended.rows.map((row) => [row.id, row.gone ? 'gone' : 'closed'])),
      blocked: groupBlocked(blocked.rows.map((row) => [row.room_id, row.blocked_id])),
    };
  }

  async rolesAmong(roomIds: readonly string[], userIds: readonly string[]): Promise<Map<string, RoomRoles>> {
    if (roomIds.length === 0) return new Map();
    const { rows } = await this.#pool.query<Omit<RoleRow, 'revoked_at'> & { revoked_at: Date | null }>(
      `SELECT r.id AS room_id, r.link_access, m.user_id, m.role, NULL::timestamptz AS revoked_at FROM rooms r
       LEFT JOIN memberships m ON m.room_id = r.id AND m.user_id = ANY($2::text[])
       WHERE r.id = ANY($1::text[])
       UNION ALL
       SELECT r.id, r.link_access, v.user_id, NULL, v.revoked_at FROM role_revocations v JOIN rooms r ON r.id = v.room_id
       WHERE v.room_id = ANY($1::text[]) AND v.user_id = ANY($2::text[])`,
      [roomIds, userIds],
    );
    return groupRoles(rows.map((row) => ({ ...row, revoked_at: row.revoked_at?.getTime() ?? null })));
  }

  async setMembership(roomId: string, userId: string, role: GrantRole, at: string): Promise<void> {
    // One statement each: the membership and the revoke never disagree.
    if (role === 'viewer') {
      await this.#pool.query(
        `WITH forgotten AS (DELETE FROM memberships WHERE room_id = $1 AND user_id = $2)
         INSERT INTO role_revocations (room_id, user_id, revoked_at) SELECT id, $2, $3 FROM rooms WHERE id = $1
         ON CONFLICT (room_id, user_id) DO UPDATE SET revoked_at = excluded.revoked_at`,
        [roomId, userId, at],
      );
      return;
    }
    await this.#pool.query(
      `WITH granted AS (DELETE FROM role_revocations WHERE room_id = $1 AND user_id = $2)
       INSERT INTO memberships (room_id, user_id, role, joined_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (room_id, user_id) DO UPDATE SET role = excluded.role`,
      [roomId, userId, role, at],
    );
  }

  async revocationsOf(userId: string): Promise<Revocation[]> {
    const { rows } = await this.#pool.query<{ room_id: string; revoked_at: Date }>(
      'SELECT room_id, revoked_at FROM role_revocations WHERE user_id = $1 ORDER BY revoked_at, room_id',
      [userId],
    );
    return rows.map((row) => ({ roomId: row.room_id, revokedAt: row.revoked_at.toISOString() }));
  }
}
