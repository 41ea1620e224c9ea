// Users: creating guests, their public and private views, and changes to
// their profile (name, colour, bio, handle, avatar).
import { handleProblem, handleSkeleton } from '../../shared/handles.ts';
import type { PublicUser, SessionUser } from '../../shared/protocol.ts';
import { AppError } from '../errors.ts';
import { randomId } from '../ids.ts';
import type { AccountStore } from '../store/accounts.ts';
import type { NewUser, RecordStore, UserRecord } from '../store/records.ts';
import type { Sessions } from './sessions.ts';

export const USER_COLORS = [
  '#e11d48',
  '#db2777',
  '#c026d3',
  '#9333ea',
  '#6d28d9',
  '#4f46e5',
  '#2563eb',
  '#0284c7',
  '#0891b2',
  '#0d9488',
  '#059669',
  '#16a34a',
  '#65a30d',
  '#ca8a04',
  '#d97706',
  '#ea580c',
] as const;

const ADJECTIVES = [
  'Amber',
  'Brisk',
  'Cobalt',
  'Dusky',
  'Ember',
  'Fern',
  'Gilded',
  'Hazel',
  'Indigo',
  'Jade',
  'Lunar',
  'Misty',
  'Nimble',
  'Ochre',
  'Quiet',
  'Rosy',
  'Sage',
  'Tidal',
  'Umber',
  'Velvet',
] as const;
const ANIMALS = [
  'Badger',
  'Crane',
  'Otter',
  'Finch',
  'Fox',
  'Heron',
  'Ibis',
  'Lynx',
  'Marten',
  'Newt',
  'Owl',
  'Puffin',
  'Raven',
  'Seal',
  'Stoat',
  'Swift',
  'Tern',
  'Wren',
  'Yak',
  'Moth',
] as const;

const pick = <T>(list: readonly [T, ...T[]]): T => list[Math.floor(Math.random() * list.length)] ?? list[0];

/** What a deleted account's tombstone is credited as on works made with others. */
export const DELETED_USER = { name: 'deleted user', color: '#94a3b8' } as const;

/** A user wherever one appears in lists (authors, people): no bio, to keep lists small. */
export function toPublicUser(u: UserRecord): PublicUser {
  const user: PublicUser = { id: u.id, name: u.name, color: u.color };
  if (u.handle !== null) user.handle = u.handle;
  if (u.avatarUrl !== null) user.avatarUrl = u.avatarUrl;
  return user;
}

/** A user on their profile: with the bio. */
export function toProfileUser(u: UserRecord): PublicUser {
  const user = toPublicUser(u);
  if (u.bio !== '') user.bio = u.bio;
  return user;
}

export function toSessionUser(u: UserRecord): SessionUser {
  return { ...toProfileUser(u), shareSignals: u.shareSignals, account: u.accountAt !== null };
}

export interface ProfileChange {
  name?: string;
  color?: string;
  shareSignals?: boolean;
  bio?: string;
  /** Normalized (shared/handles.ts normalizeHandle). */
  handle?: string;
}

export interface UsersOptions {
  /** How long an old handle stays its owner's after they change it. */
  handleHoldMs: number;
  /** How long `get` may answer from memory (changes made on other nodes show within it). */
  cacheMs: number;
}

/** Users `get` keeps in memory at most. */
const CACHE_LIMIT = 10_000;

/** Creating users and changing them; who is calling is the Sessions' business. */
export class Users {
  readonly #records: RecordStore;
  readonly #accounts: AccountStore;
  readonly #sessions: Sessions;
  readonly #options: UsersOptions;
  /** Public users by id, read often (authors, people, moderation); each trusted for `cacheMs`. */
  readonly #cache = new Map<string, { user: PublicUser | null; at: number }>();

  constructor(records: RecordStore, accounts: AccountStore, sessions: Sessions, options: UsersOptions) {
    this.#records = records;
    this.#accounts = accounts;
    this.#sessions = sessions;
    this.#options = options;
  }

  /** A new guest and their first session. */
  async create(name?: string, userAgent?: string): Promise<{ user: SessionUser; token: string; sessionId: string }> {
    const record = newGuest(name);
    await this.#records.createUser(record);
    const { sessionId, token } = await this.#sessions.create(record.id, userAgent);
    const created: UserRecord = {
      handle: null,
      bio: '',
      avatarUrl: null,
      accountAt: null,
      deletedAt: null,
      ...record,
      shareSignals: false,
    };
    return { user: toSessionUser(created), token, sessionId };
  }

  /** The user a token names, or null when it is missing, forged, revoked or expired, or the user is gone. */
  async authenticate(token: unknown): Promise<PublicUser | null> {
    const found = await this.#sessions.authenticate(token);
    return found ? toPublicUser(found.user) : null;
  }

  /** Like authenticate, with the session the token names (a connection ends when its session is revoked). */
  async identify(token: unknown): Promise<{ user: PublicUser; sessionId: string } | null> {
    const found = await this.#sessions.authenticate(token);
    return found ? { user: toPublicUser(found.user), sessionId: found.sessionId } : null;
  }

  /** A user as anyone may see them; null for an unknown or deleted one. */
  async get(id: string): Promise<PublicUser | null> {
    const cached = this.#cache.get(id);
    if (cached && performance.now() - cached.at < this.#options.cacheMs) return cached.user;
    const record = await this.#records.getUser(id);
    const user = record && record.deletedAt === null ? toPublicUser(record) : null;
    this.#cache.delete(id);
    this.#cache.set(id, { user, at: performance.now() });
    const oldest = this.#cache.keys().next();
    if (this.#cache.size > CACHE_LIMIT && !oldest.done) this.#cache.delete(oldest.value);
    return user;
  }

  /** Forgets the cached copy (after a change on this node). */
  forget(id: string): void {
    this.#cache.delete(id);
  }

  /** The user with their private settings, read from the store. */
  async session(id: string): Promise<SessionUser | null> {
    const record = await this.#records.getUser(id);
    return record && record.deletedAt === null ? toSessionUser(record) : null;
  }

  /**
   * Applies a change to one's own profile. A handle needs an account and must
   * be free (not taken, held, reserved, or a look-alike of one of these).
   */
  async update(id: string, change: ProfileChange): Promise<SessionUser | null> {
    const { handle, ...patch } = change;
    let record: UserRecord | null = null;
    if (handle !== undefined) record = await this.#setHandle(id, handle);
    if (Object.keys(patch).length > 0 || !record) record = await this.#records.updateUser(id, patch);
    if (!record) return null;
    this.forget(id);
    await this.#sessions.userChanged(id);
    return toSessionUser(record);
  }

  /** Sets or (with null) removes the avatar: a `/media/…` URL. */
  async setAvatar(id: string, avatarUrl: string | null): Promise<SessionUser | null> {
    const record = await this.#records.updateUser(id, { avatarUrl });
    if (!record) return null;
    this.forget(id);
    await this.#sessions.userChanged(id);
    return toSessionUser(record);
  }

  async #setHandle(id: string, handle: string): Promise<UserRecord | null> {
    const problem = handleProblem(handle);
    if (problem) throw new AppError(problem.kind === 'reserved' ? 'conflict' : 'bad_request', problem.message);
    const at = Date.now();
    const result = await this.#accounts.setHandle({
      userId: id,
      handle,
      key: handleSkeleton(handle),
      at: new Date(at).toISOString(),
      holdUntil: new Date(at + this.#options.handleHoldMs).toISOString(),
    });
    if (result.ok) return result.user;
    switch (result.reason) {
      case 'no_user':
        return null;
      case 'not_account':
        throw new AppError('forbidden', 'guests have no handle: add a passkey or link an account first');
      case 'taken':
        throw new AppError('conflict', `@${handle} is taken, or too much like a handle in use`);
      default:
        return result.reason satisfies never;
    }
  }
}

/** A guest's record: the name given, or one like "Amber Fox". */
export function newGuest(name: string | undefined): NewUser {
  return {
    id: randomId(),
    name: name ?? `${pick(ADJECTIVES)} ${pick(ANIMALS)}`,
    color: pick(USER_COLORS),
    createdAt: new Date().toISOString(),
    shareSignals: false,
  };
}
