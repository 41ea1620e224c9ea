// The gallery's events, on both transports: `work:publish` from a joined
// editor, and the `gallery` channel that subscribers (signed in or not) hear
// every published work, like count and deletion on (gallery-broadcaster.ts;
// with Redis, on every node).
import { z } from 'zod';
import { publishWorkBodySchema } from '../../../shared/protocol.ts';
import type { Gallery } from '../../gallery/gallery.ts';
import { GALLERY_CHANNEL } from './channels.ts';
import type { EventRegistry } from './event-registry.ts';
import { idArg, noArgs } from './serve.ts';

const publishArgs = z.tuple([idArg, publishWorkBodySchema]);

export function serveGalleryEvents(events: EventRegistry, gallery: Gallery): void {
  events.serve('work:publish', {
    args: publishArgs,
    names: ['roomId', 'body'],
    usage: 'work:publish takes (roomId, {title, description?, tags?, allowRemix?, hidePrompt?}, ack)',
    handle: async ([roomId, body], ctx) => {
      const { room, participant } = ctx.joined(roomId);
      return { work: await gallery.publish(room, participant, body) };
    },
  });
  events.serve('gallery:subscribe', {
    args: noArgs,
    names: [],
    usage: 'gallery:subscribe takes (ack?)',
    handle: (_args, ctx) => {
      ctx.join(GALLERY_CHANNEL);
      return { subscribed: true };
    },
  });
  events.serve('gallery:unsubscribe', {
    args: noArgs,
    names: [],
    usage: 'gallery:unsubscribe takes ()',
    handle: (_args, ctx) => {
      ctx.leave(GALLERY_CHANNEL);
      return {};
    },
  });
}
