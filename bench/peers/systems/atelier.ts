// Atelier as `npm start` runs it (SQLite in a temporary DATA_DIR: every update
// is appended to the room's log), the benchmark's rate limits raised. Two
// transports: the Yjs WebSocket (/yjs/:roomId, y-websocket's protocol) and
// Socket.IO (`yjs:sync` events after `room:join`), and the web client's path:
// one Yjs WebSocket per room page that carries Atelier's events too
// (`?events=1`).
import { io } from 'socket.io-client';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import { RoomProvider } from '../../../client/realtime/room-provider.ts';
import { SocketIoProvider } from '../../../client/realtime/socketio-provider.ts';
import { startServerProcess } from '../../lib/server-process.ts';
import { connectAtelierSioRaw } from '../clients/atelier-sio-raw.ts';
import { connectYwsRaw } from '../clients/yws-raw.ts';
import { CONNECT_TIMEOUT_MS, type PeerSystem, type RoomRef, withTimeout } from '../system.ts';
import { post } from '../../lib/http.ts';

/** Rooms made by one session (one owner), and room creations in flight. */
const ROOMS_PER_SESSION = 100;
const CREATE_CONCURRENCY = 8;

async function createRooms(url: string, from: number, count: number): Promise<RoomRef[]> {
  const rooms: RoomRef[] = new Array(count);
  let token = '';
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      if (i % ROOMS_PER_SESSION === 0 || !token) {
        token = (await post<{ token: string }>(url, '/api/session', { name: `bench ${from + i}` })).token;
      }
      const mine = token;
      const { room } = await post<{ room: { id: string } }>(url, '/api/rooms', { title: `bench ${from + i}` }, mine);
      rooms[i] = { id: room.id, token: mine };
    }
  };
  await Promise.all(Array.from({ length: CREATE_CONCURRENCY }, worker));
  return rooms;
}

const wsUrl = (url: string, room: RoomRef) => `${url.replace(/^http/, 'ws')}/yjs/${room.id}?token=${encodeURIComponent(room.token)}`;

const shared = {
  start: ({ nodeArgs }: { nodeArgs: string[] }) => startServerProcess({}, nodeArgs),
  createRooms,
};

export const atelier: PeerSystem = {
  id: 'atelier',
  label: 'Atelier',
  setup: 'Atelier, Yjs WebSocket transport (/yjs/:roomId), SQLite doc log in a temporary DATA_DIR (every update persisted)',
  ...shared,
  connectRaw: (url, room, client, sink) => connectYwsRaw(wsUrl(url, room), client, sink),
  async connectObserver(url, room, doc) {
    const provider = new WebsocketProvider(`${url.replace(/^http/, 'ws')}/yjs`, room.id, doc, {
      params: { token: room.token },
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      disableBc: true,
    });
    const synced = new Promise<void>((resolve) => provider.once('sync', () => resolve()));
    await withTimeout(synced, CONNECT_TIMEOUT_MS, `Atelier observer ${room.id}`);
    return { destroy: () => provider.destroy() };
  },
};

export const atelierSocketIo: PeerSystem = {
  id: 'atelier-sio',
  label: 'Atelier (Socket.IO)',
  setup: 'Atelier, Socket.IO transport (`yjs:sync` events), SQLite doc log in a temporary DATA_DIR',
  ...shared,
  connectRaw: (url, room, client, sink) => connectAtelierSioRaw(url, room.id, room.token, client, sink),
  async connectObserver(url, room, doc) {
    const socket = io(url, { auth: { token: room.token }, transports: ['websocket'], forceNew: true });
    const provider = new SocketIoProvider(socket, room.id, doc);
    await withTimeout(provider.whenSynced(), CONNECT_TIMEOUT_MS, `Atelier Socket.IO observer ${room.id}`);
    return {
      destroy() {
        provider.destroy();
        socket.disconnect();
      },
    };
  },
};

export const atelierClient: PeerSystem = {
  id: 'atelier-client',
  label: 'Atelier (client path)',
  setup:
    'Atelier as its web client uses it: one Yjs WebSocket per client carrying the document and Atelier’s events (`?events=1`; a client has joined once it holds its document and its `room:joined`), observers the client’s RoomProvider on that socket, SQLite doc log in a temporary DATA_DIR',
  ...shared,
  connectRaw: (url, room, client, sink) => connectYwsRaw(wsUrl(url, room), client, sink, { events: true }),
  async connectObserver(url, room, doc) {
    // On the `ws` package, as every other system's observers: Node's global WebSocket (undici's) costs more per message.
    const provider = new RoomProvider(room.id, doc, {
      baseUrl: url,
      token: () => room.token,
      WebSocketImpl: WebSocket as unknown as typeof globalThis.WebSocket,
    });
    await withTimeout(provider.whenSynced(), CONNECT_TIMEOUT_MS, `Atelier client-path observer ${room.id}`);
    return {
      destroy() {
        provider.destroy();
      },
    };
  },
};
