// Real clients, as the product ships them: socket.io-client with the app's
// SocketIoProvider, and the npm y-websocket provider. A tap sees every
// message each one sends and receives (the recorder writes them down).
import { io } from 'socket.io-client';
import { WebSocket } from 'ws';
import type { Awareness } from 'y-protocols/awareness';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { type AtelierClientSocket, SocketIoProvider } from '../../client/realtime/socketio-provider.ts';

export type Transport = 'socket.io' | 'websocket';

export interface Tap {
  socketio?(dir: 'client' | 'server', event: string, args: unknown[]): void;
  websocket?(dir: 'client' | 'server', frame: Uint8Array): void;
}

export interface Client {
  transport: Transport;
  doc: Y.Doc;
  awareness: Awareness;
  /** Resolves once the first sync with the server is complete. */
  synced: Promise<void>;
  destroy(): void;
}

export function socketIoClient(url: string, token: string, roomId: string, tap: Tap = {}, invite?: string): Client {
  const socket: AtelierClientSocket = io(url, { auth: { token }, transports: ['websocket'], forceNew: true });
  if (tap.socketio) {
    const seen = tap.socketio;
    socket.onAnyOutgoing((event: string, ...args: unknown[]) => seen('client', event, args));
    socket.onAny((event: string, ...args: unknown[]) => seen('server', event, args));
  }
  const doc = new Y.Doc();
  const provider = new SocketIoProvider(socket, roomId, doc, invite ? { invite } : {});
  return {
    transport: 'socket.io',
    doc,
    awareness: provider.awareness,
    synced: provider.whenSynced(),
    destroy() {
      provider.destroy();
      socket.disconnect();
      doc.destroy();
    },
  };
}

export function yWebsocketClient(url: string, token: string, roomId: string, tap: Tap = {}, invite?: string): Client {
  const doc = new Y.Doc();
  const seen = tap.websocket;
  /** ws, with every frame shown to the tap. */
  class TappedWebSocket extends WebSocket {
    constructor(address: string | URL, protocols?: string | string[]) {
      super(address, protocols);
      if (seen) this.on('message', (data: Buffer) => seen('server', new Uint8Array(data)));
    }
    override send(data: Parameters<WebSocket['send']>[0], ...rest: unknown[]): void {
      if (seen && data instanceof Uint8Array) seen('client', data);
      else if (seen && data instanceof ArrayBuffer) seen('client', new Uint8Array(data));
      (super.send as (...args: unknown[]) => void).call(this, data, ...rest);
    }
  }
  const provider = new WebsocketProvider(`${url.replace(/^http/, 'ws')}/yjs`, roomId, doc, {
    params: invite ? { token, invite } : { token },
    WebSocketPolyfill: TappedWebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  });
  const synced = new Promise<void>((resolve) => {
    if (provider.synced) resolve();
    else provider.once('sync', (isSynced: boolean) => isSynced && resolve());
  });
  return {
    transport: 'websocket',
    doc,
    awareness: provider.awareness,
    synced,
    destroy() {
      provider.destroy();
      doc.destroy();
    },
  };
}

export function connectClient(transport: Transport, url: string, token: string, roomId: string, tap: Tap = {}, invite?: string): Client {
  return transport === 'socket.io' ? socketIoClient(url, token, roomId, tap, invite) : yWebsocketClient(url, token, roomId, tap, invite);
}
