// The gallery as the transports see it: publish, read the feeds, like, remix,
// delete. Listeners (the Socket.IO broadcaster) hear every change.
import {
  type GalleryPage,
  type GallerySort,
  type LikeResponse,
  type PublicUser,
  type PublishWorkBody,
  type Role,
  roomTitleSchema,
  type Work,
} from '../../shared/protocol.ts';
import { AppError } from '../errors.ts';
import type { RoomDirectory } from '../rooms/directory.ts';
import type { Room } from '../rooms/room.ts';
import type { GalleryStore, LikeResult, WorkRecord } from '../store/gallery.ts';
import { FeedCache } from './feed-cache.ts';
import { decodeCursor, encodeCursor } from './feed-cursor.ts';
import type { Publisher } from './publisher.ts';
import { remixState } from './remix-doc.ts';
import { toWork } from './work-view.ts';

export interface GalleryListener {
  published?(work: Work): void;
  liked?(change: { id: string; likes: number }): void;
  deleted?(removed: { id: string }): void;
  /** Who liked or unliked: for the server's own records, never broadcast. */
  reacted?(reaction: { workId: string; userId: string; liked: boolean }): void;
  /** A work remixed into a new room. */
  remixed?(remix: { workId: string; userId: string; roomId: string }): void;
}

export interface PageRequest {
  limit: number;
  cursor?: string;
  /** The signed-in caller, whose likes are marked; null for anonymous. */
  viewer: string | null;
}

const REMIX_PREFIX = 'Remix of ';
/** Distinct feed pages kept (sort × limit × cursor). */
const FEED_CACHE_ENTRIES = 256;

export class Gallery {
  readonly #store: GalleryStore;
  readonly #publisher: Publisher;
  readonly #directory: RoomDirectory;
  readonly #listeners: GalleryListener[] = [];
  readonly #feedCache: FeedCache<GalleryPage>;

  /** `feedCacheMs`: how long an anonymous feed page is reused (0: never). */
  constructor(store: GalleryStore, publisher: Publisher, directory: RoomDirectory, feedCacheMs: number) {
    this.#store = store;
    this.#publisher = publisher;
    this.#directory = directory;
    this.#feedCache = new FeedCache(feedCacheMs, FEED_CACHE_ENTRIES);
  }

  listen(listener: GalleryListener): void {
    this.#listeners.push(listener);
  }

  async publish(room: Room, by: { user: PublicUser; role: Role }, body: PublishWorkBody): Promise<Work> {
    const work = toWork(await this.#publisher.publish(room, by, body));
    this.#feedCache.clear();
    for (const listener of this.#listeners) listener.published?.(work);
    return work;
  }

  async get(id: string, viewer: string | null): Promise<Work> {
    const found = await this.#store.getWork(id);
    if (!found) throw new AppError('not_found', 'no such work');
    if (found.state === 'deleted') throw new AppError('not_found', 'this work was deleted by its author');
    const [work] = await this.#withLikes([found.work], viewer);
    if (!work) throw new AppError('internal', 'a work went missing between its read and its likes');
    return work;
  }

  /** A gallery page, newest or most liked first; a signed-in caller's likes marked. */
  async feed(sort: GallerySort, request: PageRequest): Promise<GalleryPage> {
    const { page, liked } = await this.sharedFeed(sort, request);
    if (liked === null) return page;
    return { ...page, items: page.items.map((work) => ({ ...work, liked: liked.has(work.id) })) };
  }

  /**
   * The page everyone sees (cached briefly, and the same object while it is,
   * so a transport can keep its encoding alongside), and which of its works
   * the caller likes (null for anonymous callers).
   */
  async sharedFeed(sort: GallerySort, request: PageRequest): Promise<{ page: GalleryPage; liked: Set<string> | null }> {
    const after = request.cursor === undefined ? undefined : decodeCursor(request.cursor, sort);
    const key = `${sort}|${request.limit}|${request.cursor ?? ''}`;
    let page = this.#feedCache.get(key);
    if (!page) {
      const records = await this.#store.listWorks({ sort, limit: request.limit + 1, after });
      page = await this.#page(records, { ...request, viewer: null }, (last) =>
        sort === 'new' ? { sort, seq: last.seq } : { sort, likes: last.likes, seq: last.seq },
      );
      this.#feedCache.set(key, page);
    }
    if (request.viewer === null) return { page, liked: null };
    return {
      page,
      liked: await this.#store.likedBy(
        request.viewer,
        page.items.map((work) => work.id),
      ),
    };
  }

  /** Works remixed from this one (which may since have been deleted), newest first. */
  async remixes(id: string, request: PageRequest): Promise<GalleryPage> {
    if (!(await this.#store.getWork(id))) throw new AppError('not_found', 'no such work');
    const after = request.cursor === undefined ? undefined : decodeCursor(request.cursor, 'new');
    const records = await this.#store.listRemixes(id, request.limit + 1, after?.sort === 'new' ? after.seq : undefined);
    return this.#page(records, request, (last) => ({ sort: 'new', seq: last.seq }));
  }

  /** Works the user is an author of, newest first (their profile). */
  async byAuthor(userId: string, request: PageRequest): Promise<GalleryPage> {
    const after = request.cursor === undefined ? undefined : decodeCursor(request.cursor, 'new');
    const records = await this.#store.listWorksByAuthor(userId, request.limit + 1, after?.sort === 'new' ? after.seq : undefined);
    return this.#page(records, request, (last) => ({ sort: 'new', seq: last.seq }));
  }

  /** A deleted account took these works and likes with it: feeds and listeners hear of it. */
  accountRemoved(change: { removedWorks: readonly string[]; unliked: ReadonlyArray<{ id: string; likes: number }> }): void {
    if (change.removedWorks.length === 0 && change.unliked.length === 0) return;
    this.#feedCache.clear();
    for (const listener of this.#listeners) {
      for (const id of change.removedWorks) listener.deleted?.({ id });
      for (const like of change.unliked) listener.liked?.(like);
    }
  }

  async like(id: string, userId: string): Promise<LikeResponse> {
    return this.#likeChanged(id, userId, await this.#store.like(id, userId), true);
  }

  async unlike(id: string, userId: string): Promise<LikeResponse> {
    return this.#likeChanged(id, userId, await this.#store.unlike(id, userId), false);
  }

  /** A new room, owned by the caller, holding the work's prompt, layers and canvas as published. */
  async remix(id: string, userId: string): ReturnType<RoomDirectory['create']> {
    const source = await this.#store.getWorkSource(id);
    if (!source) {
      const found = await this.#store.getWork(id);
      throw new AppError('not_found', found ? 'this work was deleted by its author' : 'no such work');
    }
    const title = roomTitleSchema.parse((REMIX_PREFIX + source.title).slice(0, 120));
    const created = await this.#directory.create(userId, { title, remixOf: id, initialState: remixState(source.state) });
    for (const listener of this.#listeners) listener.remixed?.({ workId: id, userId, roomId: created.room.id });
    return created;
  }

  /** Only the user who published a work may delete it; its remixes keep their link to it. */
  async delete(id: string, userId: string): Promise<void> {
    const found = await this.#store.getWork(id);
    if (!found || found.state === 'deleted') throw new AppError('not_found', 'no such work');
    if (found.work.publishedBy !== userId) throw new AppError('forbidden', 'only the author who published a work can delete it');
    if (!(await this.#store.deleteWork(id, new Date().toISOString()))) throw new AppError('not_found', 'no such work');
    this.#feedCache.clear();
    for (const listener of this.#listeners) listener.deleted?.({ id });
  }

  #likeChanged(id: string, userId: string, result: LikeResult | null, liked: boolean): LikeResponse {
    if (!result) throw new AppError('not_found', 'no such work');
    if (result.changed) {
      for (const listener of this.#listeners) {
        listener.liked?.({ id, likes: result.likes });
        listener.reacted?.({ workId: id, userId, liked });
      }
    }
    return { likes: result.likes, liked };
  }

  async #page(
    records: WorkRecord[],
    request: PageRequest,
    positionOf: (last: WorkRecord) => Parameters<typeof encodeCursor>[0],
  ): Promise<GalleryPage> {
    const more = records.length > request.limit;
    const items = more ? records.slice(0, request.limit) : records;
    const last = items.at(-1);
    return {
      items: await this.#withLikes(items, request.viewer),
      nextCursor: more && last ? encodeCursor(positionOf(last)) : null,
    };
  }

  async #withLikes(records: readonly WorkRecord[], viewer: string | null): Promise<Work[]> {
    if (viewer === null) return records.map((record) => toWork(record));
    const liked = await this.#store.likedBy(
      viewer,
      records.map((record) => record.id),
    );
    return records.map((record) => toWork(record, liked.has(record.id)));
  }
}
