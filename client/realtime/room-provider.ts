// The page's connection to one room, on two transports: the document and
// awareness on the Yjs WebSocket (one binary frame per message, the fastest
// path the server has), the room's events (role, jobs, `gen:update`) through
// a Socket.IO membership joined with `yjs: false`. Both are admitted by the
// same rooms, roles and limits on the server. Seen from the page it is one
// provider with one status, as SocketIoProvider is.
import { ObservableV2 } from 'lib0/observable';
import type * as Y from 'yjs';
import type { Role, WireError } from '../../shared/protocol.ts';
import { type AtelierClientSocket, type JoinedInfo, RoomMembership } from './room-membership.ts';
import { type ProviderEvents, type ProviderStatus, whenSynced } from './socketio-provider.ts';
import { YjsSocketProvider } from './yjs-socket-provider.ts';

export interface RoomProviderOptions {
  /** The server's base URL (the page's origin in a browser). */
  baseUrl: string;
  /** The session token, asked at every connection of the WebSocket. */
  token: () => string;
  invite?: string;
  /** Watch a listed room (docs/live.md), on both connections. */
  watch?: boolean;
}

export class RoomProvider extends ObservableV2<ProviderEvents> {
  readonly roomId: string;
  readonly doc: Y.Doc;
  readonly socket: AtelierClientSocket;
  status: ProviderStatus = 'connecting';
  readonly #membership: RoomMembership;
  readonly #docPath: YjsSocketProvider;

  constructor(socket: AtelierClientSocket, roomId: string, doc: Y.Doc, options: RoomProviderOptions) {
    super();
    this.socket = socket;
    this.roomId = roomId;
    this.doc = doc;
    const invite = options.invite ? { invite: options.invite } : {};
    const watch = options.watch ? { watch: true } : {};
    this.#docPath = new YjsSocketProvider(roomId, doc, { baseUrl: options.baseUrl, token: options.token, ...invite, ...watch });
    this.#membership = new RoomMembership(socket, roomId, { ...invite, ...watch, yjs: false });
    this.#docPath.on('status', this.#update);
    this.#docPath.on('error', this.#onError);
    this.#membership.on('status', this.#update);
    this.#membership.on('error', this.#onError);
    this.#membership.on('joined', this.#onJoined);
    this.#membership.on('role', (role) => this.emit('role', [role]));
    // Socket.IO notices a dead network by its heartbeat; the WebSocket may not
    // until it writes: when one goes, the other starts over too, and when it is
    // back, the other need not wait for its backoff.
    socket.on('disconnect', this.#onSocketGone);
    socket.on('connect', this.#onSocketBack);
  }

  get awareness() {
    return this.#docPath.awareness;
  }

  get role(): Role | null {
    return this.#membership.role;
  }

  get synced(): boolean {
    return this.status === 'synced';
  }

  whenSynced(): Promise<void> {
    return whenSynced(this);
  }

  override destroy(): void {
    this.socket.off('disconnect', this.#onSocketGone);
    this.socket.off('connect', this.#onSocketBack);
    this.#membership.destroy();
    this.#docPath.destroy();
    super.destroy();
  }

  #onSocketGone = (): void => {
    this.#docPath.reconnect();
  };

  #onSocketBack = (): void => {
    if (this.#docPath.waiting) this.#docPath.reconnect();
  };

  #onJoined = (info: JoinedInfo): void => {
    this.emit('joined', [info]);
    this.#update();
  };

  #onError = (error: WireError): void => {
    this.emit('error', [error]);
  };

  /** One status for both: synced once the document is and the room has let us in. */
  #update = (): void => {
    const doc = this.#docPath.status;
    const room = this.#membership.status;
    let status: ProviderStatus;
    if (doc === 'refused' || room === 'refused') status = 'refused';
    else if (doc === 'offline' || room === 'offline') status = 'offline';
    else if (doc === 'synced' && room === 'joined') status = 'synced';
    else if (room === 'joined') status = 'joined';
    else status = 'connecting';
    if (this.status === status) return;
    this.status = status;
    this.emit('status', [status]);
    if (status === 'synced') this.emit('synced', []);
  };
}
