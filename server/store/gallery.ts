// Published works, their likes and authors, and who contributed to each room.
// One implementation per backend; tests/gallery/gallery-store-contract.ts is
// the suite every implementation must pass.
import type { Layer } from '../../shared/doc-schema.ts';
import type { PublicUser } from '../../shared/protocol.ts';

/** What every work has, as published and as read back. */
export interface WorkBase {
  id: string;
  roomId: string;
  remixOf: string | null;
  publishedBy: string;
  title: string;
  description: string;
  prompt: string;
  width: number;
  height: number;
  imageUrl: string;
  thumbUrl: string;
  placeholder: string;
  createdAt: string;
  /** Lower-case, distinct, at most TAGS_PER_WORK. */
  tags: string[];
  allowRemix: boolean;
  hidePrompt: boolean;
}

/** Everything publish records. */
export interface NewWork extends WorkBase {
  /** User ids, first contribution first; each must be a user. */
  authorIds: readonly string[];
  /** The whole layer stack as published, hidden layers included. */
  layers: readonly Layer[];
  /** The room's Yjs state at publish (Y.encodeStateAsUpdate). */
  state: Uint8Array;
}

/** The remixed-from work as seen from a remix: its title while it exists, only its id after. */
export type ParentLink = { id: string; deleted: false; title: string } | { id: string; deleted: true };

export interface WorkRecord extends WorkBase {
  /** Insertion order: unique and increasing; the `new` feed's key. */
  seq: number;
  /** Null when there is no `remixOf`, or it names no work this store ever held. */
  parent: ParentLink | null;
  /** Current names and colours. */
  authors: PublicUser[];
  likes: number;
  /** Hidden by a moderator (or its publisher is): shown to moderators only. */
  hidden: boolean;
}

/** What is left of a deleted work: enough for remixes to say where they came from. */
export interface WorkTombstone {
  id: string;
  roomId: string;
  remixOf: string | null;
  publishedBy: string;
  createdAt: string;
  deletedAt: string;
  /** Removed by a moderator rather than deleted by its author. */
  removed: boolean;
}

export type WorkLookup = { state: 'live'; work: WorkRecord } | { state: 'deleted'; tombstone: WorkTombstone };

/** What a remix starts from. */
export interface WorkSource {
  title: string;
  prompt: string;
  layers: Layer[];
  width: number;
  height: number;
  state: Uint8Array;
  allowRemix: boolean;
  /** Then the prompt must not reach the remix. */
  hidePrompt: boolean;
}

/** A position in a feed: the key of the last item of the previous page. */
export type FeedPosition = { sort: 'new'; seq: number } | { sort: 'top'; likes: number; seq: number };

/** Narrows a feed; every part is optional and they combine. */
export interface WorkFilter {
  /** Works carrying this tag. */
  tag?: string;
  /** Works this user is one of the authors of. */
  authorId?: string;
  /** Works with at least one author this user follows. */
  followedBy?: string;
  /** Works whose words start with every one of these (letters and digits only), the last one as a prefix. */
  terms?: readonly string[];
  /** Leaves out works with an author this user blocks. */
  viewer?: string;
}

export interface FeedQuery {
  sort: 'new' | 'top';
  limit: number;
  /** Items strictly after this position; the first page when absent. */
  after?: FeedPosition;
  filter?: WorkFilter;
}

export interface TagCount {
  tag: string;
  works: number;
}

export interface LikeResult {
  likes: number;
  /** False when the like (or unlike) was already so: nothing changed. */
  changed: boolean;
}

export interface GalleryStore {
  /** Remembers that a user contributed to a room; a user already remembered keeps their first place. */
  addContributor(roomId: string, userId: string): Promise<void>;
  /** User ids, first contribution first. */
  listContributors(roomId: string): Promise<string[]>;

  insertWork(work: NewWork): Promise<WorkRecord>;
  getWork(id: string): Promise<WorkLookup | null>;
  /** The published state of a live work, or null. */
  getWorkSource(id: string): Promise<WorkSource | null>;
  /**
   * Live, visible works in feed order: `new` by seq descending; `top` by
   * likes descending, then seq descending. Hidden works, and works of hidden
   * publishers, are never listed.
   */
  listWorks(query: FeedQuery): Promise<WorkRecord[]>;
  /** The most used tags of live works. */
  popularTags(limit: number): Promise<TagCount[]>;
  /** Live works remixed from `workId` (live or deleted), newest first, seq below `beforeSeq` when given. */
  listRemixes(workId: string, limit: number, beforeSeq?: number): Promise<WorkRecord[]>;

  /** Null when there is no live work with this id. */
  like(workId: string, userId: string): Promise<LikeResult | null>;
  unlike(workId: string, userId: string): Promise<LikeResult | null>;
  /** Which of these works the user likes. */
  likedBy(userId: string, workIds: readonly string[]): Promise<Set<string>>;

  /**
   * Turns a live work into a tombstone: its content, image links, state,
   * authors and likes are dropped. False when there was no live work.
   */
  deleteWork(id: string, deletedAt: string): Promise<boolean>;
}
