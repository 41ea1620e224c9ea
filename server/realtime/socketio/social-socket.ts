// The social layer over Socket.IO. Every signed-in socket listens on its
// user's channel (notifications); `work:subscribe` puts a socket on a work's
// channel (comments, likes). Broadcasts go through the adapter, so with Redis
// they reach sockets on every node; users who block a comment's author are
// left out by their user channel, wherever they are connected.
import type { Logger } from 'pino';
import { z } from 'zod';
import { type SubscribeAck, workIdSchema } from '../../../shared/protocol.ts';
import type { Comment, Notification } from '../../../shared/social.ts';
import { AppError, toWireError } from '../../errors.ts';
import type { Gallery, GalleryListener } from '../../gallery/gallery.ts';
import type { Metrics } from '../../metrics.ts';
import type { CommentListener } from '../../social/comments.ts';
import type { NotificationSink } from '../../social/notifier.ts';
import { GALLERY_CHANNEL } from './gallery-socket.ts';
import type { AtelierServer, AtelierSocket, SocketContext, SocketHandlers } from './socketio-server.ts';

export const userChannel = (userId: string) => `user:${userId}`;
export const workChannel = (workId: string) => `work:${workId}`;

const workArg = z.string().max(64);

export interface SocialSocketOptions {
  gallery: Gallery;
  /** Works one connection may follow at once. */
  maxSubscriptions: number;
  metrics: Metrics;
  logger: Logger;
}

export function socialSocketHandlers(options: SocialSocketOptions): SocketHandlers {
  const { gallery, metrics, logger } = options;
  /** Works each socket follows, for the limit. */
  const subscribed = new WeakMap<AtelierSocket, Set<string>>();
  return (ctx: SocketContext) => {
    const { socket } = ctx;
    const user = socket.data.identity?.user;
    if (user) void socket.join(userChannel(user.id));
    const works = new Set<string>();
    subscribed.set(socket, works);

    ctx.on('work:subscribe', (...args: unknown[]) => {
      const ack = typeof args[args.length - 1] === 'function' ? (args.pop() as (res: SubscribeAck) => void) : undefined;
      const refuse = (err: unknown) => {
        if (!(err instanceof AppError)) logger.error({ err }, 'work:subscribe failed');
        const error = toWireError(err);
        metrics.errors.inc({ code: error.code });
        if (ack) ack({ ok: false, error });
        else socket.emit('room:error', '', error);
      };
      if (!ctx.allow()) return ack?.({ ok: false, error: { code: 'rate_limited', message: 'too many messages' } });
      const parsed = workArg.safeParse(args[0]);
      if (!parsed.success) return refuse(new AppError('bad_request', 'work:subscribe takes (workId, ack?)'));
      const workId = parsed.data;
      if (!workIdSchema.safeParse(workId).success) return refuse(new AppError('not_found', 'no such work'));
      if (!works.has(workId) && works.size >= options.maxSubscriptions) {
        return refuse(new AppError('too_large', `a connection may follow at most ${options.maxSubscriptions} works at once`));
      }
      // Only works the socket's user may see: hidden ones are for moderators.
      return gallery.getRecord(workId, socket.data.identity?.user.id ?? null).then(() => {
        if (!socket.connected) return;
        works.add(workId);
        void socket.join(workChannel(workId));
        ack?.({ ok: true, subscribed: true });
      }, refuse);
    });

    ctx.on('work:unsubscribe', (...args: unknown[]) => {
      if (!ctx.allow()) return;
      const parsed = workArg.safeParse(args[0]);
      if (!parsed.success) return;
      subscribed.get(socket)?.delete(parsed.data);
      void socket.leave(workChannel(parsed.data));
    });
  };
}

/** Comments to a work's subscribers, notifications to their recipients, likes to the work's page. */
export class SocialBroadcaster implements CommentListener, NotificationSink, GalleryListener {
  readonly #io: AtelierServer;

  constructor(io: AtelierServer) {
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
