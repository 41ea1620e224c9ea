// Profiles: finding a user by handle or id, and what their page shows. Later
// features (follows, blocks) add their part through `contribute`, so the
// page and its API grow without this module knowing them.
import type { ProfileResponse, ProfileStats } from '../../shared/accounts.ts';
import { handleSkeleton, normalizeHandle } from '../../shared/handles.ts';
import { toProfileUser } from '../auth/users.ts';
import { AppError } from '../errors.ts';
import type { AccountStore } from '../store/accounts.ts';
import type { GalleryStore } from '../store/gallery.ts';
import type { RecordStore, UserRecord } from '../store/records.ts';

/** What a feature adds to a profile as seen by `viewerId` (null: anonymous). */
export type ProfileContribution = (
  user: UserRecord,
  viewerId: string | null,
) => Promise<{ stats?: Partial<ProfileStats>; followedByMe?: boolean; blockedByMe?: boolean }>;

const USER_ID = /^[A-Za-z0-9_-]{22}$/;

export class Profiles {
  readonly #records: RecordStore;
  readonly #accounts: AccountStore;
  readonly #gallery: GalleryStore;
  readonly #contributions: ProfileContribution[] = [];

  constructor(records: RecordStore, accounts: AccountStore, gallery: GalleryStore) {
    this.#records = records;
    this.#accounts = accounts;
    this.#gallery = gallery;
  }

  contribute(contribution: ProfileContribution): void {
    this.#contributions.push(contribution);
  }

  /**
   * The user an id or a handle names: an id first (a handle can never equal
   * another user's id), then the handle, a look-alike of it, or a recently
   * changed one still held by its owner. Deleted users are not found.
   */
  async find(handleOrId: string): Promise<UserRecord> {
    let user: UserRecord | null = null;
    if (USER_ID.test(handleOrId)) user = await this.#records.getUser(handleOrId);
    if (!user || user.deletedAt !== null) {
      const handle = normalizeHandle(handleOrId);
      user = /^[a-z0-9_]{1,40}$/.test(handle)
        ? await this.#accounts.findByHandle(handle, handleSkeleton(handle), new Date().toISOString())
        : null;
    }
    if (!user || user.deletedAt !== null) throw new AppError('not_found', 'no such user');
    return user;
  }

  async profile(handleOrId: string, viewerId: string | null): Promise<ProfileResponse> {
    const user = await this.find(handleOrId);
    const authored = await this.#gallery.authorStats(user.id);
    const profile: ProfileResponse = {
      user: toProfileUser(user),
      stats: { works: authored.works, followers: 0, following: 0, likes: authored.likes },
      followedByMe: false,
      blockedByMe: false,
    };
    for (const part of await Promise.all(this.#contributions.map((contribute) => contribute(user, viewerId)))) {
      Object.assign(profile.stats, part.stats);
      if (part.followedByMe !== undefined) profile.followedByMe = part.followedByMe;
      if (part.blockedByMe !== undefined) profile.blockedByMe = part.blockedByMe;
    }
    return profile;
  }
}
