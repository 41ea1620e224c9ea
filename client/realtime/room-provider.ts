// The page's connection to one room, on one WebSocket (/yjs/:roomId with
// `?events=1`): the document and awareness in y-websocket's messages (one
// binary frame each, the fastest path the server has), and the room's events
// (role, jobs, edit requests, notifications) beside them on the same
// connection, through `socket`. Seen from the page it is one provider with
// one status, as SocketIoProvider is.
import { ObservableV2 } from 'lib0/observable';
import type * as Y from 'yjs';
import type { RoleChange } from '../../shared/live.ts';
import type { Role, WireError } from '../../shared/protocol.ts';
import type { RoomEventSocket } from './room-event-socket.ts';
import type { JoinedRoom } from '../../shared/yws-events.ts';
import { type ProviderEvents, type ProviderStatus, whenSynced } from './socketio-provider.ts';
import { YjsSocketProvider } from './yjs-socket-provider.ts';

export interface RoomProviderOptions {
  /** The server's base URL (the page's origin in a browser). */
  baseUrl: string;
  /** The session token, asked at every connection. */
  token: () => string;
  invite?: string;
  /** Watch a listed room (docs/live.md). */
  watch?: boolean;
  /** How long an event's acknowledgement may take. */
  ackTimeoutMs?: number;
  /** First reconnection delay (doubled per failed attempt). */
  reconnectDelayMs?: number;
  /** The WebSocket class (the global one unless given; Node benchmarks pass the `ws` package's). */
  WebSocketImpl?: typeof WebSocket;
}

export class RoomProvider extends ObservableV2<ProviderEvents> {
  readonly roomId: string;
  readonly doc: Y.Doc;
  /** The room's events, on the document's WebSocket. */
  readonly socket: RoomEventSocket;
  status: ProviderStatus = 'connecting';
  role: Role | null = null;
  readonly #docPath: YjsSocketProvider;

  constructor(roomId: string, doc: Y.Doc, options: RoomProviderOptions) {
    super();
    this.roomId = roomId;
    this.doc = doc;
    this.#docPath = new YjsSocketProvider(roomId, doc, { ...options, events: true });
    const socket = this.#docPath.events;
    if (!socket) throw new Error('the Yjs socket provider made no event socket');
    this.socket = socket;
    this.#docPath.on('status', this.#update);
    this.#docPath.on('error', this.#onError);
    socket.on('room:joined', this.#onJoined);
    socket.on('disconnect', this.#update);
    socket.on('room:role', this.#onRole);
    socket.on('room:evicted', this.#onEvicted);
    socket.on('room:error', this.#onRoomError);
  }

  get awareness() {
    return this.#docPath.awareness;
  }

  get synced(): boolean {
    return this.status === 'synced';
  }

  whenSynced(): Promise<void> {
    return whenSynced(this);
  }

  /** Connects again now, without waiting for the backoff (the network is back). */
  reconnect(): void {
    this.#docPath.reconnect();
  }

  override destroy(): void {
    this.#docPath.destroy();
    super.destroy();
  }

  #onJoined = (roomId: string, info: JoinedRoom): void => {
    if (roomId !== this.roomId) return;
    this.role = info.role;
    this.emit('joined', [info]);
    this.#update();
  };

  #onRole = (roomId: string, change: RoleChange): void => {
    if (roomId !== this.roomId) return;
    this.role = change.role;
    this.emit('role', [change.role]);
  };

  /** The room let this client go (unlisted, closed, blocked): refused until the page is opened again. */
  #onEvicted = (roomId: string, error: WireError): void => {
    if (roomId !== this.roomId) return;
    this.#docPath.stop();
    this.emit('error', [error]);
  };

  #onRoomError = (roomId: string, error: WireError): void => {
    if (roomId === this.roomId || roomId === '') this.emit('error', [error]);
  };

  #onError = (error: WireError): void => {
    this.emit('error', [error]);
  };

  /** Synced once the document is and the room has let this connection in. */
  #update = (): void => {
    const doc = this.#docPath.status;
    let status: ProviderStatus;
    if (doc === 'refused') status = 'refused';
    else if (doc === 'offline') status = 'offline';
    else if (!this.socket.connected) status = 'connecting';
    else if (doc === 'synced') status = 'synced';
    else status = 'joined';
    if (this.status === status) return;
    this.status = status;
    this.emit('status', [status]);
    if (status === 'synced') this.emit('synced', []);
  };
}
