// A room's document and awareness over the Yjs WebSocket (/yjs/:roomId):
// y-websocket's protocol, every message one binary frame. Atelier's page
// syncs its rooms here (docs/protocol.md, "The client's document path"). It
// reconnects by itself with a capped backoff and resyncs on every connection;
// a refusal the server names (unauthorized, forbidden, not found) is final.
// Works in browsers and in Node (its global WebSocket).
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { ObservableV2 } from 'lib0/observable';
import * as authProtocol from 'y-protocols/auth';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import type * as Y from 'yjs';
import { CLOSE_CODES, type ErrorCode, type WireError, YWS_MESSAGE } from '../../shared/protocol.ts';

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
  /** First reconnection delay, doubled per failed attempt up to `maxReconnectDelayMs`. */
  reconnectDelayMs?: number;
  maxReconnectDelayMs?: number;
  /** Delay before reconnecting after the server said `rate_limited` (which drops what it refused). */
  resyncDelayMs?: number;
}

/** Close codes after which trying again cannot help. */
const FINAL: readonly ErrorCode[] = ['unauthorized', 'forbidden', 'not_found'];
const CODE_OF_CLOSE = new Map<number, ErrorCode>(Object.entries(CLOSE_CODES).map(([code, close]) => [close, code as ErrorCode]));

export function yjsSocketUrl(baseUrl: string, roomId: string, token: string, invite?: string, watch?: boolean): string {
  const url = new URL(`/yjs/${encodeURIComponent(roomId)}`, baseUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.searchParams.set('token', token);
  if (invite) url.searchParams.set('invite', invite);
  if (watch) url.searchParams.set('watch', '1');
  return url.href;
}

export class YjsSocketProvider extends ObservableV2<DocEvents> {
  readonly roomId: string;
  readonly doc: Y.Doc;
  readonly awareness: awarenessProtocol.Awareness;
  status: DocStatus = 'connecting';
  readonly #options: YjsSocketOptions;
  #ws: WebSocket | null = null;
  /** The token the current (or last) connection presented. */
  #token = '';
  #attempts = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #destroyed = false;

  constructor(roomId: string, doc: Y.Doc, options: YjsSocketOptions) {
    super();
    this.roomId = roomId;
    this.doc = doc;
    this.#options = options;
    this.awareness = new awarenessProtocol.Awareness(doc);
    doc.on('update', this.#onDocUpdate);
    this.awareness.on('update', this.#onAwarenessUpdate);
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

  override destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    clearTimeout(this.#timer);
    awarenessProtocol.removeAwarenessStates(this.awareness, [this.doc.clientID], 'local');
    this.#drop();
    this.doc.off('update', this.#onDocUpdate);
    this.awareness.off('update', this.#onAwarenessUpdate);
    this.awareness.destroy();
    super.destroy();
  }

  #connect(): void {
    const { baseUrl, token, invite, watch } = this.#options;
    this.#token = token();
    const ws = new WebSocket(yjsSocketUrl(baseUrl, this.roomId, this.#token, invite, watch));
    ws.binaryType = 'arraybuffer';
    this.#ws = ws;
    if (this.status !== 'offline') this.#setStatus('connecting');
    ws.onopen = () => {
      // Our step 1 asks for what we lack; the server's step 1 (sent on join)
      // makes us send what it lacks, edits made offline included.
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, YWS_MESSAGE.sync);
      syncProtocol.writeSyncStep1(encoder, this.doc);
      ws.send(encoding.toUint8Array(encoder));
      if (this.awareness.getLocalState() !== null) this.#sendAwareness([this.doc.clientID]);
    };
    ws.onmessage = (event: MessageEvent) => {
      if (event.data instanceof ArrayBuffer) this.#received(ws, new Uint8Array(event.data));
    };
    ws.onclose = (event: CloseEvent) => {
      if (this.#ws === ws) this.#closed(event.code, event.reason);
    };
  }

  /** Closes the current socket, if any, without reacting to its close. */
  #drop(): void {
    const ws = this.#ws;
    this.#ws = null;
    if (!ws) return;
    ws.onopen = null;
    ws.onmessage = null;
    ws.onclose = null;
    if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.close(1000);
    this.#forgetOthers();
  }

  #closed(code: number, reason: string): void {
    this.#ws = null;
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

  #received(ws: WebSocket, message: Uint8Array): void {
    const decoder = decoding.createDecoder(message);
    switch (decoding.readVarUint(decoder)) {
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
    this.#sendAwareness(added.concat(updated, removed));
  };
}
