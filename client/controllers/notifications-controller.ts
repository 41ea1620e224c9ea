// My notifications: the first page and the unread count from the API, then
// every new one (or a burst that grew) live over the socket; the list is
// fetched again on each reconnection, so nothing missed while offline is lost.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Notification } from '../../shared/social.ts';
import { describeError } from '../api/http.ts';
import { fetchNotifications, markNotificationsRead } from '../api/social.ts';
import type { AtelierClientSocket } from '../realtime/socketio-provider.ts';
import { SocketController } from './socket-controller.ts';

export class NotificationsController implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  readonly #socket: SocketController;
  items: Notification[] = [];
  unread = 0;
  nextCursor: string | null = null;
  loading = false;
  loaded = false;
  error: string | null = null;

  constructor(host: ReactiveControllerHost) {
    this.#host = host;
    host.addController(this);
    this.#socket = new SocketController(host, (socket) => this.#listen(socket));
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    const socket = this.#socket.socket;
    socket?.off('notification', this.#onNotification);
    socket?.off('connect', this.#reload);
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

  #listen(socket: AtelierClientSocket): void {
    socket.on('notification', this.#onNotification);
    socket.on('connect', this.#reload);
    void this.reload();
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
