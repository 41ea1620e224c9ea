// My notifications: the first page and the unread count from the API, then
// every new one (or a burst that grew) live over the page's connection; the
// list is fetched again on each reconnection, so nothing missed while offline
// is lost. On a room page that connection is the room's own (page-connection.ts);
// elsewhere it is the shared Socket.IO connection.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Notification } from '../../shared/social.ts';
import { describeError } from '../api/http.ts';
import { ensureSession } from '../api/session.ts';
import { fetchNotifications, markNotificationsRead } from '../api/social.ts';
import { parseRoute } from '../app/router.ts';
import { type EventSocket, socketIoEvents } from '../realtime/event-socket.ts';
import { watchPageSocket } from '../realtime/page-connection.ts';
import { acquireSocket, releaseSocket } from '../realtime/socket-connection.ts';
import type { AtelierClientSocket } from '../realtime/socketio-provider.ts';

export class NotificationsController implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  items: Notification[] = [];
  unread = 0;
  nextCursor: string | null = null;
  loading = false;
  loaded = false;
  error: string | null = null;
  /** The connection listened on. */
  #socket: EventSocket | null = null;
  /** Held while the page offers no connection of its own. */
  #socketIo: AtelierClientSocket | null = null;
  #stopWatch: (() => void) | null = null;
  #generation = 0;

  constructor(host: ReactiveControllerHost) {
    this.#host = host;
    host.addController(this);
  }

  hostConnected(): void {
    this.#stopWatch = watchPageSocket(this.#onPageSocket);
  }

  hostDisconnected(): void {
    this.#generation++;
    this.#stopWatch?.();
    this.#stopWatch = null;
    this.#listen(null);
    this.#releaseSocketIo();
  }

  async reload(): Promise<void> {
    await this.#fetch(null);
  }

  async more(): Promise<void> {
    if (this.loading || this.nextCursor === null) return;
    await this.#fetch(this.nextCursor);
  }

  /** Everything shown so far is read (the list keeps showing which were new until `seen`). */
  async markAllRead(): Promise<void> {
    if (this.unread === 0) return;
    const newest = this.items[0];
    this.unread = 0;
    this.#host.requestUpdate();
    try {
      this.unread = (await markNotificationsRead(newest?.id)).unread;
    } catch (err) {
      this.error = describeError(err);
    }
    this.#host.requestUpdate();
  }

  /** The list was looked at: nothing in it is new any more. */
  seen(): void {
    if (this.items.some((n) => !n.read)) {
      this.items = this.items.map((n) => ({ ...n, read: true }));
      this.#host.requestUpdate();
    }
  }

  async #fetch(cursor: string | null): Promise<void> {
    this.loading = true;
    this.error = null;
    this.#host.requestUpdate();
    try {
      const page = await fetchNotifications(cursor);
      const known = cursor === null ? new Set<string>() : new Set(this.items.map((n) => n.id));
      this.items = cursor === null ? page.items : [...this.items, ...page.items.filter((n) => !known.has(n.id))];
      this.unread = page.unread;
      this.nextCursor = page.nextCursor;
      this.loaded = true;
    } catch (err) {
      this.error = describeError(err);
    } finally {
      this.loading = false;
      this.#host.requestUpdate();
    }
  }

  #onPageSocket = (offered: EventSocket | null): void => {
    const generation = ++this.#generation;
    if (offered) {
      this.#releaseSocketIo();
      this.#listen(offered);
      return;
    }
    this.#listen(null);
    // A room page offers its own connection once it is open: wait for it rather than open a second one.
    if (parseRoute(new URL(location.href)).page === 'room') return;
    void ensureSession().then(
      (session) => {
        if (generation !== this.#generation) return;
        const socket = acquireSocket(session.token);
        this.#socketIo = socket;
        this.#listen(socketIoEvents(socket));
      },
      (err: unknown) => {
        if (generation !== this.#generation) return;
        this.error = describeError(err);
        this.#host.requestUpdate();
      },
    );
  };

  /** Moves the listeners to `socket` (none: stops listening), and reloads the list from there. */
  #listen(socket: EventSocket | null): void {
    this.#socket?.off('notification', this.#onNotification);
    this.#socket?.off('connect', this.#reload);
    this.#socket = socket;
    if (!socket) return;
    socket.on('notification', this.#onNotification);
    socket.on('connect', this.#reload);
    void this.reload();
  }

  #releaseSocketIo(): void {
    const socket = this.#socketIo;
    this.#socketIo = null;
    if (socket) releaseSocket(socket);
  }

  #reload = (): void => {
    void this.reload();
  };

  /** A new one goes on top; a burst that grew moves there too, and counts as unread once. */
  #onNotification = (n: Notification): void => {
    const existing = this.items.find((item) => item.id === n.id);
    if (!existing || existing.read) this.unread++;
    this.items = [n, ...this.items.filter((item) => item.id !== n.id)];
    this.#host.requestUpdate();
  };
}
