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
import { socialExportQueries, type SocialExportRows, toSocialExport } from '../social-export.ts';

type SocialRows = Record<keyof SocialExportRows, Row[]>;
import { type Row, toUser } from '../record-rows.ts';
import type { NewUser, UserRecord } from '../records.ts';
import { type Db, transaction } from './database.ts';
import { accountDeletionStatements, deleteAccountRows } from './account-deletion.ts';

/** Thrown inside a transaction to roll it back with a result. */
class Rollback<T> extends Error {
  readonly result: T;
  constructor(result: T) {
    super('rolled back');
    this.result = result;
  }
}

export class SqliteAccountStore implements AccountStore {
  readonly #db: Db;
  readonly #s;
  readonly #deletion;

  constructor(db: Db) {
    this.#db = db;
    this.#deletion = accountDeletionStatements(db);
    this.#s = {
      insertPasskey: db.prepare(
        `INSERT INTO passkeys (id, user_id, public_key, counter, transports, device_type, backed_up, name, created_at, last_used_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
      ),
      becomeAccount: db.prepare('UPDATE users SET account_at = coalesce(account_at, ?) WHERE id = ?'),
      getPasskey: db.prepare('SELECT * FROM passkeys WHERE id = ?'),
      listPasskeys: db.prepare('SELECT * FROM passkeys WHERE user_id = ? ORDER BY created_at, id'),
      usePasskey: db.prepare('UPDATE passkeys SET counter = ?, last_used_at = ? WHERE id = ?'),
      renamePasskey: db.prepare('UPDATE passkeys SET name = ? WHERE id = ? AND user_id = ?'),
      insertUser: db.prepare('INSERT INTO users (id, name, color, created_at, share_signals) VALUES (?, ?, ?, ?, ?)'),
      insertIdentity: db.prepare(
        `INSERT INTO identities (id, issuer, subject, user_id, email, name, created_at, last_used_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (issuer, subject) DO NOTHING`,
      ),
      getIdentity: db.prepare('SELECT * FROM identities WHERE issuer = ? AND subject = ?'),
      listIdentities: db.prepare('SELECT * FROM identities WHERE user_id = ? ORDER BY created_at, id'),
      useIdentity: db.prepare('UPDATE identities SET last_used_at = ? WHERE id = ?'),
      credentialCount: db.prepare(
        `SELECT (SELECT count(*) FROM passkeys WHERE user_id = ?) + (SELECT count(*) FROM identities WHERE user_id = ?) AS n`,
      ),
      deletePasskey: db.prepare('DELETE FROM passkeys WHERE id = ? AND user_id = ?'),
      deleteIdentity: db.prepare('DELETE FROM identities WHERE id = ? AND user_id = ?'),
      liveUser: db.prepare('SELECT * FROM users WHERE id = ? AND deleted_at IS NULL'),
      keyUsedByOther: db.prepare('SELECT 1 FROM users WHERE (handle_key = ? OR id = ?) AND id <> ?'),
      keyHeldByOther: db.prepare('SELECT 1 FROM handle_holds WHERE handle_key = ? AND user_id <> ? AND until > ?'),
      hold: db.prepare(
        `INSERT INTO handle_holds (handle_key, handle, user_id, until) VALUES (?, ?, ?, ?)
         ON CONFLICT (handle_key) DO UPDATE SET handle = excluded.handle, user_id = excluded.user_id, until = excluded.until`,
      ),
      releaseOwnHold: db.prepare('DELETE FROM handle_holds WHERE handle_key = ? AND user_id = ?'),
      dropExpiredHolds: db.prepare('DELETE FROM handle_holds WHERE until <= ?'),
      setHandle: db.prepare('UPDATE users SET handle = ?, handle_key = ? WHERE id = ? RETURNING *'),
      byHandle: db.prepare('SELECT * FROM users WHERE handle = ? AND deleted_at IS NULL'),
      byKey: db.prepare('SELECT * FROM users WHERE handle_key = ? AND deleted_at IS NULL'),
      byHold: db.prepare(
        `SELECT u.* FROM handle_holds h JOIN users u ON u.id = h.user_id
         WHERE h.handle_key = ? AND h.until > ? AND u.deleted_at IS NULL`,
      ),
      roomsOwned: db.prepare(
        `SELECT r.*, EXISTS (SELECT 1 FROM live_listings l WHERE l.room_id = r.id) AS listed
         FROM rooms r WHERE r.owner_id = ? ORDER BY r.created_at, r.id`,
      ),
      byHandles: db.prepare('SELECT * FROM users WHERE handle IN (SELECT value FROM json_each(?)) AND deleted_at IS NULL'),
      likesOf: db.prepare('SELECT work_id, created_at FROM work_likes WHERE user_id = ? ORDER BY created_at, work_id'),
      commentsOf: db.prepare('SELECT id, work_id, parent_id, body, created_at, edited_at FROM comments WHERE author_id = ? ORDER BY seq'),
      followingOf: db.prepare('SELECT followee_id AS user_id, created_at FROM follows WHERE follower_id = ? ORDER BY seq'),
      followersOf: db.prepare('SELECT follower_id AS user_id, created_at FROM follows WHERE followee_id = ? ORDER BY seq'),
      membershipsOf: db.prepare('SELECT room_id, role, joined_at FROM memberships WHERE user_id = ? ORDER BY joined_at, room_id'),
      socialExport: Object.entries(socialExportQueries('?1')).map(([section, sql]) => [section, db.prepare(sql)] as const),
    };
  }

  async addPasskey(p: PasskeyRecord): Promise<'added' | 'duplicate'> {
    const s = this.#s;
    return transaction(this.#db, () => {
      const inserted = s.insertPasskey.run(
        p.id,
        p.userId,
        p.publicKey,
        p.counter,
        JSON.stringify(p.transports),
        p.deviceType,
        p.backedUp ? 1 : 0,
        p.name,
        p.createdAt,
        p.lastUsedAt,
      );
      if (Number(inserted.changes) === 0) return 'duplicate';
      s.becomeAccount.run(p.createdAt, p.userId);
      return 'added';
    });
  }

  async getPasskey(id: string): Promise<PasskeyRecord | null> {
    const row = this.#s.getPasskey.get(id);
    return row ? toPasskey(row) : null;
  }

  async listPasskeys(userId: string): Promise<PasskeyRecord[]> {
    return this.#s.listPasskeys.all(userId).map(toPasskey);
  }

  async usePasskey(id: string, counter: number, at: string): Promise<void> {
    this.#s.usePasskey.run(counter, at, id);
  }

  async renamePasskey(userId: string, id: string, name: string): Promise<boolean> {
    return Number(this.#s.renamePasskey.run(name, id, userId).changes) > 0;
  }

  async addIdentity(identity: IdentityRecord, newUser?: NewUser): Promise<'added' | 'duplicate'> {
    const s = this.#s;
    try {
      return transaction(this.#db, () => {
        if (newUser) {
          s.insertUser.run(newUser.id, newUser.name, newUser.color, newUser.createdAt, newUser.shareSignals ? 1 : 0);
        }
        const i = identity;
        const inserted = s.insertIdentity.run(i.id, i.issuer, i.subject, i.userId, i.email, i.name, i.createdAt, i.lastUsedAt);
        // Undo the new user too: nobody may be left without a way to sign in.
        if (Number(inserted.changes) === 0) throw new Rollback<'duplicate'>('duplicate');
        s.becomeAccount.run(i.createdAt, i.userId);
        return 'added';
      });
    } catch (err) {
      if (err instanceof Rollback) return err.result as 'duplicate';
      throw err;
    }
  }

  async getIdentity(issuer: string, subject: string): Promise<IdentityRecord | null> {
    const row = this.#s.getIdentity.get(issuer, subject);
    return row ? toIdentity(row) : null;
  }

  async listIdentities(userId: string): Promise<IdentityRecord[]> {
    return this.#s.listIdentities.all(userId).map(toIdentity);
  }

  async useIdentity(id: string, at: string): Promise<void> {
    this.#s.useIdentity.run(at, id);
  }

  async removeCredential(userId: string, credential: CredentialRef): Promise<RemoveCredentialResult> {
    const s = this.#s;
    return transaction(this.#db, () => {
      const owned =
        credential.kind === 'passkey'
          ? s.getPasskey.get(credential.id)?.user_id === userId
          : s.listIdentities.all(userId).some((row) => row.id === credential.id);
      if (!owned) return 'not_found';
      if (Number(s.credentialCount.get(userId, userId)?.n ?? 0) <= 1) return 'last';
      (credential.kind === 'passkey' ? s.deletePasskey : s.deleteIdentity).run(credential.id, userId);
      return 'removed';
    });
  }

  async setHandle(change: HandleChange): Promise<HandleChangeResult> {
    const s = this.#s;
    return transaction(this.#db, (): HandleChangeResult => {
      const row = s.liveUser.get(change.userId);
      if (!row) return { ok: false, reason: 'no_user' };
      const user = toUser(row);
      if (user.accountAt === null) return { ok: false, reason: 'not_account' };
      if (user.handle === change.handle) return { ok: true, user };
      s.dropExpiredHolds.run(change.at);
      if (s.keyUsedByOther.get(change.key, change.handle, change.userId) || s.keyHeldByOther.get(change.key, change.userId, change.at)) {
        return { ok: false, reason: 'taken' };
      }
      const oldKey = row.handle_key === null ? null : String(row.handle_key);
      if (user.handle !== null && oldKey !== null && oldKey !== change.key) {
        s.hold.run(oldKey, user.handle, change.userId, change.holdUntil);
      }
      s.releaseOwnHold.run(change.key, change.userId);
      const updated = s.setHandle.get(change.handle, change.key, change.userId);
      if (!updated) throw new Error('the user row vanished inside its own transaction');
      return { ok: true, user: toUser(updated) };
    });
  }

  async findByHandle(handle: string, key: string, now: string): Promise<UserRecord | null> {
    const s = this.#s;
    const row: Row | undefined = s.byHandle.get(handle) ?? s.byKey.get(key) ?? s.byHold.get(key, now);
    return row ? toUser(row) : null;
  }

  async usersByHandles(handles: readonly string[]): Promise<UserRecord[]> {
    if (handles.length === 0) return [];
    return this.#s.byHandles.all(JSON.stringify(handles)).map(toUser);
  }

  async exportRows(userId: string): Promise<ExportRows> {
    return {
      roomsOwned: this.#s.roomsOwned.all(userId).map(toOwnedRoom),
      likes: this.#s.likesOf.all(userId).map((row) => ({ workId: String(row.work_id), createdAt: String(row.created_at) })),
      memberships: this.#s.membershipsOf.all(userId).map((row) => ({
        roomId: String(row.room_id),
        role: String(row.role) === 'editor' ? 'editor' : 'viewer',
        joinedAt: String(row.joined_at),
      })),
      comments: this.#s.commentsOf.all(userId).map(toExportedComment),
      follows: {
        following: this.#s.followingOf.all(userId).map(toFollow),
        followers: this.#s.followersOf.all(userId).map(toFollow),
      },
      ...toSocialExport(
        Object.fromEntries(this.#s.socialExport.map(([section, statement]) => [section, statement.all(userId)])) as SocialRows,
      ),
    };
  }

  async deleteAccount(deletion: AccountDeletion): Promise<DeletedAccount | null> {
    return transaction(this.#db, () => deleteAccountRows(this.#deletion, deletion));
  }
}
