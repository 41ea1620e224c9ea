// What makes a user an account: passkeys and linked OpenID Connect identities,
// the handle, and the account's end (deletion). One implementation per
// backend; tests/store/accounts.contract.ts is the suite each must pass.
import type { NewUser, RoomRecord, UserRecord } from './records.ts';
import type { SocialExportRows } from './social-export.ts';

export interface PasskeyRecord {
  /** The credential id, base64url. */
  id: string;
  userId: string;
  publicKey: Uint8Array;
  counter: number;
  transports: string[];
  deviceType: 'singleDevice' | 'multiDevice';
  backedUp: boolean;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
}

export interface IdentityRecord {
  id: string;
  issuer: string;
  subject: string;
  userId: string;
  email: string | null;
  name: string | null;
  createdAt: string;
  lastUsedAt: string | null;
}

export type CredentialRef = { kind: 'passkey'; id: string } | { kind: 'identity'; id: string };

/** `last`: it is the user's only way to sign in, so it stays. */
export type RemoveCredentialResult = 'removed' | 'not_found' | 'last';

export interface HandleChange {
  userId: string;
  handle: string;
  /** Its look-alike skeleton (shared/handles.ts): unique among users and holds. */
  key: string;
  at: string;
  /** Until when the user's previous handle stays theirs. */
  holdUntil: string;
}

/** `taken`: another user has it or a look-alike, or holds it; `not_account`: guests have no handle. */
export type HandleChangeResult = { ok: true; user: UserRecord } | { ok: false; reason: 'taken' | 'not_account' | 'no_user' };

export interface AccountDeletion {
  userId: string;
  at: string;
  /** Until when the deleted account's handle may not be taken. */
  holdUntil: string;
  /** What the tombstone is credited as on works made with others. */
  tombstone: { name: string; color: string };
}

export interface DeletedAccount {
  /** Works only they made, turned into tombstones. */
  removedWorks: string[];
  /** Rooms only they ever used, gone with their logs. */
  removedRooms: string[];
  /** Works whose like count changed (their likes went): id and new count. */
  unliked: Array<{ id: string; likes: number }>;
  /** Comments that went: theirs and the replies under them. */
  removedComments: Array<{ id: string; workId: string }>;
}

/** The social layer's parts (blocks, notification settings, notifications, reports) come from social-export.ts. */
export interface ExportRows extends SocialExportRows {
  /** With whether each is on "Live now" (its owner listed it). */
  roomsOwned: Array<RoomRecord & { listed: boolean }>;
  likes: Array<{ workId: string; createdAt: string }>;
  memberships: Array<{ roomId: string; role: 'editor' | 'viewer'; joinedAt: string }>;
  comments: Array<{ id: string; workId: string; parentId: string | null; body: string; createdAt: string; editedAt: string | null }>;
  /** Whom they follow, and who follows them: user ids with when. */
  follows: { following: Array<{ userId: string; since: string }>; followers: Array<{ userId: string; since: string }> };
}

export interface AccountStore {
  /** Adds the passkey and makes its user an account; `duplicate` when the credential is registered already (to anyone). */
  addPasskey(passkey: PasskeyRecord): Promise<'added' | 'duplicate'>;
  getPasskey(id: string): Promise<PasskeyRecord | null>;
  listPasskeys(userId: string): Promise<PasskeyRecord[]>;
  /** Records a successful sign-in with the passkey: its new signature counter. */
  usePasskey(id: string, counter: number, at: string): Promise<void>;
  renamePasskey(userId: string, id: string, name: string): Promise<boolean>;

  /**
   * Links the identity to its user (created first, in the same transaction,
   * when `newUser` is given) and makes the user an account; `duplicate` when
   * the issuer's subject is linked already (to anyone).
   */
  addIdentity(identity: IdentityRecord, newUser?: NewUser): Promise<'added' | 'duplicate'>;
  getIdentity(issuer: string, subject: string): Promise<IdentityRecord | null>;
  listIdentities(userId: string): Promise<IdentityRecord[]>;
  useIdentity(id: string, at: string): Promise<void>;

  /** Removes one of the user's passkeys or identities, unless it is their last way to sign in. */
  removeCredential(userId: string, credential: CredentialRef): Promise<RemoveCredentialResult>;

  /**
   * Gives an account a handle, atomically: refused when another user has it
   * or a look-alike (same key), or another user's hold covers the key. The
   * user's previous handle is held for them until `holdUntil`; a hold of
   * their own on the new key is released.
   */
  setHandle(change: HandleChange): Promise<HandleChangeResult>;
  /**
   * The user with this handle; else the one whose handle looks like it (same
   * key); else the one still holding it at `now`. Null when none, or deleted.
   */
  findByHandle(handle: string, key: string, now: string): Promise<UserRecord | null>;
  /** The users (not deleted) holding exactly these handles now; no look-alikes, no holds. */
  usersByHandles(handles: readonly string[]): Promise<UserRecord[]>;

  exportRows(userId: string): Promise<ExportRows>;
  /**
   * Deletes the account in one transaction: sessions, passkeys, identities,
   * likes (counters kept in step), memberships, signals; works only they
   * authored become tombstones; rooms nobody else used go with their logs;
   * the handle is held; the user row becomes a tombstone that co-authored
   * works stay credited to. Throws (changing nothing) if any part fails.
   */
  deleteAccount(deletion: AccountDeletion): Promise<DeletedAccount | null>;
}
