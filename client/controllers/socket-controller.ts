// Gives an element the page's Socket.IO connection while it is connected, and
// re-renders it when the connection goes up or down.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { describeError } from '../api/http.ts';
import { ensureSession } from '../api/session.ts';
import type { AtelierClientSocket } from '../realtime/socketio-provider.ts';
import { acquireSocket, releaseSocket } from '../realtime/socket-connection.ts';

export class SocketController implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  readonly #onReady: (socket: AtelierClientSocket) => void;
  socket: AtelierClientSocket | null = null;
  connected = false;
  /** Why there is no socket (the session could not be made), for the page to show. */
  error: string | null = null;
  #generation = 0;

  /** `onReady` runs each time the element gets a socket (after every hostConnected). */
  constructor(host: ReactiveControllerHost, onReady: (socket: AtelierClientSocket) => void = () => {}) {
    this.#host = host;
    this.#onReady = onReady;
    host.addController(this);
  }

  hostConnected(): void {
    const generation = ++this.#generation;
    void ensureSession().then(
      (session) => {
        if (generation !== this.#generation) return;
        const socket = acquireSocket(session.token);
        this.socket = socket;
        socket.on('connect', this.#update);
        socket.on('disconnect', this.#update);
        this.connected = socket.connected;
        this.#onReady(socket);
        this.#host.requestUpdate();
      },
      (err: unknown) => {
        if (generation !== this.#generation) return;
        this.error = describeError(err);
        this.#host.requestUpdate();
      },
    );
  }

  hostDisconnected(): void {
    this.#generation++;
    const socket = this.socket;
    if (!socket) return;
    socket.off('connect', this.#update);
    socket.off('disconnect', this.#update);
    this.socket = null;
    releaseSocket(socket);
  }

  #update = (): void => {
    this.connected = this.socket?.connected ?? false;
    this.#host.requestUpdate();
  };
}
