// The social layer put together: follows and blocks, comments, notifications,
// search, reports and moderation, over one store. Other modules reach it
// through `notifier` (e.g. `join_request`) and `people` (e.g. `isBlocking`).
import type { Logger } from 'pino';
import type { PublicUser } from '../../shared/protocol.ts';
import type { Config } from '../config.ts';
import type { Gallery, GalleryAudience, GalleryListener } from '../gallery/gallery.ts';
import type { RateLimiter } from '../rate-limit.ts';
import type { Store } from '../store/store.ts';
import { Comments } from './comments.ts';
import type { HandleLookup } from './handles.ts';
import { type AccountControl, Moderation, type RoomCloser } from './moderation.ts';
import type { Moderators } from './moderators.ts';
import { Notifications } from './notifications.ts';
import { Notifier } from './notifier.ts';
import { People } from './people.ts';
import { Search } from './search.ts';

export interface SocialDeps {
  store: Store;
  gallery: Gallery;
  users: { get(id: string): Promise<PublicUser | null> };
  handles: HandleLookup;
  moderators: Moderators;
  accounts: AccountControl;
  rooms: RoomCloser;
  limiter: RateLimiter;
  config: Config['social'];
  logger: Logger;
}

export interface Social {
  readonly notifier: Notifier;
  readonly notifications: Notifications;
  readonly people: People;
  readonly comments: Comments;
  readonly search: Search;
  readonly moderation: Moderation;
  /** Waits for notifications in flight (tests, shutdown). */
  idle(): Promise<void>;
}

/** What the gallery must know of its viewers: whom they block, and whether they moderate. */
export function galleryAudience(store: Store, moderators: Moderators): GalleryAudience {
  return {
    blocksAnyone: (userId) => store.social.graph.blocksAnyone(userId),
    isModerator: (userId) => moderators.isModerator(userId),
  };
}

export function createSocial(deps: SocialDeps): Social {
  const { store, gallery, users, config, limiter } = deps;
  const { graph } = store.social;
  const notifier = new Notifier({
    store: store.social.notifications,
    graph,
    coalesceMs: config.notificationCoalesceSeconds * 1000,
    logger: deps.logger,
  });
  const people = new People({
    graph,
    moderation: store.social.moderation,
    users,
    limiter,
    followsPerMinute: config.followsPerMinute,
    notifier,
    logger: deps.logger,
  });
  const comments = new Comments({
    store: store.social.comments,
    graph,
    gallery,
    handles: deps.handles,
    moderators: deps.moderators,
    notifier,
    limiter,
    logger: deps.logger,
    limits: {
      commentsPerMinute: config.commentsPerMinute,
      mentionsPerComment: config.mentionsPerComment,
      editWindowMs: config.commentEditMinutes * 60_000,
    },
  });
  const moderation = new Moderation({
    store: store.social.moderation,
    gallery,
    works: store.gallery,
    comments,
    records: store.records,
    users,
    moderators: deps.moderators,
    accounts: deps.accounts,
    rooms: deps.rooms,
    limiter,
    reportsPerMinute: config.reportsPerMinute,
  });
  gallery.events.add(galleryNotices(store, notifier));
  return {
    notifier,
    notifications: new Notifications(store.social.notifications),
    people,
    comments,
    search: new Search(gallery, graph),
    moderation,
    idle: () => notifier.idle(),
  };
}

/** Likes and remixes notify the work's authors. */
function galleryNotices(store: Store, notifier: Notifier): GalleryListener {
  const authorsOf = (workId: string) => store.gallery.authorIds(workId);
  return {
    reacted({ workId, userId, liked }) {
      if (!liked) return;
      notifier.notify(authorsOf(workId).then((recipientIds) => ({ type: 'like', actorId: userId, recipientIds, workId })));
    },
    remixed({ workId, userId, roomId }) {
      notifier.notify(authorsOf(workId).then((recipientIds) => ({ type: 'remix', actorId: userId, recipientIds, workId, roomId })));
    },
  };
}
