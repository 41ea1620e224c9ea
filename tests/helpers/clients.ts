// Real clients: socket.io-client with the Socket.IO Yjs provider, and the npm
// y-websocket provider, closed when the test finishes.
import { io } from 'socket.io-client';
import { onTestFinished } from 'vitest';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { type AtelierClientSocket, SocketIoProvider } from '../../client/realtime/socketio-provider.ts';
import type { Job, Role, RoomInfo } from '../../shared/protocol.ts';

export function connectSocket(url: string, token?: string, options: { reconnection?: boolean } = {}): AtelierClientSocket {
  const socket: AtelierClientSocket = io(url, {
    auth: token === undefined ? {} : { token },
    transports: ['websocket'],
    forceNew: true,
    reconnection: options.reconnection ?? false,
  });
  onTestFinished(() => {
    socket.disconnect();
  });
  return socket;
}

export interface SocketParticipant {
  socket: AtelierClientSocket;
  doc: Y.Doc;
  provider: SocketIoProvider;
  joined: { role: Role; room: RoomInfo; jobs: Job[] };
}

/** Connects, joins and waits for the first full sync. */
export async function joinWithSocketIo(url: string, token: string, roomId: string, invite?: string): Promise<SocketParticipant> {
  const socket = connectSocket(url, token);
  const doc = new Y.Doc();
  const provider = new SocketIoProvider(socket, roomId, doc, invite ? { invite } : {});
  onTestFinished(() => provider.destroy());
  const joined = await new Promise<SocketParticipant['joined']>((resolve, reject) => {
    provider.on('joined', resolve);
    provider.on('error', (error) => reject(new Error(`${error.code}: ${error.message}`)));
  });
  await provider.whenSynced();
  return { socket, doc, provider, joined };
}

export interface WsParticipant {
  doc: Y.Doc;
  provider: WebsocketProvider;
}

/** The stock y-websocket provider against /yjs/:roomId; pass an existing `doc` to join with its client id. */
export async function joinWithYWebsocket(
  url: string,
  token: string,
  roomId: string,
  invite?: string,
  doc = new Y.Doc(),
): Promise<WsParticipant> {
  const params: Record<string, string> = { token };
  if (invite) params.invite = invite;
  const provider = new WebsocketProvider(`${url.replace(/^http/, 'ws')}/yjs`, roomId, doc, {
    params,
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  });
  onTestFinished(() => provider.destroy());
  await new Promise<void>((resolve) => {
    if (provider.synced) return resolve();
    provider.once('sync', (synced: boolean) => synced && resolve());
  });
  return { doc, provider };
}
