// The gallery over Socket.IO: `work:publish` from a joined editor, and the
// `gallery` channel that subscribers (signed in or not) hear every published
// work, like count and deletion on. Broadcasts go through the adapter, so with
// Redis they reach subscribers on every node.
import { z } from 'zod';
import { publishWorkBodySchema } from '../../../shared/protocol.ts';
import type { Gallery } from '../../gallery/gallery.ts';
import { idArg, noArgs } from './serve.ts';
import type { SocketIoTransport } from './socketio-server.ts';

export const GALLERY_CHANNEL = 'gallery';

const publishArgs = z.tuple([idArg, publishWorkBodySchema]);

export function serveGallerySocket(socketIo: SocketIoTransport, gallery: Gallery): void {
  socketIo.serve('work:publish', {
    args: publishArgs,
    names: ['roomId', 'body'],
    usage: 'work:publish takes (roomId, {title, description?, tags?, allowRemix?, hidePrompt?}, ack)',
    handle: async ([roomId, body], ctx) => {
      const { room, participant } = ctx.joined(roomId);
      return { work: await gallery.publish(room, participant, body) };
    },
  });
  socketIo.serve('gallery:subscribe', {
    args: noArgs,
    names: [],
    usage: 'gallery:subscribe takes (ack?)',
    handle: (_args, { socket }) => {
      void socket.join(GALLERY_CHANNEL);
      return { subscribed: true };
    },
  });
  socketIo.serve('gallery:unsubscribe', {
    args: noArgs,
    names: [],
    usage: 'gallery:unsubscribe takes ()',
    handle: (_args, { socket }) => {
      void socket.leave(GALLERY_CHANNEL);
      return {};
    },
  });
}
