import type { GrantRole } from '../../../shared/live.ts';
import type { LiveStore, RoomEnd } from '../live.ts';
import type { Db } from './database.ts';

export class SqliteLiveStore implements LiveStore {
  readonly #s;

  constructor(db: Db) {
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
      forget: db.prepare('DELETE FROM memberships WHERE room_id = ? AND user_id = ?'),
      membership: db.prepare(
        `INSERT INTO memberships (room_id, user_id, role, joined_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (room_id, user_id) DO UPDATE SET role = excluded.role`,
      ),
    };
  }

  async setListed(roomId: string, listed: boolean, at: string): Promise<boolean> {
    if (!this.#s.exists.get(roomId)) return false;
    if (listed) this.#s.list.run(at, roomId);
    else this.#s.unlist.run(roomId);
    return true;
  }

  async isListed(roomId: string): Promise<boolean> {
    return this.#s.isListed.get(roomId) !== undefined;
  }

  async listedAmong(roomIds: readonly string[]): Promise<Set<string>> {
    if (roomIds.length === 0) return new Set();
    return new Set(this.#s.among.all(JSON.stringify(roomIds)).map((row) => String(row.room_id)));
  }

  async closedOrGoneAmong(roomIds: readonly string[]): Promise<Map<string, RoomEnd>> {
    if (roomIds.length === 0) return new Map();
    const rows = this.#s.closedOrGone.all(JSON.stringify(roomIds));
    return new Map(rows.map((row) => [String(row.id), row.gone ? 'gone' : 'closed']));
  }

  async setMembership(roomId: string, userId: string, role: GrantRole, at: string): Promise<void> {
    if (role === 'viewer') this.#s.forget.run(roomId, userId);
    else this.#s.membership.run(roomId, userId, role, at);
  }
}
