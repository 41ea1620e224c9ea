// Who is calling: creates users, and turns a token into a user.
import type { PublicUser, SessionUser } from '../../shared/protocol.ts';
import { randomId } from '../ids.ts';
import type { RecordStore, UserPatch, UserRecord } from '../store/records.ts';
import type { TokenSigner } from './tokens.ts';

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

export const toPublicUser = (u: UserRecord): PublicUser => ({ id: u.id, name: u.name, color: u.color });
const toSessionUser = (u: UserRecord): SessionUser => ({ ...toPublicUser(u), shareSignals: u.shareSignals });

const CACHE_LIMIT = 10_000;

export class Users {
  readonly #records: RecordStore;
  readonly #tokens: TokenSigner;
  /** Users are read on every handshake; they change rarely and only here. */
  readonly #cache = new Map<string, PublicUser>();

  constructor(records: RecordStore, tokens: TokenSigner) {
    this.#records = records;
    this.#tokens = tokens;
  }

  async create(name?: string): Promise<{ user: SessionUser; token: string }> {
    const record: UserRecord = {
      id: randomId(),
      name: name ?? `${pick(ADJECTIVES)} ${pick(ANIMALS)}`,
      color: pick(USER_COLORS),
      createdAt: new Date().toISOString(),
      shareSignals: false,
    };
    await this.#records.createUser(record);
    this.#remember(toPublicUser(record));
    return { user: toSessionUser(record), token: this.#tokens.sign(record.id) };
  }

  /** The user a token names, or null when it is missing, forged, expired or names nobody. */
  async authenticate(token: unknown): Promise<PublicUser | null> {
    const claims = this.#tokens.verify(token);
    if (!claims) return null;
    return this.get(claims.userId);
  }

  async get(id: string): Promise<PublicUser | null> {
    const cached = this.#cache.get(id);
    if (cached) return cached;
    const record = await this.#records.getUser(id);
    if (!record) return null;
    const user = toPublicUser(record);
    this.#remember(user);
    return user;
  }

  /** The user with their private settings, read from the store (not cached: settings change here and on other nodes). */
  async session(id: string): Promise<SessionUser | null> {
    const record = await this.#records.getUser(id);
    return record ? toSessionUser(record) : null;
  }

  async update(id: string, patch: UserPatch): Promise<SessionUser | null> {
    const record = await this.#records.updateUser(id, patch);
    if (!record) return null;
    this.#remember(toPublicUser(record));
    return toSessionUser(record);
  }

  #remember(user: PublicUser): void {
    this.#cache.delete(user.id);
    this.#cache.set(user.id, user);
    const oldest = this.#cache.keys().next();
    if (this.#cache.size > CACHE_LIMIT && !oldest.done) this.#cache.delete(oldest.value);
  }
}
