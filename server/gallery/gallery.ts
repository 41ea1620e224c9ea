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
import { ROOM_TITLE_MAX } from '../../shared/doc-schema.ts';
import { clipText } from '../../shared/text.ts';
import type { Logger } from 'pino';
import { AppError } from '../errors.ts';
import { Listeners, type Subscribable } from '../listeners.ts';
import type { RoomDirectory } from '../rooms/directory.ts';
import type { Room } from '../rooms/room.ts';
import type { FeedPosition, FeedQuery, GalleryStore, LikeResult, TagCount, WorkFilter, WorkRecord } from '../store/gallery.ts';
import { FeedCache } from './feed-cache.ts';
import { decodeCursor, encodeCursor, type FeedKind } from './feed-cursor.ts';
import type { Publisher } from './publisher.ts';
import { remixState } from './remix-doc.ts';
import { toWork } from './work-view.ts';

export interface GalleryListener {
  published?(work: Work): void;
  liked?(change: { id: string; likes: number }): void;
  deleted?(removed: { id: string }): void;
  /** Hidden or removed by a moderator: gone for everyone else, as if deleted. */
  withdrawn?(removed: { id: string }): void;
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
  /** Only works with this tag. */
  tag?: string;
}

/** Who is looking, as far as what they may see goes (the social layer answers). */
export interface GalleryAudience {
  /** Whether the user blocks anyone: their lists then leave those people's works out. */
  blocksAnyone(userId: string): Promise<boolean>;
  /** Moderators still see hidden works. */
  isModerator(userId: string | null): Promise<boolean>;
}

const REMIX_PREFIX = 'Remix of ';
/** Popular tags counted, and how long a count is reused. */
const TAGS_KEPT = 100;
const TAGS_TTL_MS = 60_000;
/** Works kept by id. */
const WORK_CACHE_ENTRIES = 10_000;
/** Distinct feed pages kept (sort × limit × cursor). */
const FEED_CACHE_ENTRIES = 256;

export class Gallery {
  readonly #store: GalleryStore;
  readonly #publisher: Publisher;
  readonly #directory: RoomDirectory;
  readonly #audience: GalleryAudience;
  readonly #listeners: Listeners<GalleryListener>;
  readonly #feedCache: FeedCache<GalleryPage>;
  /** Works by id, for the lists that are one caller's own (following, search, a blocker's feed). */
  readonly #works: FeedCache<WorkRecord>;
  #tags: { at: number; tags: Promise<TagCount[]> } | null = null;

  /** `feedCacheMs`: how long an anonymous feed page is reused (0: never). */
  constructor(
    store: GalleryStore,
    publisher: Publisher,
    directory: RoomDirectory,
    feedCacheMs: number,
    audience: GalleryAudience,
    logger: Logger,
  ) {
    this.#listeners = new Listeners(logger, 'gallery');
    this.#store = store;
    this.#publisher = publisher;
    this.#directory = directory;
    this.#audience = audience;
    this.#feedCache = new FeedCache(feedCacheMs, FEED_CACHE_ENTRIES);
    this.#works = new FeedCache(feedCacheMs, WORK_CACHE_ENTRIES);
  }

  /** Publishes, likes, removals and remixes (broadcasters, notifications, signals). */
  get events(): Subscribable<GalleryListener> {
    return this.#listeners;
  }

  async publish(room: Room, by: { user: PublicUser; role: Role }, body: PublishWorkBody): Promise<Work> {
    const work = toWork(await this.#publisher.publish(room, by, body));
    this.#changed();
    this.#listeners.emit('published', work);
    return work;
  }

  /** A live work; a hidden one only for moderators. */
  async get(id: string, viewer: string | null): Promise<Work> {
    const record = await this.getRecord(id, viewer);
    const [work] = await this.#withLikes([record], viewer);
    if (!work) throw new AppError('not_found', 'no such work');
    return work;
  }

  /** The stored work as `get` finds it: `not_found` for unknown, deleted, removed and (but to moderators) hidden works. */
  async getRecord(id: string, viewer: string | null): Promise<WorkRecord> {
    const found = await this.#store.getWork(id);
    if (!found) throw new AppError('not_found', 'no such work');
    if (found.state === 'deleted') {
      throw new AppError(
        'not_found',
        found.tombstone.removed ? 'this work was removed by moderators' : 'this work was deleted by its author',
      );
    }
    if (found.work.hidden && !(await this.#audience.isModerator(viewer))) throw new AppError('not_found', 'no such work');
    return found.work;
  }

  /** A gallery page, newest or most liked first; a signed-in caller's likes marked. */
  async feed(sort: GallerySort, request: PageRequest): Promise<GalleryPage> {
    const { page, liked } = await this.sharedFeed(sort, request);
    if (liked === null) return page;
    return { ...page, items: page.items.map((work) => ({ ...work, liked: liked.has(work.id) })) };
  }

  /**
   * The page as everyone sees it (cached briefly, and the same object while
   * it is, so a transport can keep its encoding alongside), and which of its
   * works the caller likes (null for anonymous callers). Callers who block
   * someone, and the `following` sort, get pages of their own.
   */
  async sharedFeed(sort: GallerySort, request: PageRequest): Promise<{ page: GalleryPage; liked: Set<string> | null }> {
    const after = request.cursor === undefined ? undefined : decodeCursor(request.cursor, sort);
    const { viewer } = request;
    if (sort === 'following' && viewer === null) throw new AppError('unauthorized', 'sign in to see the works of people you follow');
    const filter: WorkFilter = {};
    if (request.tag !== undefined) filter.tag = request.tag;
    if (sort === 'following' && viewer !== null) filter.followedBy = viewer;
    if (viewer !== null && (await this.#audience.blocksAnyone(viewer))) filter.viewer = viewer;
    const shared = filter.followedBy === undefined && filter.viewer === undefined;
    const key = `${sort}|${request.limit}|${request.cursor ?? ''}|${request.tag ?? ''}`;
    let page = shared ? this.#feedCache.get(key) : undefined;
    if (!page) {
      const records = await this.#list({ sort: sort === 'top' ? 'top' : 'new', limit: request.limit + 1, after, filter });
      page = await this.#page(records, { ...request, viewer: null }, sort, positionOf);
      if (shared) this.#feedCache.set(key, page);
    }
    if (viewer === null) return { page, liked: null };
    return {
      page,
      liked: await this.#store.likedBy(
        viewer,
        page.items.map((work) => work.id),
      ),
    };
  }

  /** Works with words starting with every term (the last as a prefix), newest first. */
  async search(terms: readonly string[], request: PageRequest): Promise<GalleryPage> {
    const after = request.cursor === undefined ? undefined : decodeCursor(request.cursor, 'search');
    const filter: WorkFilter = { terms };
    if (request.viewer !== null && (await this.#audience.blocksAnyone(request.viewer))) filter.viewer = request.viewer;
    const records = await this.#list({ sort: 'new', limit: request.limit + 1, after, filter });
    return this.#page(records, request, 'search', positionOf);
  }

  /** Works remixed from this one (which may since have been deleted), newest first. */
  async remixes(id: string, request: PageRequest): Promise<GalleryPage> {
    if (!(await this.#store.getWork(id))) throw new AppError('not_found', 'no such work');
    const after = request.cursor === undefined ? undefined : decodeCursor(request.cursor, 'new');
    const records = await this.#store.listRemixes(id, request.limit + 1, after?.sort === 'new' ? after.seq : undefined);
    return this.#page(records, request, 'new', positionOf);
  }

  /** The most used tags (counting them is a scan: done at most once a minute, or again after a change here). */
  async popularTags(limit: number): Promise<TagCount[]> {
    if (!this.#tags || performance.now() - this.#tags.at > TAGS_TTL_MS) {
      const tags = this.#store.popularTags(TAGS_KEPT);
      this.#tags = { at: performance.now(), tags };
      tags.catch(() => (this.#tags = null));
    }
    return (await this.#tags.tags).slice(0, limit);
  }

  /** The works changed here: cached pages, works and tag counts go. */
  #changed(): void {
    this.#feedCache.clear();
    this.#works.clear();
    this.#tags = null;
  }

  /**
   * A list of works: which ones (and their like counts, always fresh) from
   * the store, each work's content from the cache when it is there. Content
   * read on another node's change can lag by the cache's time to live.
   */
  async #list(query: FeedQuery): Promise<WorkRecord[]> {
    const keys = await this.#store.listWorkKeys(query);
    const missing = keys.filter((key) => this.#works.get(key.id) === undefined).map((key) => key.id);
    const fetched = new Map((await this.#store.getWorks(missing)).map((record) => [record.id, record]));
    for (const record of fetched.values()) this.#works.set(record.id, record);
    // A work deleted since the keys were read is simply not on the page.
    return keys.flatMap((key) => {
      const record = this.#works.get(key.id) ?? fetched.get(key.id);
      return record ? [{ ...record, seq: key.seq, likes: key.likes }] : [];
    });
  }

  /** Works the user is an author of, newest first (their profile). */
  async byAuthor(userId: string, request: PageRequest): Promise<GalleryPage> {
    const after = request.cursor === undefined ? undefined : decodeCursor(request.cursor, 'new');
    const records = await this.#store.listWorksByAuthor(userId, request.limit + 1, after?.sort === 'new' ? after.seq : undefined);
    return this.#page(records, request, 'new', positionOf);
  }

  /** A deleted account took these works and likes with it: feeds and listeners hear of it. */
  accountRemoved(change: { removedWorks: readonly string[]; unliked: ReadonlyArray<{ id: string; likes: number }> }): void {
    if (change.removedWorks.length === 0 && change.unliked.length === 0) return;
    this.#changed();
    for (const id of change.removedWorks) this.#listeners.emit('deleted', { id });
    for (const like of change.unliked) this.#listeners.emit('liked', like);
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
      await this.getRecord(id, null);
      throw new AppError('not_found', 'no such work');
    }
    if (!source.allowRemix) throw new AppError('forbidden', 'its authors do not allow remixes of this work');
    // A title published before titles were checked may not pass now: the remix then starts as plain "Remix".
    const named = roomTitleSchema.safeParse(clipText(REMIX_PREFIX + source.title, ROOM_TITLE_MAX));
    const title = named.success ? named.data : 'Remix';
    const initialState = remixState(source.state, { keepPrompt: !source.hidePrompt });
    const created = await this.#directory.create(userId, { title, remixOf: id, initialState });
    this.#listeners.emit('remixed', { workId: id, userId, roomId: created.room.id });
    return created;
  }

  /** Only the user who published a work may delete it; its remixes keep their link to it. */
  async delete(id: string, userId: string): Promise<void> {
    const found = await this.#store.getWork(id);
    if (!found || found.state === 'deleted') throw new AppError('not_found', 'no such work');
    if (found.work.publishedBy !== userId) throw new AppError('forbidden', 'only the author who published a work can delete it');
    if (!(await this.#store.deleteWork(id, new Date().toISOString()))) throw new AppError('not_found', 'no such work');
    this.#changed();
    this.#listeners.emit('deleted', { id });
  }

  /**
   * A moderator hid or removed a work (or, with null, a user and so their
   * works): it leaves every list at once, and open feeds drop it.
   */
  withdrawn(id: string | null): void {
    this.#changed();
    if (id !== null) this.#listeners.emit('withdrawn', { id });
  }

  #likeChanged(id: string, userId: string, result: LikeResult | null, liked: boolean): LikeResponse {
    if (!result) throw new AppError('not_found', 'no such work');
    if (result.changed) {
      this.#listeners.emit('liked', { id, likes: result.likes });
      this.#listeners.emit('reacted', { workId: id, userId, liked });
    }
    return { likes: result.likes, liked };
  }

  async #page(
    records: WorkRecord[],
    request: PageRequest,
    kind: FeedKind,
    position: (kind: FeedKind, last: WorkRecord) => FeedPosition,
  ): Promise<GalleryPage> {
    const items = records.slice(0, request.limit);
    const last = items.at(-1);
    return {
      items: await this.#withLikes(items, request.viewer),
      nextCursor: records.length > request.limit && last ? encodeCursor(kind, position(kind, last)) : null,
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

/** The key a list continues after: (likes, seq) for `top`, seq for the others. */
function positionOf(kind: FeedKind, last: WorkRecord): FeedPosition {
  return kind === 'top' ? { sort: 'top', likes: last.likes, seq: last.seq } : { sort: 'new', seq: last.seq };
}
