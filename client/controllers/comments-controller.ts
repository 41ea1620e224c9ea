// A work's comments: pages from the API (threads oldest first), then live
// over the socket (`work:subscribe`): added, edited and removed comments, and
// the work's like count. Subscribes again after every reconnection and
// fetches the first page again, so nothing said meanwhile is missed.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Comment } from '../../shared/social.ts';
import { describeError } from '../api/http.ts';
import { deleteComment, editComment, fetchComments, postComment } from '../api/social.ts';
import type { AtelierClientSocket } from '../realtime/socketio-provider.ts';
import { SocketController } from './socket-controller.ts';

export class CommentsController implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  readonly #socket: SocketController;
  readonly #workId: () => string;
  readonly #onLikes: (likes: number) => void;
  items: Comment[] = [];
  nextCursor: string | null = null;
  loading = false;
  loaded = false;
  error: string | null = null;
  #abort: AbortController | null = null;

  constructor(host: ReactiveControllerHost, workId: () => string, onLikes: (likes: number) => void = () => {}) {
    this.#host = host;
    this.#workId = workId;
    this.#onLikes = onLikes;
    host.addController(this);
    this.#socket = new SocketController(host, (socket) => this.#listen(socket));
  }

  hostConnected(): void {
    void this.reload();
  }

  hostDisconnected(): void {
    this.#abort?.abort();
    const socket = this.#socket.socket;
    if (!socket) return;
    socket.off('comment:added', this.#onAdded);
    socket.off('comment:updated', this.#onUpdated);
    socket.off('comment:removed', this.#onRemoved);
    socket.off('gallery:liked', this.#onLiked);
    socket.off('connect', this.#resubscribe);
    if (socket.connected) socket.emit('work:unsubscribe', this.#workId());
  }

  async reload(): Promise<void> {
    await this.#fetch(null);
  }

  async more(): Promise<void> {
    if (!this.loading && this.nextCursor !== null) await this.#fetch(this.nextCursor);
  }

  async post(body: string, parentId?: string | null): Promise<void> {
    this.#merge(await postComment(this.#workId(), body, parentId));
  }

  async edit(id: string, body: string): Promise<void> {
    this.#merge(await editComment(id, body));
  }

  async remove(id: string): Promise<void> {
    await deleteComment(id);
    this.#onRemoved({ id, workId: this.#workId() });
  }

  async #fetch(cursor: string | null): Promise<void> {
    this.#abort?.abort();
    const abort = new AbortController();
    this.#abort = abort;
    this.loading = true;
    this.error = null;
    this.#host.requestUpdate();
    try {
      const page = await fetchComments(this.#workId(), cursor, abort.signal);
      if (abort.signal.aborted) return;
      // The first page replaces what was shown (a reload after reconnecting); later ones extend it.
      if (cursor === null) this.items = [];
      for (const comment of page.items) this.#merge(comment, false);
      this.nextCursor = page.nextCursor;
      this.loaded = true;
    } catch (err) {
      if (!abort.signal.aborted) this.error = describeError(err);
    } finally {
      if (this.#abort === abort) {
        this.loading = false;
        this.#host.requestUpdate();
      }
    }
  }

  /** Adds or replaces a comment where it belongs: a reply after its thread's last reply, a new thread at the end. */
  #merge(comment: Comment, update = true): void {
    const at = this.items.findIndex((c) => c.id === comment.id);
    if (at >= 0) {
      this.items = this.items.with(at, comment);
    } else if (comment.parentId === null) {
      this.items = [...this.items, comment];
    } else {
      const thread = this.items.findIndex((c) => c.id === comment.parentId);
      if (thread < 0) {
        this.items = [...this.items, comment];
      } else {
        let end = thread + 1;
        while (this.items[end]?.parentId === comment.parentId) end++;
        this.items = [...this.items.slice(0, end), comment, ...this.items.slice(end)];
      }
    }
    if (update) this.#host.requestUpdate();
  }

  #listen(socket: AtelierClientSocket): void {
    socket.on('comment:added', this.#onAdded);
    socket.on('comment:updated', this.#onUpdated);
    socket.on('comment:removed', this.#onRemoved);
    socket.on('gallery:liked', this.#onLiked);
    socket.on('connect', this.#resubscribe);
    if (socket.connected) socket.emit('work:subscribe', this.#workId());
  }

  /** After a reconnection: follow the work again and catch up on what was said meanwhile. */
  #resubscribe = (): void => {
    this.#socket.socket?.emit('work:subscribe', this.#workId());
    void this.reload();
  };

  #onAdded = (comment: Comment): void => {
    if (comment.workId === this.#workId()) this.#merge(comment);
  };

  #onUpdated = (comment: Comment): void => {
    if (comment.workId === this.#workId() && this.items.some((c) => c.id === comment.id)) this.#merge(comment);
  };

  #onRemoved = ({ id, workId }: { id: string; workId: string }): void => {
    if (workId !== this.#workId()) return;
    this.items = this.items.filter((c) => c.id !== id && c.parentId !== id);
    this.#host.requestUpdate();
  };

  #onLiked = ({ id, likes }: { id: string; likes: number }): void => {
    if (id === this.#workId()) this.#onLikes(likes);
  };
}
