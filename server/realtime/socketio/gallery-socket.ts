// The gallery over Socket.IO: `work:publish` from a joined editor, and the
// `gallery` channel that subscribers (signed in or not) hear every published
// work, like count and deletion on. Broadcasts go through the adapter, so with
// Redis they reach subscribers on every node.
import type { Logger } from 'pino';
import { z } from 'zod';
import { type PublishAck, publishWorkBodySchema, type SubscribeAck, type Work, type WireError } from '../../../shared/protocol.ts';
import { AppError, toWireError } from '../../errors.ts';
import type { Gallery } from '../../gallery/gallery.ts';
import type { Metrics } from '../../metrics.ts';
import type { SocketContext, SocketHandlers } from './socketio-server.ts';

export const GALLERY_CHANNEL = 'gallery';

const publishArgs = z.tuple([z.string().max(64), publishWorkBodySchema]);

type AckFn<T> = (res: T) => void;

/** Takes a trailing acknowledgement callback off the arguments, if the client sent one. */
function takeAck<T>(args: unknown[]): AckFn<T> | undefined {
  return typeof args[args.length - 1] === 'function' ? (args.pop() as AckFn<T>) : undefined;
}

export function gallerySocketHandlers(gallery: Gallery, metrics: Metrics, logger: Logger): SocketHandlers {
  return (ctx: SocketContext) => {
    const { socket } = ctx;

    ctx.on('work:publish', (...args: unknown[]) => {
      const ack = takeAck<PublishAck>(args);
      const roomId = typeof args[0] === 'string' ? args[0].slice(0, 64) : '';
      const refuse = (error: WireError) => {
        if (!ack) return ctx.fail(roomId, new AppError(error.code, error.message));
        metrics.errors.inc({ code: error.code });
        ack({ ok: false, error });
      };
      // allow() has told the client already; an ack still needs its answer.
      if (!ctx.allow()) return ack?.({ ok: false, error: { code: 'rate_limited', message: 'too many messages' } });
      const parsed = publishArgs.safeParse(args);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const where = issue && issue.path.length > 1 ? `${issue.path.slice(1).join('.')}: ` : '';
        return refuse({
          code: 'bad_request',
          message: `work:publish takes (roomId, {title, description?}, ack): ${where}${issue?.message ?? ''}`,
        });
      }
      const [, body] = parsed.data;
      const joined = ctx.joined(roomId);
      if (!joined) return refuse({ code: 'forbidden', message: 'join the room first' });
      return gallery.publish(joined.room, joined.participant, body).then(
        (work: Work) => ack?.({ ok: true, work }),
        (err: unknown) => {
          if (!(err instanceof AppError)) logger.error({ err, roomId }, 'work:publish failed');
          refuse(toWireError(err));
        },
      );
    });

    ctx.on('gallery:subscribe', (...args: unknown[]) => {
      const ack = takeAck<SubscribeAck>(args);
      if (!ctx.allow()) return ack?.({ ok: false, error: { code: 'rate_limited', message: 'too many messages' } });
      void socket.join(GALLERY_CHANNEL);
      ack?.({ ok: true, subscribed: true });
    });

    ctx.on('gallery:unsubscribe', () => {
      if (!ctx.allow()) return;
      void socket.leave(GALLERY_CHANNEL);
    });
  };
}
