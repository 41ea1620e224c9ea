// Yjs over Socket.IO: joins a room, runs the y-protocols sync and awareness
// exchange in `yjs:sync` / `yjs:awareness` events, and resyncs after every
// reconnect. Works in browsers and in Node. The contract's path for any stock
// socket.io-client; Atelier's own page carries its document on the Yjs
// WebSocket instead (room-provider.ts), which costs one frame per message.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { ObservableV2 } from 'lib0/observable';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import type * as Y from 'yjs';
import type { Role, WireError } from '../../shared/protocol.ts';
import { AwarenessThrottle } from './awareness-throttle.ts';
import { type AtelierClientSocket, type JoinedInfo, RoomMembership } from './room-membership.ts';

export type { AtelierClientSocket } from './room-membership.ts';

export type ProviderStatus = 'connecting' | 'joined' | 'synced' | 'offline' | 'refused';

export interface ProviderEvents {
  status: (status: ProviderStatus) => void;
  joined: (info: JoinedInfo) => void;
  error: (error: WireError) => void;
  synced: () => void;
  /** The owner granted or revoked editing (docs/live.md). */
  role: (role: Role) => void;
}

export interface ProviderOptions {
  invite?: string;
  /** Delay before rejoining after the server said `rate_limited`. */
  resyncDelayMs?: number;
}

/** Resolves once `provider` first reports 'synced'; rejects if it is refused first. */
export function whenSynced(provider: ObservableV2<ProviderEvents> & { status: ProviderStatus }): Promise<void> {
  if (provider.status === 'synced') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onSynced = () => {
      provider.off('synced', onSynced);
      provider.off('status', onStatus);
      resolve();
    };
    const onStatus = (status: ProviderStatus) => {
      if (status !== 'refused') return;
      provider.off('synced', onSynced);
      provider.off('status', onStatus);
      reject(new Error('refused by the server'));
    };
    provider.on('synced', onSynced);
    provider.on('status', onStatus);
  });
}

export class SocketIoProvider extends ObservableV2<ProviderEvents> {
  readonly roomId: string;
  readonly doc: Y.Doc;
  readonly awareness: awarenessProtocol.Awareness;
  readonly socket: AtelierClientSocket;
  status: ProviderStatus = 'connecting';
  readonly #membership: RoomMembership;
  #destroyed = false;
  /** Our presence changes, at most ~30 a second (awareness-throttle.ts). */
  readonly #awarenessOut = new AwarenessThrottle((clients) => {
    if (this.#inRoom()) this.socket.emit('yjs:awareness', this.roomId, awarenessProtocol.encodeAwarenessUpdate(this.awareness, clients));
  });

  constructor(socket: AtelierClientSocket, roomId: string, doc: Y.Doc, options: ProviderOptions = {}) {
    super();
    this.socket = socket;
    this.roomId = roomId;
    this.doc = doc;
    this.awareness = new awarenessProtocol.Awareness(doc);
    doc.on('update', this.#onDocUpdate);
    this.awareness.on('update', this.#onAwarenessUpdate);
    socket.on('disconnect', this.#onDisconnect);
    socket.on('yjs:sync', this.#onSync);
    socket.on('yjs:awareness', this.#onAwareness);
    this.#membership = new RoomMembership(socket, roomId, options);
    this.#membership.on('status', (status) => {
      // 'joined' waits for the server's step 2 to become 'synced'.
      this.#setStatus(status);
    });
    this.#membership.on('joined', this.#onJoined);
    this.#membership.on('error', (error) => this.emit('error', [error]));
  }

  get role(): Role | null {
    return this.#membership.role;
  }

  get synced(): boolean {
    return this.status === 'synced';
  }

  /** Resolves once the first full sync with the server is done. */
  whenSynced(): Promise<void> {
    return whenSynced(this);
  }

  override destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    awarenessProtocol.removeAwarenessStates(this.awareness, [this.doc.clientID], 'local');
    this.#awarenessOut.cancel();
    this.#membership.destroy();
    this.doc.off('update', this.#onDocUpdate);
    this.awareness.off('update', this.#onAwarenessUpdate);
    this.socket.off('disconnect', this.#onDisconnect);
    this.socket.off('yjs:sync', this.#onSync);
    this.socket.off('yjs:awareness', this.#onAwareness);
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

  #onJoined = (info: JoinedInfo): void => {
    this.emit('joined', [info]);
    // Our step 1 asks for what we lack; the server's step 1 (already on its
    // way) makes us send what it lacks, including edits made offline.
    const encoder = encoding.createEncoder();
    syncProtocol.writeSyncStep1(encoder, this.doc);
    this.socket.emit('yjs:sync', this.roomId, encoding.toUint8Array(encoder));
    if (this.awareness.getLocalState() !== null) {
      this.socket.emit('yjs:awareness', this.roomId, awarenessProtocol.encodeAwarenessUpdate(this.awareness, [this.doc.clientID]));
    }
  };

  #onDisconnect = (): void => {
    if (this.#destroyed) return;
    this.#awarenessOut.cancel();
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

  #onDocUpdate = (update: Uint8Array, origin: unknown): void => {
    // Before the join completes, the sync exchange that follows it carries this.
    if (origin === this || !this.#inRoom()) return;
    const encoder = encoding.createEncoder();
    syncProtocol.writeUpdate(encoder, update);
    this.socket.emit('yjs:sync', this.roomId, encoding.toUint8Array(encoder));
  };

  #onAwarenessUpdate = ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown): void => {
    if (origin === this || !this.#inRoom()) return;
    this.#awarenessOut.changed(added.concat(updated, removed), removed.length > 0);
  };
}
