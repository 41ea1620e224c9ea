// "Live now": the first page of listed rooms over HTTP, then kept current by
// `live:subscribe` (`live:update` replaces or adds a tile, `live:ended` removes
// one). Resubscribes after a reconnection and reloads, since events were missed.
// A page the server marks stale (its node cannot reach the other nodes' board)
// is shown with a note, and read again every STALE_RELOAD_MS until it is not.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { LiveItem } from '../../shared/live.ts';
import { describeError } from '../api/http.ts';
import { fetchLive } from '../api/live.ts';
import type { AtelierClientSocket } from '../realtime/socketio-provider.ts';
import { SocketController } from './socket-controller.ts';

/** How soon a stale list is read again. */
const STALE_RELOAD_MS = 10_000;

export class LiveFeedController implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  readonly #socket: SocketController;
  readonly #limit: number;
  items: LiveItem[] = [];
  nextCursor: string | null = null;
  loaded = false;
  loading = false;
  error: string | null = null;
  /** The server could not reach every node's rooms: some may be missing or out of date. */
  stale = false;
  #abort: AbortController | null = null;
  #staleTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(host: ReactiveControllerHost, limit = 24) {
    this.#host = host;
    this.#limit = limit;
    host.addController(this);
    this.#socket = new SocketController(host, (socket) => this.#subscribe(socket));
  }

  hostConnected(): void {
    void this.reload();
  }

  hostDisconnected(): void {
    this.#abort?.abort();
    clearTimeout(this.#staleTimer);
    const socket = this.#socket.socket;
    socket?.off('live:update', this.#onUpdate);
    socket?.off('live:ended', this.#onEnded);
    socket?.off('connect', this.#onReconnect);
    if (socket?.connected) socket.emit('live:unsubscribe');
  }

  async reload(): Promise<void> {
    this.#abort?.abort();
    const abort = new AbortController();
    this.#abort = abort;
    this.loading = true;
    this.#host.requestUpdate();
    try {
      const page = await fetchLive(null, this.#limit, abort.signal);
      if (abort.signal.aborted) return;
      this.items = page.items;
      this.nextCursor = page.nextCursor;
      this.error = null;
      this.loaded = true;
      this.stale = page.stale === true;
      clearTimeout(this.#staleTimer);
      if (this.stale) this.#staleTimer = setTimeout(() => void this.reload(), STALE_RELOAD_MS);
    } catch (err) {
      if (!abort.signal.aborted) this.error = describeError(err);
    } finally {
      if (this.#abort === abort) this.loading = false;
      this.#host.requestUpdate();
    }
  }

  async more(): Promise<void> {
    if (!this.nextCursor || this.loading) return;
    this.loading = true;
    try {
      const page = await fetchLive(this.nextCursor, this.#limit);
      const known = new Set(this.items.map((i) => i.room.id));
      this.items = [...this.items, ...page.items.filter((i) => !known.has(i.room.id))];
      this.nextCursor = page.nextCursor;
    } catch (err) {
      this.error = describeError(err);
    } finally {
      this.loading = false;
      this.#host.requestUpdate();
    }
  }

  #subscribe(socket: AtelierClientSocket): void {
    socket.on('live:update', this.#onUpdate);
    socket.on('live:ended', this.#onEnded);
    socket.on('connect', this.#onReconnect);
    if (socket.connected) socket.emit('live:subscribe');
  }

  #onReconnect = (): void => {
    this.#socket.socket?.emit('live:subscribe');
    void this.reload();
  };

  #onUpdate = (item: LiveItem): void => {
    const at = this.items.findIndex((i) => i.room.id === item.room.id);
    const next = [...this.items];
    if (at >= 0) next[at] = item;
    else next.unshift(item);
    // Most recently changed first, as the server orders them.
    this.items = next.sort((a, b) => (a.updatedAt === b.updatedAt ? 0 : a.updatedAt > b.updatedAt ? -1 : 1));
    this.#host.requestUpdate();
  };

  #onEnded = ({ roomId }: { roomId: string }): void => {
    if (!this.items.some((i) => i.room.id === roomId)) return;
    this.items = this.items.filter((i) => i.room.id !== roomId);
    this.#host.requestUpdate();
  };
}
