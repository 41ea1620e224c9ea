// A socket's membership of one room over Socket.IO: `room:join` on every
// (re)connect, the role and jobs its acknowledgement carries, `room:leave` at
// the end. SocketIoProvider builds the Socket.IO document path on it (the web
// client's room page uses the Yjs WebSocket alone, room-provider.ts).
import { ObservableV2 } from 'lib0/observable';
import type { Socket } from 'socket.io-client';
import type { ClientToServerEvents, Job, JoinOptions, Role, RoomInfo, ServerToClientEvents, WireError } from '../../shared/protocol.ts';

export type AtelierClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export type MembershipStatus = 'connecting' | 'joined' | 'offline' | 'refused';

export interface JoinedInfo {
  role: Role;
  room: RoomInfo;
  jobs: Job[];
}

export interface MembershipEvents {
  status: (status: MembershipStatus) => void;
  joined: (info: JoinedInfo) => void;
  error: (error: WireError) => void;
  /** The owner granted or revoked editing (docs/live.md). */
  role: (role: Role) => void;
}

export interface MembershipOptions {
  invite?: string;
  /** Join a listed room to watch (docs/live.md). */
  watch?: boolean;
  /** Delay before rejoining after the server said `rate_limited`. */
  resyncDelayMs?: number;
}

export class RoomMembership extends ObservableV2<MembershipEvents> {
  readonly roomId: string;
  readonly socket: AtelierClientSocket;
  status: MembershipStatus = 'connecting';
  role: Role | null = null;
  readonly #options: MembershipOptions;
  #resyncTimer: ReturnType<typeof setTimeout> | undefined;
  #destroyed = false;

  constructor(socket: AtelierClientSocket, roomId: string, options: MembershipOptions = {}) {
    super();
    this.socket = socket;
    this.roomId = roomId;
    this.#options = options;
    socket.on('connect', this.join);
    socket.on('disconnect', this.#onDisconnect);
    socket.on('room:error', this.#onRoomError);
    socket.on('room:evicted', this.#onEvicted);
    socket.on('room:role', this.#onRole);
    if (socket.connected) this.join();
  }

  /** Joined and connected: what the room sends reaches this socket. */
  get inRoom(): boolean {
    return this.socket.connected && this.status === 'joined';
  }

  /** Joins (again): a rejoin is also how a client asks the server to resync. */
  join = (): void => {
    if (this.#destroyed) return;
    this.#setStatus('connecting');
    const options: JoinOptions = {};
    if (this.#options.invite) options.invite = this.#options.invite;
    if (this.#options.watch) options.watch = true;
    this.socket.emit('room:join', this.roomId, options, (res) => {
      if (this.#destroyed) return;
      if (!res.ok) {
        this.#setStatus('refused');
        this.emit('error', [res.error]);
        return;
      }
      this.role = res.role;
      this.#setStatus('joined');
      this.emit('joined', [{ role: res.role, room: res.room, jobs: res.jobs }]);
    });
  };

  override destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    clearTimeout(this.#resyncTimer);
    if (this.socket.connected) this.socket.emit('room:leave', this.roomId);
    this.socket.off('connect', this.join);
    this.socket.off('disconnect', this.#onDisconnect);
    this.socket.off('room:error', this.#onRoomError);
    this.socket.off('room:evicted', this.#onEvicted);
    this.socket.off('room:role', this.#onRole);
    super.destroy();
  }

  #setStatus(status: MembershipStatus): void {
    if (this.status === status) return;
    this.status = status;
    this.emit('status', [status]);
  }

  #onDisconnect = (): void => {
    if (!this.#destroyed) this.#setStatus('offline');
  };

  /** The room let this socket go (unlisted, closed, blocked): refused until the page is opened again. */
  #onEvicted = (roomId: string, error: WireError): void => {
    if (roomId !== this.roomId) return;
    this.#setStatus('refused');
    this.emit('error', [error]);
  };

  #onRole = (roomId: string, change: { role: Role }): void => {
    if (roomId !== this.roomId) return;
    this.role = change.role;
    this.emit('role', [change.role]);
  };

  #onRoomError = (roomId: string, error: WireError): void => {
    if (roomId !== this.roomId && roomId !== '') return;
    this.emit('error', [error]);
    if (error.code === 'rate_limited') {
      // Something we sent was dropped: rejoin after a pause, which resyncs both ways.
      clearTimeout(this.#resyncTimer);
      this.#resyncTimer = setTimeout(this.join, this.#options.resyncDelayMs ?? 1000);
    }
  };
}
