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

/** Who must not see a person's works (the social layer answers). */
export interface BlockedAudience {
  /** The users who block this one. */
  blockersOf(userId: string): Promise<string[]>;
}

export class GalleryBroadcaster implements GalleryListener {
  readonly #io: Broadcast;
  readonly #audience: BlockedAudience;
  readonly #logger: Logger;
  /** Events leave in the order they happened, though a publish waits for its lookup. */
  #last: Promise<void> = Promise.resolve();

  constructor(io: Broadcast, audience: BlockedAudience, logger: Logger) {
    this.#io = io;
    this.#audience = audience;
    this.#logger = logger;
  }

  published(work: Work): void {
    const blockers = Promise.all(work.authors.map((author) => this.#audience.blockersOf(author.id)));
    this.#inOrder(async () => {
      let except: string[];
      try {
        except = [...new Set((await blockers).flat())].map(userChannel);
      } catch (err) {
        // Without knowing who blocks the authors, nobody hears of it live; feeds show it on their next load.
        this.#logger.warn({ err, workId: work.id }, 'live gallery: who blocks the authors is unknown; not broadcast');
        return;
      }
      this.#io.to(GALLERY_CHANNEL).except(except).emit('gallery:published', work);
    });
  }

  liked(change: { id: string; likes: number }): void {
    this.#inOrder(() => {
      this.#io.to(GALLERY_CHANNEL).emit('gallery:liked', change);
    });
  }

  deleted(removed: { id: string }): void {
    this.#inOrder(() => {
      this.#io.to(GALLERY_CHANNEL).emit('gallery:deleted', removed);
    });
  }

  /** Waits for broadcasts in flight (tests, shutdown). */
  idle(): Promise<void> {
    return this.#last;
  }

  #inOrder(send: () => void | Promise<void>): void {
    this.#last = this.#last.then(send).catch((err: unknown) => this.#logger.error({ err }, 'live gallery broadcast failed'));
  }
}
