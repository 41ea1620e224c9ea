// Hocuspocus (@hocuspocus/server), stock configuration: no extensions, so no
// persistence; `flushDelay` 0 (broadcasts coalesced per event-loop turn),
// `debounce` 2 s (affects onStoreDocument only, unused here).
import path from 'node:path';
import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider';
import { WebSocket } from 'ws';
import { connectHocuspocusRaw } from '../clients/hocuspocus-raw.ts';
import { startChildServer } from '../lib/child-server.ts';
import { CONNECT_TIMEOUT_MS, type PeerSystem, withTimeout } from '../system.ts';

const wsUrl = (url: string) => url.replace(/^http/, 'ws');

export const hocuspocus: PeerSystem = {
  id: 'hocuspocus',
  label: 'Hocuspocus',
  setup: 'Hocuspocus server, stock settings, no extensions (in memory, no persistence), one WebSocket per client',
  start: ({ nodeArgs }) => startChildServer(path.join(import.meta.dirname, 'hocuspocus-server.ts'), nodeArgs),
  createRooms: async (_url, from, count) => Array.from({ length: count }, (_, i) => ({ id: `doc-${from + i}`, token: '' })),
  connectRaw: (url, room, client, sink) => connectHocuspocusRaw(wsUrl(url), room.id, client, sink),
  async connectObserver(url, room, doc) {
    const socket = new HocuspocusProviderWebsocket({ url: wsUrl(url), WebSocketPolyfill: WebSocket });
    const provider = new HocuspocusProvider({ websocketProvider: socket, name: room.id, document: doc });
    const synced = new Promise<void>((resolve) => provider.on('synced', () => resolve()));
    provider.attach();
    await withTimeout(synced, CONNECT_TIMEOUT_MS, `Hocuspocus observer ${room.id}`);
    return {
      destroy() {
        provider.destroy();
        socket.destroy();
      },
    };
  },
};
