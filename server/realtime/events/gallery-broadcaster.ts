// Gallery changes to everyone on the `gallery` channel (events/broadcast.ts:
// both transports; with Redis, on every node). A published work skips the sockets of people
// who block one of its authors, wherever they are connected (each signed-in
// socket listens on its user's channel): the live feed leaves out what the
// HTTP feed leaves out for them.
import type { Logger } from 'pino';
import type { Work } from '../../../shared/protocol.ts';
import type { GalleryListener } from '../../gallery/gallery.ts';
import type { Broadcast } from './broadcast.ts';
import { GALLERY_CHANNEL, userChannel } from './channels.ts';
import { InOrder } from './in-order.ts';

/** Who must not see a person's works (the social layer answers). */
export interface BlockedAudience {
  /** The users who block this one. */
  blockersOf(userId: string): Promise<string[]>;
}

export class GalleryBroadcaster implements GalleryListener {
  readonly #io: Broadcast;
  readonly #audience: BlockedAudience;
  /** Events leave in the order they happened, though a publish waits for its lookup. */
  readonly #inOrder: InOrder;

  constructor(io: Broadcast, audience: BlockedAudience, logger: Logger) {
    this.#io = io;
    this.#audience = audience;
    this.#inOrder = new InOrder(logger, 'live gallery broadcast');
  }

  published(work: Work): void {
    // Without knowing who blocks the authors, nobody hears of it live; feeds show it on their next load.
    const blockers = Promise.all(work.authors.map((author) => this.#audience.blockersOf(author.id)));
    this.#inOrder.sendWith(
      blockers,
      (found) => {
        const except = [...new Set(found.flat())].map(userChannel);
        this.#io.to(GALLERY_CHANNEL).except(except).emit('gallery:published', work);
      },
      { workId: work.id },
    );
  }

  liked(change: { id: string; likes: number }): void {
    this.#inOrder.send(() => this.#io.to(GALLERY_CHANNEL).emit('gallery:liked', change));
  }

  deleted(removed: { id: string }): void {
    this.#inOrder.send(() => this.#io.to(GALLERY_CHANNEL).emit('gallery:deleted', removed));
  }

  /** Waits for broadcasts in flight (tests, shutdown). */
  idle(): Promise<void> {
    return this.#inOrder.idle();
  }
}
