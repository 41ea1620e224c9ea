import { ACTIVE_USER, SESSION_COLUMNS, toActiveSession, toSession } from '../account-rows.ts';
import type { Row } from '../record-rows.ts';
import { type ActiveSession, LEGACY_TOKEN_MAX_AGE_MS, type LegacySession, type SessionRecord, type SessionStore } from '../sessions.ts';
import { type Pool, transaction } from './database.ts';

/** `$2` is now. */
const WORKING = `s.revoked_at IS NULL AND s.expires_at > $2 AND ${ACTIVE_USER}`;

export class PostgresSessionStore implements SessionStore {
  readonly #pool: Pool;

  constructor(pool: Pool) {
    this.#pool = pool;
  }

  async createSession(session: SessionRecord, maxPerUser: number): Promise<string[]> {
    return transaction(this.#pool, async (client) => {
      await client.query(
        `INSERT INTO sessions (id, user_id, created_at, last_seen_at, expires_at, user_agent, legacy)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [session.id, session.userId, session.createdAt, session.lastSeenAt, session.expiresAt, session.userAgent, session.legacy],
      );
      const { rows } = await client.query<{ id: string }>(
        `UPDATE sessions SET revoked_at = $2 WHERE id IN (
           SELECT id FROM sessions WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2
           ORDER BY last_seen_at DESC, created_at DESC OFFSET $3)
         RETURNING id`,
        [session.userId, session.createdAt, maxPerUser],
      );
      return rows.map((row) => row.id);
    });
  }

  async migrateLegacySession(session: LegacySession): Promise<void> {
    await this.#pool.query(
      `INSERT INTO sessions (id, user_id, created_at, last_seen_at, expires_at, user_agent, legacy)
       SELECT $1, u.id, $2, $3, $4, $5, true FROM users u
       WHERE u.id = $6 AND u.deleted_at IS NULL AND (u.sessions_valid_after IS NULL OR u.sessions_valid_after < $2)
       ON CONFLICT (id) DO NOTHING`,
      [session.id, session.issuedAt, session.seenAt, session.expiresAt, session.userAgent, session.userId],
    );
  }

  async activeSession(id: string, now: string): Promise<ActiveSession | null> {
    const { rows } = await this.#pool.query<Row>(
      `SELECT ${SESSION_COLUMNS}, u.* FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = $1 AND ${WORKING}`,
      [id, now],
    );
    return rows[0] ? toActiveSession(rows[0]) : null;
  }

  async workingSessions(ids: readonly string[], now: string): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const { rows } = await this.#pool.query<{ id: string }>(
      `SELECT s.id FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = ANY($1::text[]) AND ${WORKING}`,
      [[...ids], now],
    );
    return new Set(rows.map((row) => row.id));
  }

  async touchSession(id: string, seenAt: string, expiresAt: string, userAgent?: string): Promise<void> {
    await this.#pool.query(
      'UPDATE sessions SET last_seen_at = $1, expires_at = $2, user_agent = coalesce($3, user_agent) WHERE id = $4 AND revoked_at IS NULL',
      [seenAt, expiresAt, userAgent ?? null, id],
    );
  }

  async listSessions(userId: string, now: string): Promise<SessionRecord[]> {
    const { rows } = await this.#pool.query<Row>(
      `SELECT s.* FROM sessions s JOIN users u ON u.id = s.user_id
       WHERE s.user_id = $1 AND ${WORKING} ORDER BY s.last_seen_at DESC, s.created_at DESC`,
      [userId, now],
    );
    return rows.map(toSession);
  }

  async revokeSession(userId: string, id: string, at: string): Promise<boolean> {
    const { rowCount } = await this.#pool.query(
      'UPDATE sessions SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL AND expires_at > $1',
      [at, id, userId],
    );
    return (rowCount ?? 0) > 0;
  }

  async revokeUserSessions(userId: string, at: string, exceptId?: string): Promise<string[]> {
    return transaction(this.#pool, async (client) => {
      const { rows } = await client.query<{ id: string }>(
        'UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL AND id <> $3 RETURNING id',
        [at, userId, exceptId ?? ''],
      );
      await client.query('UPDATE users SET sessions_valid_after = $1 WHERE id = $2', [at, userId]);
      return rows.map((row) => row.id);
    });
  }

  async pruneSessions(now: string): Promise<number> {
    const tokenExpiry = new Date(Date.parse(now) - LEGACY_TOKEN_MAX_AGE_MS).toISOString();
    const { rowCount } = await this.#pool.query('DELETE FROM sessions WHERE expires_at < $1 AND (NOT legacy OR created_at < $2)', [
      now,
      tokenExpiry,
    ]);
    return rowCount ?? 0;
  }
}
