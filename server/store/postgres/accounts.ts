import { toExportedComment, toFollow, toIdentity, toOwnedRoom, toPasskey } from '../account-rows.ts';
import type {
  AccountDeletion,
  AccountStore,
  CredentialRef,
  DeletedAccount,
  ExportRows,
  HandleChange,
  HandleChangeResult,
  IdentityRecord,
  PasskeyRecord,
  RemoveCredentialResult,
} from '../accounts.ts';
import { isoString, type Row, toUser } from '../record-rows.ts';
import type { NewUser, UserRecord } from '../records.ts';
import { deleteAccountRows } from './account-deletion.ts';
import { socialExportQueries, type SocialExportRows, toSocialExport } from '../social-export.ts';
import { LOCK_SPACE, type Pool, toBuffer, transaction } from './database.ts';

const UNIQUE_VIOLATION = '23505';

export class PostgresAccountStore implements AccountStore {
  readonly #pool: Pool;

  constructor(pool: Pool) {
    this.#pool = pool;
  }

  async #rows(sql: string, params: unknown[]): Promise<Row[]> {
    return (await this.#pool.query<Row>(sql, params)).rows;
  }

  async addPasskey(p: PasskeyRecord): Promise<'added' | 'duplicate'> {
    return transaction(this.#pool, async (client) => {
      const { rowCount } = await client.query(
        `INSERT INTO passkeys (id, user_id, public_key, counter, transports, device_type, backed_up, name, created_at, last_used_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (id) DO NOTHING`,
        [
          p.id,
          p.userId,
          toBuffer(p.publicKey),
          p.counter,
          JSON.stringify(p.transports),
          p.deviceType,
          p.backedUp,
          p.name,
          p.createdAt,
          p.lastUsedAt,
        ],
      );
      if (!rowCount) return 'duplicate';
      await client.query('UPDATE users SET account_at = coalesce(account_at, $1) WHERE id = $2', [p.createdAt, p.userId]);
      return 'added';
    });
  }

  async getPasskey(id: string): Promise<PasskeyRecord | null> {
    const [row] = await this.#rows('SELECT * FROM passkeys WHERE id = $1', [id]);
    return row ? toPasskey(row) : null;
  }

  async listPasskeys(userId: string): Promise<PasskeyRecord[]> {
    return (await this.#rows('SELECT * FROM passkeys WHERE user_id = $1 ORDER BY created_at, id', [userId])).map(toPasskey);
  }

  async usePasskey(id: string, counter: number, at: string): Promise<void> {
    await this.#pool.query('UPDATE passkeys SET counter = $1, last_used_at = $2 WHERE id = $3', [counter, at, id]);
  }

  async renamePasskey(userId: string, id: string, name: string): Promise<boolean> {
    const { rowCount } = await this.#pool.query('UPDATE passkeys SET name = $1 WHERE id = $2 AND user_id = $3', [name, id, userId]);
    return (rowCount ?? 0) > 0;
  }

  async addIdentity(i: IdentityRecord, newUser?: NewUser): Promise<'added' | 'duplicate'> {
    try {
      return await transaction(this.#pool, async (client) => {
        if (newUser) {
          await client.query('INSERT INTO users (id, name, color, created_at, share_signals) VALUES ($1, $2, $3, $4, $5)', [
            newUser.id,
            newUser.name,
            newUser.color,
            newUser.createdAt,
            newUser.shareSignals ?? false,
          ]);
        }
        // No ON CONFLICT: a duplicate must roll the new user back too.
        await client.query(
          `INSERT INTO identities (id, issuer, subject, user_id, email, name, created_at, last_used_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
          [i.id, i.issuer, i.subject, i.userId, i.email, i.name, i.createdAt, i.lastUsedAt],
        );
        await client.query('UPDATE users SET account_at = coalesce(account_at, $1) WHERE id = $2', [i.createdAt, i.userId]);
        return 'added' as const;
      });
    } catch (err) {
      if ((err as { code?: string }).code === UNIQUE_VIOLATION) return 'duplicate';
      throw err;
    }
  }

  async getIdentity(issuer: string, subject: string): Promise<IdentityRecord | null> {
    const [row] = await this.#rows('SELECT * FROM identities WHERE issuer = $1 AND subject = $2', [issuer, subject]);
    return row ? toIdentity(row) : null;
  }

  async listIdentities(userId: string): Promise<IdentityRecord[]> {
    return (await this.#rows('SELECT * FROM identities WHERE user_id = $1 ORDER BY created_at, id', [userId])).map(toIdentity);
  }

  async useIdentity(id: string, at: string): Promise<void> {
    await this.#pool.query('UPDATE identities SET last_used_at = $1 WHERE id = $2', [at, id]);
  }

  async removeCredential(userId: string, credential: CredentialRef): Promise<RemoveCredentialResult> {
    const table = credential.kind === 'passkey' ? 'passkeys' : 'identities';
    return transaction(this.#pool, async (client) => {
      // The user's row is locked, so two removals cannot each see the other's credential as the one left.
      await client.query('SELECT 1 FROM users WHERE id = $1 FOR UPDATE', [userId]);
      const owned = await client.query(`SELECT 1 FROM ${table} WHERE id = $1 AND user_id = $2`, [credential.id, userId]);
      if (!owned.rowCount) return 'not_found';
      const { rows } = await client.query<{ n: string }>(
        'SELECT (SELECT count(*) FROM passkeys WHERE user_id = $1) + (SELECT count(*) FROM identities WHERE user_id = $1) AS n',
        [userId],
      );
      if (Number(rows[0]?.n ?? 0) <= 1) return 'last';
      await client.query(`DELETE FROM ${table} WHERE id = $1 AND user_id = $2`, [credential.id, userId]);
      return 'removed';
    });
  }

  async setHandle(change: HandleChange): Promise<HandleChangeResult> {
    try {
      return await transaction(this.#pool, async (client): Promise<HandleChangeResult> => {
        // Claims of one key take turns; the unique index is the last word if anything slips past.
        await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_SPACE.handles, change.key]);
        const [row] = (await client.query<Row>('SELECT * FROM users WHERE id = $1 AND deleted_at IS NULL FOR UPDATE', [change.userId]))
          .rows;
        if (!row) return { ok: false, reason: 'no_user' };
        const user = toUser(row);
        if (user.accountAt === null) return { ok: false, reason: 'not_account' };
        if (user.handle === change.handle) return { ok: true, user };
        await client.query('DELETE FROM handle_holds WHERE until <= $1', [change.at]);
        const used = await client.query('SELECT 1 FROM users WHERE (handle_key = $1 OR id = $2) AND id <> $3', [
          change.key,
          change.handle,
          change.userId,
        ]);
        const held = await client.query('SELECT 1 FROM handle_holds WHERE handle_key = $1 AND user_id <> $2 AND until > $3', [
          change.key,
          change.userId,
          change.at,
        ]);
        if (used.rowCount || held.rowCount) return { ok: false, reason: 'taken' };
        const oldKey = row.handle_key === null ? null : String(row.handle_key);
        if (user.handle !== null && oldKey !== null && oldKey !== change.key) {
          await client.query(
            `INSERT INTO handle_holds (handle_key, handle, user_id, until) VALUES ($1, $2, $3, $4)
             ON CONFLICT (handle_key) DO UPDATE SET handle = excluded.handle, user_id = excluded.user_id, until = excluded.until`,
            [oldKey, user.handle, change.userId, change.holdUntil],
          );
        }
        await client.query('DELETE FROM handle_holds WHERE handle_key = $1 AND user_id = $2', [change.key, change.userId]);
        const updated = await client.query<Row>('UPDATE users SET handle = $1, handle_key = $2 WHERE id = $3 RETURNING *', [
          change.handle,
          change.key,
          change.userId,
        ]);
        const [row2] = updated.rows;
        if (!row2) throw new Error('the user row vanished inside its own transaction');
        return { ok: true, user: toUser(row2) };
      });
    } catch (err) {
      if ((err as { code?: string }).code === UNIQUE_VIOLATION) return { ok: false, reason: 'taken' };
      throw err;
    }
  }

  async findByHandle(handle: string, key: string, now: string): Promise<UserRecord | null> {
    const [row] = await this.#rows(
      `SELECT * FROM (
         SELECT u.*, 1 AS rank FROM users u WHERE u.handle = $1 AND u.deleted_at IS NULL
         UNION ALL SELECT u.*, 2 FROM users u WHERE u.handle_key = $2 AND u.deleted_at IS NULL
         UNION ALL SELECT u.*, 3 FROM handle_holds h JOIN users u ON u.id = h.user_id
           WHERE h.handle_key = $2 AND h.until > $3 AND u.deleted_at IS NULL
       ) found ORDER BY rank LIMIT 1`,
      [handle, key, now],
    );
    return row ? toUser(row) : null;
  }

  async usersByHandles(handles: readonly string[]): Promise<UserRecord[]> {
    if (handles.length === 0) return [];
    return (await this.#rows('SELECT * FROM users WHERE handle = ANY($1::text[]) AND deleted_at IS NULL', [[...handles]])).map(toUser);
  }

  async exportRows(userId: string): Promise<ExportRows> {
    const likes = await this.#rows('SELECT work_id, created_at FROM work_likes WHERE user_id = $1 ORDER BY created_at, work_id', [userId]);
    const memberships = await this.#rows(
      'SELECT room_id, role, joined_at FROM memberships WHERE user_id = $1 ORDER BY joined_at, room_id',
      [userId],
    );
    const rooms = await this.#rows(
      `SELECT r.*, EXISTS (SELECT 1 FROM live_listings l WHERE l.room_id = r.id) AS listed
       FROM rooms r WHERE r.owner_id = $1 ORDER BY r.created_at, r.id`,
      [userId],
    );
    const comments = await this.#rows(
      'SELECT id, work_id, parent_id, body, created_at, edited_at FROM comments WHERE author_id = $1 ORDER BY seq',
      [userId],
    );
    const following = await this.#rows('SELECT followee_id AS user_id, created_at FROM follows WHERE follower_id = $1 ORDER BY seq', [
      userId,
    ]);
    const followers = await this.#rows('SELECT follower_id AS user_id, created_at FROM follows WHERE followee_id = $1 ORDER BY seq', [
      userId,
    ]);
    const social = await Promise.all(
      Object.entries(socialExportQueries('$1')).map(async ([section, sql]) => [section, await this.#rows(sql, [userId])] as const),
    );
    return {
      roomsOwned: rooms.map(toOwnedRoom),
      likes: likes.map((row) => ({ workId: String(row.work_id), createdAt: isoString(row.created_at) })),
      memberships: memberships.map((row) => ({
        roomId: String(row.room_id),
        role: String(row.role) === 'editor' ? 'editor' : 'viewer',
        joinedAt: isoString(row.joined_at),
      })),
      comments: comments.map(toExportedComment),
      follows: { following: following.map(toFollow), followers: followers.map(toFollow) },
      ...toSocialExport(Object.fromEntries(social) as Record<keyof SocialExportRows, Row[]>),
    };
  }

  async deleteAccount(deletion: AccountDeletion): Promise<DeletedAccount | null> {
    return transaction(this.#pool, (client) => deleteAccountRows(client, deletion));
  }
}
