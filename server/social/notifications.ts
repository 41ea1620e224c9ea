// A user's own notifications: the newest first with the unread count,
// marking them read, and the types they muted.
import type { NotificationPage, NotificationSettings, NotificationType } from '../../shared/social.ts';
import { AppError } from '../errors.ts';
import type { NotificationStore } from '../store/social.ts';
import { decodeKeys, encodeKeys, pageOf } from './cursors.ts';
import { toNotification } from './notifier.ts';

const LIST = 'nt';

export class Notifications {
  readonly #store: NotificationStore;

  constructor(store: NotificationStore) {
    this.#store = store;
  }

  async page(userId: string, limit: number, cursor?: string): Promise<NotificationPage> {
    const before = cursor === undefined ? undefined : decodeKeys(cursor, LIST, 1)[0];
    const [rows, unread] = await Promise.all([
      this.#store.list(userId, { limit: limit + 1, ...(before === undefined ? {} : { before }) }),
      this.#store.unread(userId),
    ]);
    return { ...pageOf(rows, limit, toNotification, (last) => encodeKeys(LIST, last.seq)), unread };
  }

  /** Marks read everything up to `upTo` (a notification id), or everything. */
  async markRead(userId: string, upTo?: string): Promise<{ unread: number }> {
    const unread = await this.#store.markRead(userId, upTo, new Date().toISOString());
    if (unread === null) throw new AppError('not_found', 'upTo: no such notification of yours');
    return { unread };
  }

  async settings(userId: string): Promise<NotificationSettings> {
    return { muted: [...(await this.#store.muted(userId))].sort() };
  }

  async mute(userId: string, muted: readonly NotificationType[]): Promise<NotificationSettings> {
    await this.#store.setMuted(userId, muted);
    return this.settings(userId);
  }
}
