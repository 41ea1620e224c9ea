// A room's document and awareness over the Yjs WebSocket (/yjs/:roomId):
// y-websocket's protocol, every message one binary frame. Atelier's page
// syncs its rooms here (docs/protocol.md, "The client's document path"). It
// reconnects by itself with a capped backoff and resyncs on every connection;
// a refusal the server names (unauthorized, forbidden, not found) is final.
// With `events`, the same WebSocket carries Atelier's events too (`?events=1`,
// room-event-socket.ts), so a room page needs no other connection.
// Works in browsers and in Node (its global WebSocket).
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { ObservableV2 } from 'lib0/observable';
import * as authProtocol from 'y-protocols/auth';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import type * as Y from 'yjs';
import { CLOSE_CODES, type ErrorCode, type WireError, YWS_MESSAGE } from '../../shared/protocol.ts';
import { AwarenessThrottle } from './awareness-throttle.ts';
import { claimEarly, yjsSocketUrl } from './early-socket.ts';
import { RoomEventSocket } from './room-event-socket.ts';

export { yjsSocketUrl } from './early-socket.ts';

export type DocStatus = 'connecting' | 'synced' | 'offline' | 'refused';

export interface DocEvents {
  status: (status: DocStatus) => void;
  synced: () => void;
  error: (error: WireError) => void;
}

export interface YjsSocketOptions {
  /** The server's base URL (http or https; the page's origin in a browser). */
  baseUrl: string;
  /** The session token, asked at every connection (a sign-in changes it). */
  token: () => string;
  invite?: string;
  /** Watch a listed room (`?watch=1`, docs/live.md). */
  watch?: boolean;
  /** Carry Atelier's events on this WebSocket too (`?events=1`), through `events`. */
  events?: boolean;
  /** How long an event's acknowledgement may take (with `events`). */
  ackTimeoutMs?: number;
  /** First reconnection delay, doubled per failed attempt up to `maxReconnectDelayMs`. */
  reconnectDelayMs?: number;
  maxReconnectDelayMs?: number;
  /** Delay before reconnecting after the server said `rate_limited` (which drops what it refused). */
  resyncDelayMs?: number;
  /**
   * A connection silent this long is probed with query-awareness (the server
   * answers with every presence, ours included); one still silent a period
   * later is taken for dead: a dead network may not close a WebSocket for
   * minutes. 0: never probed.
   */
  heartbeatMs?: number;
  /**
   * The WebSocket class (the global one unless given): Node's global is
   * undici's, slower per message than the `ws` package that Node peers use.
   */
  WebSocketImpl?: typeof WebSocket;
}

/** Close codes after which trying again cannot help. */
const FINAL: readonly ErrorCode[] = ['unauthorized', 'forbidden', 'not_found'];
const CODE_OF_CLOSE = new Map<number, ErrorCode>(Object.entries(CLOSE_CODES).map(([code, close]) => [close, code as ErrorCode]));

export class YjsSocketProvider extends ObservableV2<DocEvents> {
  readonly roomId: string;
  readonly doc: Y.Doc;
  readonly awareness: awarenessProtocol.Awareness;
  /** Atelier's events on this WebSocket, with the `events` option. */
  readonly events: RoomEventSocket | null;
  status: DocStatus = 'connecting';
  readonly #options: YjsSocketOptions;
  #ws: WebSocket | null = null;
  /** The token the current (or last) connection presented. */
  #token = '';
  #attempts = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  #lastReceived = 0;
  #probing = false;
  #destroyed = false;
  /** Our presence changes, at most ~30 a second (awareness-throttle.ts). */
  readonly #awarenessOut = new AwarenessThrottle((clients) => {
    if (this.open) this.#sendAwareness(clients);
  });

  constructor(roomId: string, doc: Y.Doc, options: YjsSocketOptions) {
    super();
    this.roomId = roomId;
    this.doc = doc;
    this.#options = options;
    this.awareness = new awarenessProtocol.Awareness(doc);
    this.events = options.events ? new RoomEventSocket(roomId, options.ackTimeoutMs ? { ackTimeoutMs: options.ackTimeoutMs } : {}) : null;
    doc.on('update', this.#onDocUpdate);
    this.awareness.on('update', this.#onAwarenessUpdate);
    // The browser knows first when the network goes and comes back.
    globalThis.addEventListener?.('offline', this.#onOffline);
    globalThis.addEventListener?.('online', this.#onOnline);
    this.#connect();
  }

  get open(): boolean {
    return this.#ws?.readyState === WebSocket.OPEN;
  }

  /** Between connections: closed, and waiting out the backoff before the next attempt. */
  get waiting(): boolean {
    return this.#ws === null && !this.#destroyed && this.status !== 'refused';
  }

  /** Connects again now, without waiting for the backoff (the network is back). */
  reconnect(): void {
    if (this.#destroyed || this.status === 'refused') return;
    clearTimeout(this.#timer);
    this.#drop();
    this.#connect();
  }

  /** The server let this client go for good (evicted from the room): closed, refused, no reconnecting. */
  stop(): void {
    if (this.#destroyed) return;
    clearTimeout(this.#timer);
    this.#drop();
    this.#setStatus('refused');
  }

  override destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    clearTimeout(this.#timer);
    globalThis.removeEventListener?.('offline', this.#onOffline);
    globalThis.removeEventListener?.('online', this.#onOnline);
    awarenessProtocol.removeAwarenessStates(this.awareness, [this.doc.clientID], 'local');
    this.#drop();
    this.doc.off('update', this.#onDocUpdate);
    this.awareness.off('update', this.#onAwarenessUpdate);
    this.awareness.destroy();
    this.events?.destroy();
    super.destroy();
  }

  #connect(): void {
    const { baseUrl, token } = this.#options;
    this.#token = token();
    const url = yjsSocketUrl(baseUrl, this.roomId, this.#token, this.#options);
    // The page may have opened it already, while its code loaded (early-socket.ts).
    const early = claimEarly(url);
    const ws = early?.ws ?? new (this.#options.WebSocketImpl ?? WebSocket)(url);
    ws.binaryType = 'arraybuffer';
    this.#ws = ws;
    if (this.status !== 'offline') this.#setStatus('connecting');
    const opened = () => {
      this.#startHeartbeat();
      // lib0's encoder writes into a plain ArrayBuffer; the shared codec's type only does not say so.
      this.events?.opened((frame) => {
        if (ws.readyState === WebSocket.OPEN) ws.send(frame as Uint8Array<ArrayBuffer>);
      });
      // Our step 1 asks for what we lack; the server's step 1 (sent on join)
      // makes us send what it lacks, edits made offline included.
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, YWS_MESSAGE.sync);
      syncProtocol.writeSyncStep1(encoder, this.doc);
      ws.send(encoding.toUint8Array(encoder));
      if (this.awareness.getLocalState() !== null) this.#sendAwareness([this.doc.clientID]);
    };
    const message = (event: MessageEvent) => {
      this.#lastReceived = Date.now();
      this.#probing = false;
      if (event.data instanceof ArrayBuffer) this.#received(ws, new Uint8Array(event.data));
    };
    ws.onopen = opened;
    ws.onmessage = message;
    ws.onclose = (event: CloseEvent) => {
      if (this.#ws === ws) this.#closed(event.code, event.reason);
    };
    // Already open: what it heard goes through as if it came now, once the
    // constructor's caller has attached its listeners.
    if (early?.ws.readyState === WebSocket.OPEN) {
      queueMicrotask(() => {
        if (this.#ws !== ws) return;
        opened();
        for (const event of early.received) message(event);
      });
    }
  }

  /** Closes the current socket, if any, without reacting to its close. */
  #drop(): void {
    const ws = this.#ws;
    this.#ws = null;
    clearInterval(this.#heartbeat);
    this.#awarenessOut.cancel();
    if (!ws) return;
    ws.onopen = null;
    ws.onmessage = null;
    ws.onclose = null;
    if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.close(1000);
    this.events?.closed('dropped');
    this.#forgetOthers();
  }

  #closed(code: number, reason: string): void {
    this.#ws = null;
    clearInterval(this.#heartbeat);
    this.#awarenessOut.cancel();
    this.events?.closed(reason || `closed (${code})`);
    this.#forgetOthers();
    const errorCode = CODE_OF_CLOSE.get(code);
    // Refused for a token the page has since replaced (a sign-in): the new one may do.
    const stale = errorCode === 'unauthorized' && this.#options.token() !== this.#token;
    const final = errorCode !== undefined && FINAL.includes(errorCode) && !stale;
    // Status first: a listener of the error sees whether it was final.
    this.#setStatus(final ? 'refused' : 'offline');
    if (errorCode) this.emit('error', [{ code: errorCode, message: reason || errorCode }]);
    if (final) return;
    const { reconnectDelayMs = 250, maxReconnectDelayMs = 4000, resyncDelayMs = 1000 } = this.#options;
    const delay = errorCode === 'rate_limited' ? resyncDelayMs : Math.min(maxReconnectDelayMs, reconnectDelayMs * 2 ** this.#attempts);
    this.#attempts++;
    this.#timer = setTimeout(() => this.#connect(), delay);
  }

  #startHeartbeat(): void {
    const { heartbeatMs = 10_000 } = this.#options;
    clearInterval(this.#heartbeat);
    this.#lastReceived = Date.now();
    this.#probing = false;
    if (heartbeatMs > 0) this.#heartbeat = setInterval(() => this.#beat(heartbeatMs), heartbeatMs);
  }

  #beat(heartbeatMs: number): void {
    if (!this.open || Date.now() - this.#lastReceived < heartbeatMs) return;
    if (this.#probing) {
      this.#lost();
      return;
    }
    // Without a presence of ours the server may have nothing to answer with.
    if (this.awareness.getLocalState() === null) return;
    this.#probing = true;
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, YWS_MESSAGE.queryAwareness);
    this.#ws?.send(encoding.toUint8Array(encoder));
  }

  /** The connection is gone though it did not close: as if it had, without waiting for it. */
  #lost(): void {
    if (!this.#ws) return;
    this.#drop();
    this.#closed(1006, '');
  }

  #onOffline = (): void => {
    this.#lost();
  };

  #onOnline = (): void => {
    if (this.waiting) this.reconnect();
  };

  #received(ws: WebSocket, message: Uint8Array): void {
    const decoder = decoding.createDecoder(message);
    const type = decoding.readVarUint(decoder);
    switch (type) {
      case YWS_MESSAGE.sync: {
        const encoder = encoding.createEncoder();
        encoding.writeVarUint(encoder, YWS_MESSAGE.sync);
        const type = syncProtocol.readSyncMessage(decoder, encoder, this.doc, this);
        if (encoding.length(encoder) > 1) ws.send(encoding.toUint8Array(encoder));
        if (type === syncProtocol.messageYjsSyncStep2) {
          this.#attempts = 0;
          this.#setStatus('synced');
        }
        return;
      }
      case YWS_MESSAGE.awareness:
        awarenessProtocol.applyAwarenessUpdate(this.awareness, decoding.readVarUint8Array(decoder), this);
        return;
      case YWS_MESSAGE.auth:
        // The server keeps the connection and tells a viewer why its write was dropped.
        authProtocol.readAuthMessage(decoder, this.doc, (_, reason) => this.emit('error', [{ code: 'forbidden', message: reason }]));
        return;
      case YWS_MESSAGE.event:
      case YWS_MESSAGE.ack:
        this.events?.received(type, message, decoder.pos);
        return;
      default:
        // Message types added later are not ours to handle.
        return;
    }
  }

  #setStatus(status: DocStatus): void {
    if (this.status === status) return;
    this.status = status;
    this.emit('status', [status]);
    if (status === 'synced') this.emit('synced', []);
  }

  /** Everyone else's presence is unknown until we are back. */
  #forgetOthers(): void {
    const others = [...this.awareness.getStates().keys()].filter((id) => id !== this.doc.clientID);
    if (others.length > 0) awarenessProtocol.removeAwarenessStates(this.awareness, others, this);
  }

  #sendAwareness(clients: number[]): void {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, YWS_MESSAGE.awareness);
    encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(this.awareness, clients));
    this.#ws?.send(encoding.toUint8Array(encoder));
  }

  #onDocUpdate = (update: Uint8Array, origin: unknown): void => {
    // While closed, the sync exchange of the next connection carries it.
    if (origin === this || !this.open) return;
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, YWS_MESSAGE.sync);
    syncProtocol.writeUpdate(encoder, update);
    this.#ws?.send(encoding.toUint8Array(encoder));
  };

  #onAwarenessUpdate = ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown): void => {
    if (origin === this || !this.open) return;
    this.#awarenessOut.changed(added.concat(updated, removed), removed.length > 0);
  };
}
