// The social layer's events, on both transports. Every signed-in connection
// listens on its user's channel (notifications); `work:subscribe` puts a
// connection on a work's channel (comments, likes). Broadcasts reach
// connections on every node (events/broadcast.ts); users who block a comment's
// author are left out by their user channel, wherever they are connected.
import { workIdSchema } from '../../../shared/protocol.ts';
import type { Comment, Notification } from '../../../shared/social.ts';
import { AppError } from '../../errors.ts';
import type { Gallery, GalleryListener } from '../../gallery/gallery.ts';
import type { CommentListener } from '../../social/comments.ts';
import type { NotificationSink } from '../../social/notifier.ts';
import type { Broadcast } from './broadcast.ts';
import { GALLERY_CHANNEL, userChannel, workChannel } from './channels.ts';
import type { EventContext } from './event-context.ts';
import type { EventRegistry } from './event-registry.ts';
import { idArgs, idFirstArgs } from './serve.ts';

export interface SocialSocketOptions {
  gallery: Gallery;
  /** Works one connection may follow at once. */
  maxSubscriptions: number;
}

export function serveSocialEvents(events: EventRegistry, options: SocialSocketOptions): void {
  const { gallery } = options;
  /** Works each connection follows, for the limit; a connection's set is made on its first subscribe. */
  const followed = new WeakMap<EventContext, Set<string>>();
  events.onConnect((ctx) => {
    if (ctx.user) ctx.join(userChannel(ctx.user.id));
  });
  events.serve('work:subscribe', {
    args: idArgs,
    names: ['workId'],
    usage: 'work:subscribe takes (workId, ack?)',
    handle: async ([workId], ctx) => {
      if (!workIdSchema.safeParse(workId).success) throw new AppError('not_found', 'no such work');
      const following = followed.get(ctx);
      if (!following?.has(workId) && (following?.size ?? 0) >= options.maxSubscriptions) {
        throw new AppError('too_large', `a connection may follow at most ${options.maxSubscriptions} works at once`);
      }
      // Only works the connection's user may see: hidden ones are for moderators.
      await gallery.getRecord(workId, ctx.user?.id ?? null);
      if (ctx.isOpen()) {
        // Looked up again: another subscribe may have made the set meanwhile.
        const works = followed.get(ctx);
        if (works) works.add(workId);
        else followed.set(ctx, new Set([workId]));
        ctx.join(workChannel(workId));
      }
      return { subscribed: true };
    },
  });
  events.serve('work:unsubscribe', {
    args: idFirstArgs,
    names: ['workId'],
    usage: 'work:unsubscribe takes (workId)',
    handle: ([workId], ctx) => {
      followed.get(ctx)?.delete(workId);
      ctx.leave(workChannel(workId));
      return {};
    },
  });
}

/** Comments to a work's subscribers, notifications to their recipients, likes to the work's page. */
export class SocialBroadcaster implements CommentListener, NotificationSink, GalleryListener {
  readonly #io: Broadcast;

  constructor(io: Broadcast) {
    this.#io = io;
  }

  added(comment: Comment, hiddenFrom: readonly string[]): void {
    this.#io.to(workChannel(comment.workId)).except(hiddenFrom.map(userChannel)).emit('comment:added', comment);
  }

  updated(comment: Comment, hiddenFrom: readonly string[]): void {
    this.#io.to(workChannel(comment.workId)).except(hiddenFrom.map(userChannel)).emit('comment:updated', comment);
  }

  removed(removed: { id: string; workId: string }): void {
    this.#io.to(workChannel(removed.workId)).emit('comment:removed', removed);
  }

  deliver(recipientId: string, notification: Notification): void {
    this.#io.to(userChannel(recipientId)).emit('notification', notification);
  }

  /** The gallery channel hears of likes already; a work's page hears too (once, if it is on both). */
  liked(change: { id: string; likes: number }): void {
    this.#io.to(workChannel(change.id)).except(GALLERY_CHANNEL).emit('gallery:liked', change);
  }

  /** Hidden or removed by a moderator: open feeds drop it as they do a deleted work. */
  withdrawn(removed: { id: string }): void {
    this.#io.to([GALLERY_CHANNEL, workChannel(removed.id)]).emit('gallery:deleted', removed);
  }
}
