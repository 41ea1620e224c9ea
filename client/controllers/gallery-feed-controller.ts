// The public feed: pages from the cursor API, new works and likes live over
// the socket (`gallery:subscribe`), likes sent over HTTP.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { describeError } from '../api/http.ts';
import { setLiked } from '../api/rooms.ts';
import { fetchFeed } from '../api/social.ts';
import type { Work } from '../../shared/protocol.ts';
import type { AtelierClientSocket } from '../realtime/socketio-provider.ts';
import { SocketController } from './socket-controller.ts';

export type FeedSort = 'new' | 'top' | 'following';

const PAGE_SIZE = 24;
const LIKED_KEY = 'atelier.liked';

function readLiked(): Set<string> {
  try {
    const raw = localStorage.getItem(LIKED_KEY);
    const list: unknown = raw ? JSON.parse(raw) : [];
    return new Set(Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string') : []);
  } catch {
    return new Set();
  }
}

/** Likes I gave, remembered here in case the feed does not say. */
export const likedWorks = {
  has: (id: string): boolean => readLiked().has(id),
  set(id: string, liked: boolean): void {
    const set = readLiked();
    if (liked) set.add(id);
    else set.delete(id);
    try {
      localStorage.setItem(LIKED_KEY, JSON.stringify([...set].slice(-1000)));
    } catch {
      // Storage refused: the server still counts the like.
    }
  },
};

export class GalleryFeedController implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  readonly #socket: SocketController;
  sort: FeedSort = 'new';
  /** Only works with this tag (a tag page), or all. */
  tag: string | null = null;
  items: Work[] = [];
  nextCursor: string | null = null;
  loading = false;
  /** The first page has arrived (so an empty list means an empty gallery). */
  loaded = false;
  error: string | null = null;
  /** Works published while viewing `top`, not shown in place. */
  newSinceLoad = 0;
  #abort: AbortController | null = null;

  constructor(host: ReactiveControllerHost) {
    this.#host = host;
    host.addController(this);
    this.#socket = new SocketController(host, (socket) => this.#subscribe(socket));
  }

  get done(): boolean {
    return this.loaded && this.nextCursor === null;
  }

  hostConnected(): void {
    if (!this.loaded && !this.loading) void this.reload();
  }

  hostDisconnected(): void {
    this.#abort?.abort();
    const socket = this.#socket.socket;
    socket?.off('gallery:published', this.#onPublished);
    socket?.off('gallery:liked', this.#onLiked);
    socket?.off('gallery:deleted', this.#onDeleted);
    socket?.off('connect', this.#resubscribe);
    if (socket?.connected) socket.emit('gallery:unsubscribe');
  }

  async reload(sort: FeedSort = this.sort, tag: string | null = this.tag): Promise<void> {
    this.sort = sort;
    this.tag = tag;
    this.items = [];
    this.nextCursor = null;
    this.loaded = false;
    this.newSinceLoad = 0;
    await this.#fetch(null);
  }

  async more(): Promise<void> {
    if (this.loading || this.done) return;
    await this.#fetch(this.nextCursor);
  }

  async like(id: string, liked: boolean): Promise<void> {
    this.#patch(id, (w) => ({ ...w, liked, likes: Math.max(0, w.likes + (liked ? 1 : -1)) }));
    try {
      const res = await setLiked(id, liked);
      likedWorks.set(id, res.liked);
      this.#patch(id, (w) => ({ ...w, liked: res.liked, likes: res.likes }));
    } catch (err) {
      this.#patch(id, (w) => ({ ...w, liked: !liked, likes: Math.max(0, w.likes + (liked ? -1 : 1)) }));
      this.error = null;
      this.#host.requestUpdate();
      throw err;
    }
  }

  async #fetch(cursor: string | null): Promise<void> {
    this.#abort?.abort();
    const abort = new AbortController();
    this.#abort = abort;
    this.loading = true;
    this.error = null;
    this.#host.requestUpdate();
    try {
      const page = await fetchFeed({ sort: this.sort, tag: this.tag }, cursor, PAGE_SIZE, abort.signal);
      if (abort.signal.aborted) return;
      const known = new Set(this.items.map((w) => w.id));
      this.items = [...this.items, ...page.items.filter((w) => !known.has(w.id)).map(withLiked)];
      this.nextCursor = page.nextCursor ?? null;
      this.loaded = true;
    } catch (err) {
      if (abort.signal.aborted) return;
      this.error = describeError(err);
    } finally {
      if (this.#abort === abort) {
        this.loading = false;
        this.#host.requestUpdate();
      }
    }
  }

  #patch(id: string, change: (work: Work) => Work): void {
    this.items = this.items.map((w) => (w.id === id ? change(w) : w));
    this.#host.requestUpdate();
  }

  #subscribe(socket: AtelierClientSocket): void {
    socket.on('gallery:published', this.#onPublished);
    socket.on('gallery:liked', this.#onLiked);
    socket.on('gallery:deleted', this.#onDeleted);
    socket.on('connect', this.#resubscribe);
    if (socket.connected) socket.emit('gallery:subscribe');
  }

  #resubscribe = (): void => {
    this.#socket.socket?.emit('gallery:subscribe');
  };

  #onPublished = (work: Work): void => {
    if (this.items.some((w) => w.id === work.id)) return;
    // Whom I follow is the server's to say: the Following tab shows new works when it is loaded again.
    if (this.sort === 'following' || (this.tag !== null && !work.tags.includes(this.tag))) return;
    if (this.sort === 'new') this.items = [withLiked(work), ...this.items];
    else this.newSinceLoad++;
    this.#host.requestUpdate();
  };

  #onDeleted = ({ id }: { id: string }): void => {
    this.items = this.items.filter((w) => w.id !== id);
    this.#host.requestUpdate();
  };

  #onLiked = ({ id, likes }: { id: string; likes: number }): void => {
    this.#patch(id, (w) => ({ ...w, likes }));
  };
}

function withLiked(work: Work): Work {
  return work.liked === undefined ? { ...work, liked: likedWorks.has(work.id) } : work;
}
