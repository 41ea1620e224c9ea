// Yjs over Socket.IO: joins a room, runs the y-protocols sync and awareness
// exchange, and resyncs after every reconnect. Works in browsers and in Node.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { ObservableV2 } from 'lib0/observable';
import type { Socket } from 'socket.io-client';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import type * as Y from 'yjs';
import type { ClientToServerEvents, Job, Role, RoomInfo, ServerToClientEvents, WireError } from '../../shared/protocol.ts';

export type AtelierClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export type ProviderStatus = 'connecting' | 'joined' | 'synced' | 'offline' | 'refused';

export interface ProviderEvents {
  status: (status: ProviderStatus) => void;
  joined: (info: { role: Role; room: RoomInfo; jobs: Job[] }) => void;
  error: (error: WireError) => void;
  synced: () => void;
}

export interface ProviderOptions {
  invite?: string;
  /** Delay before rejoining after the server said `rate_limited`. */
  resyncDelayMs?: number;
}

export class SocketIoProvider extends ObservableV2<ProviderEvents> {
  readonly roomId: string;
  readonly doc: Y.Doc;
  readonly awareness: awarenessProtocol.Awareness;
  readonly socket: AtelierClientSocket;
  status: ProviderStatus = 'connecting';
  role: Role | null = null;
  readonly #options: ProviderOptions;
  #resyncTimer: ReturnType<typeof setTimeout> | undefined;
  #destroyed = false;

  constructor(socket: AtelierClientSocket, roomId: string, doc: Y.Doc, options: ProviderOptions = {}) {
    super();
    this.socket = socket;
    this.roomId = roomId;
    this.doc = doc;
    this.awareness = new awarenessProtocol.Awareness(doc);
    this.#options = options;
    doc.on('update', this.#onDocUpdate);
    this.awareness.on('update', this.#onAwarenessUpdate);
    socket.on('connect', this.#join);
    socket.on('disconnect', this.#onDisconnect);
    socket.on('yjs:sync', this.#onSync);
    socket.on('yjs:awareness', this.#onAwareness);
    socket.on('room:error', this.#onRoomError);
    if (socket.connected) this.#join();
  }

  get synced(): boolean {
    return this.status === 'synced';
  }

  /** Resolves once the first full sync with the server is done. */
  whenSynced(): Promise<void> {
    if (this.synced) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onSynced = () => {
        this.off('synced', onSynced);
        this.off('status', onStatus);
        resolve();
      };
      const onStatus = (status: ProviderStatus) => {
        if (status !== 'refused') return;
        this.off('synced', onSynced);
        this.off('status', onStatus);
        reject(new Error(`refused by the server`));
      };
      this.on('synced', onSynced);
      this.on('status', onStatus);
    });
  }

  override destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    clearTimeout(this.#resyncTimer);
    awarenessProtocol.removeAwarenessStates(this.awareness, [this.doc.clientID], 'local');
    if (this.socket.connected) this.socket.emit('room:leave', this.roomId);
    this.doc.off('update', this.#onDocUpdate);
    this.awareness.off('update', this.#onAwarenessUpdate);
    this.socket.off('connect', this.#join);
    this.socket.off('disconnect', this.#onDisconnect);
    this.socket.off('yjs:sync', this.#onSync);
    this.socket.off('yjs:awareness', this.#onAwareness);
    this.socket.off('room:error', this.#onRoomError);
    this.awareness.destroy();
    super.destroy();
  }

  #inRoom(): boolean {
    return this.socket.connected && (this.status === 'joined' || this.status === 'synced');
  }

  #setStatus(status: ProviderStatus): void {
    if (this.status === status) return;
    this.status = status;
    this.emit('status', [status]);
    if (status === 'synced') this.emit('synced', []);
  }

  #join = (): void => {
    if (this.#destroyed) return;
    this.#setStatus('connecting');
    const options = this.#options.invite ? { invite: this.#options.invite } : {};
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
      // Our step 1 asks for what we lack; the server's step 1 (already on its
      // way) makes us send what it lacks, including edits made offline.
      const encoder = encoding.createEncoder();
      syncProtocol.writeSyncStep1(encoder, this.doc);
      this.socket.emit('yjs:sync', this.roomId, encoding.toUint8Array(encoder));
      if (this.awareness.getLocalState() !== null) {
        this.socket.emit('yjs:awareness', this.roomId, awarenessProtocol.encodeAwarenessUpdate(this.awareness, [this.doc.clientID]));
      }
    });
  };

  #onDisconnect = (): void => {
    if (this.#destroyed) return;
    this.#setStatus('offline');
    // Everyone else's presence is unknown until we are back.
    const others = [...this.awareness.getStates().keys()].filter((id) => id !== this.doc.clientID);
    awarenessProtocol.removeAwarenessStates(this.awareness, others, this);
  };

  #onSync = (roomId: string, message: Uint8Array): void => {
    if (roomId !== this.roomId) return;
    const decoder = decoding.createDecoder(new Uint8Array(message));
    const encoder = encoding.createEncoder();
    const type = syncProtocol.readSyncMessage(decoder, encoder, this.doc, this);
    if (encoding.length(encoder) > 0) this.socket.emit('yjs:sync', this.roomId, encoding.toUint8Array(encoder));
    if (type === syncProtocol.messageYjsSyncStep2) this.#setStatus('synced');
  };

  #onAwareness = (roomId: string, message: Uint8Array): void => {
    if (roomId !== this.roomId) return;
    awarenessProtocol.applyAwarenessUpdate(this.awareness, new Uint8Array(message), this);
  };

  #onRoomError = (roomId: string, error: WireError): void => {
    if (roomId !== this.roomId && roomId !== '') return;
    this.emit('error', [error]);
    if (error.code === 'rate_limited') {
      // Something we sent was dropped: rejoin after a pause, which resyncs both ways.
      clearTimeout(this.#resyncTimer);
      this.#resyncTimer = setTimeout(this.#join, this.#options.resyncDelayMs ?? 1000);
    }
  };

  #onDocUpdate = (update: Uint8Array, origin: unknown): void => {
    // Before the join completes, the sync exchange that follows it carries this.
    if (origin === this || !this.#inRoom()) return;
    const encoder = encoding.createEncoder();
    syncProtocol.writeUpdate(encoder, update);
    this.socket.emit('yjs:sync', this.roomId, encoding.toUint8Array(encoder));
  };

  #onAwarenessUpdate = ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown): void => {
    if (origin === this || !this.#inRoom()) return;
    const changed = added.concat(updated, removed);
    this.socket.emit('yjs:awareness', this.roomId, awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed));
  };
}
