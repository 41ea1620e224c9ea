// y-socket.io: its `YSocketIO` on a stock Socket.IO server, no persistence.
// Each document is a Socket.IO namespace; updates go to every socket in it,
// the sender included.
import path from 'node:path';
import { SocketIOProvider } from 'y-socket.io';
import { connectYSocketIoRaw } from '../clients/ysocketio-raw.ts';
import { startChildServer } from '../lib/child-server.ts';
import { CONNECT_TIMEOUT_MS, type PeerSystem, withTimeout } from '../system.ts';

export const ySocketIo: PeerSystem = {
  id: 'y-socket.io',
  label: 'y-socket.io',
  setup: 'y-socket.io on a stock Socket.IO 4 server, no LevelDB persistence (in memory), WebSocket transport only',
  start: ({ nodeArgs }) => startChildServer(path.join(import.meta.dirname, 'ysocketio-server.ts'), nodeArgs),
  createRooms: async (_url, from, count) => Array.from({ length: count }, (_, i) => ({ id: `doc-${from + i}`, token: '' })),
  connectRaw: (url, room, client, sink) => connectYSocketIoRaw(url, room.id, client, sink),
  async connectObserver(url, room, doc) {
    const provider = new SocketIOProvider(
      url,
      room.id,
      doc,
      { autoConnect: true, disableBc: true },
      { transports: ['websocket'], forceNew: true },
    );
    const synced = new Promise<void>((resolve) => provider.on('sync', (state: boolean) => state && resolve()));
    await withTimeout(synced, CONNECT_TIMEOUT_MS, `y-socket.io observer ${room.id}`);
    return { destroy: () => provider.destroy() };
  },
};
