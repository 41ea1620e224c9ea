import { ACTIVE_USER, SESSION_COLUMNS, toActiveSession, toSession } from '../account-rows.ts';
import { type ActiveSession, LEGACY_TOKEN_MAX_AGE_MS, type LegacySession, type SessionRecord, type SessionStore } from '../sessions.ts';
import { type Db, transaction } from './database.ts';

const WORKING = `s.revoked_at IS NULL AND s.expires_at > ? AND ${ACTIVE_USER}`;

export class SqliteSessionStore implements SessionStore {
  readonly #db: Db;
  readonly #s;

  constructor(db: Db) {
    this.#db = db;
    this.#s = {
      insert: db.prepare(
        `INSERT INTO sessions (id, user_id, created_at, last_seen_at, expires_at, user_agent, legacy)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      excess: db.prepare(
        `SELECT id FROM sessions WHERE user_id = ? AND revoked_at IS NULL AND expires_at > ?
         ORDER BY last_seen_at DESC, created_at DESC LIMIT -1 OFFSET ?`,
      ),
      revoke: db.prepare('UPDATE sessions SET revoked_at = ? WHERE id = ?'),
      migrate: db.prepare(
        `INSERT INTO sessions (id, user_id, created_at, last_seen_at, expires_at, user_agent, legacy)
         SELECT ?, u.id, ?, ?, ?, ?, 1 FROM users u
         WHERE u.id = ? AND u.deleted_at IS NULL AND (u.sessions_valid_after IS NULL OR u.sessions_valid_after < ?)
         ON CONFLICT (id) DO NOTHING`,
      ),
      active: db.prepare(`SELECT ${SESSION_COLUMNS}, u.* FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = ? AND ${WORKING}`),
      working: db.prepare(
        `SELECT s.id FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE s.id IN (SELECT value FROM json_each(?)) AND ${WORKING}`,
      ),
      touch: db.prepare(
        'UPDATE sessions SET last_seen_at = ?, expires_at = ?, user_agent = coalesce(?, user_agent) WHERE id = ? AND revoked_at IS NULL',
      ),
      list: db.prepare(
        `SELECT s.* FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE s.user_id = ? AND ${WORKING} ORDER BY s.last_seen_at DESC, s.created_at DESC`,
      ),
      revokeOwn: db.prepare('UPDATE sessions SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL AND expires_at > ?'),
      revokeAll: db.prepare(`UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL AND id <> ? RETURNING id`),
      validAfter: db.prepare('UPDATE users SET sessions_valid_after = ? WHERE id = ?'),
      prune: db.prepare('DELETE FROM sessions WHERE expires_at < ? AND (legacy = 0 OR created_at < ?)'),
    };
  }

  async createSession(session: SessionRecord, maxPerUser: number): Promise<string[]> {
    const s = this.#s;
    return transaction(this.#db, () => {
      s.insert.run(
        session.id,
        session.userId,
        session.createdAt,
        session.lastSeenAt,
        session.expiresAt,
        session.userAgent,
        session.legacy ? 1 : 0,
      );
      const excess = s.excess.all(session.userId, session.createdAt, maxPerUser).map((row) => String(row.id));
      for (const id of excess) s.revoke.run(session.createdAt, id);
      return excess;
    });
  }

  async migrateLegacySession(session: LegacySession): Promise<void> {
    this.#s.migrate.run(
      session.id,
      session.issuedAt,
      session.seenAt,
      session.expiresAt,
      session.userAgent,
      session.userId,
      session.issuedAt,
    );
  }

  async activeSession(id: string, now: string): Promise<ActiveSession | null> {
    const row = this.#s.active.get(id, now);
    return row ? toActiveSession(row) : null;
  }

  async workingSessions(ids: readonly string[], now: string): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    return new Set(this.#s.working.all(JSON.stringify(ids), now).map((row) => String(row.id)));
  }

  async touchSession(id: string, seenAt: string, expiresAt: string, userAgent?: string): Promise<void> {
    this.#s.touch.run(seenAt, expiresAt, userAgent ?? null, id);
  }

  async listSessions(userId: string, now: string): Promise<SessionRecord[]> {
    return this.#s.list.all(userId, now).map(toSession);
  }

  async revokeSession(userId: string, id: string, at: string): Promise<boolean> {
    return Number(this.#s.revokeOwn.run(at, id, userId, at).changes) > 0;
  }

  async revokeUserSessions(userId: string, at: string, exceptId?: string): Promise<string[]> {
    const s = this.#s;
    return transaction(this.#db, () => {
      const ids = s.revokeAll.all(at, userId, exceptId ?? '').map((row) => String(row.id));
      s.validAfter.run(at, userId);
      return ids;
    });
  }

  async pruneSessions(now: string): Promise<number> {
    const tokenExpiry = new Date(Date.parse(now) - LEGACY_TOKEN_MAX_AGE_MS).toISOString();
    return Number(this.#s.prune.run(now, tokenExpiry).changes);
  }
}
