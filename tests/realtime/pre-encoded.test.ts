// Yjs events are framed once for every recipient (server/realtime/socketio/pre-encoded.ts):
// stock socket.io-clients on a WebSocket, on HTTP long-polling and upgrading
// from one to the other all get every update, small ones and ones whose
// frames need 16- and 64-bit lengths, byte for byte.
import { io } from 'socket.io-client';
import { expect, it, onTestFinished } from 'vitest';
import * as Y from 'yjs';
import { type AtelierClientSocket, SocketIoProvider } from '../../client/realtime/socketio-provider.ts';
import { ROOTS } from '../../shared/doc-schema.ts';
import { api, startServer, waitFor } from '../helpers/server.ts';

function participant(url: string, token: string, roomId: string, transports: Array<'websocket' | 'polling'>) {
  const socket: AtelierClientSocket = io(url, { auth: { token }, transports, forceNew: true, reconnection: false });
  const doc = new Y.Doc();
  const provider = new SocketIoProvider(socket, roomId, doc);
  onTestFinished(() => {
    provider.destroy();
    socket.disconnect();
  });
  return { socket, doc, provider };
}

it('stock clients on WebSocket, long-polling and an upgrade get every update, whatever its size', async () => {
  const server = await startServer();
  const http = api(server.url);
  const ann = await http.session('Ann');
  const { room } = await http.room(ann.token);
  const clients = [
    participant(server.url, ann.token, room.id, ['websocket']),
    participant(server.url, ann.token, room.id, ['polling']),
    participant(server.url, ann.token, room.id, ['polling', 'websocket']),
  ];
  await Promise.all(clients.map((c) => c.provider.whenSynced()));
  const [ws, polling, upgrading] = clients as [(typeof clients)[0], (typeof clients)[0], (typeof clients)[0]];
  await waitFor(() => upgrading.socket.io.engine.transport.name === 'websocket', 10_000, 'the upgrade');
  expect(polling.socket.io.engine.transport.name).toBe('polling');

  const texts = (c: (typeof clients)[0]) => c.doc.getText(ROOTS.prompt).toString();
  // Frames of under 126 bytes, under 64 KiB and over it (7-, 16- and 64-bit lengths).
  const parts = ['short', 'm'.repeat(1000), 'L'.repeat(70_000)];
  let expected = '';
  for (const [i, part] of parts.entries()) {
    const writer = clients[i % clients.length] ?? ws;
    writer.doc.getText(ROOTS.prompt).insert(expected.length, part);
    expected += part;
    for (const c of clients) await waitFor(() => texts(c) === expected, 10_000, `update ${i} everywhere`);
  }
  expect(server.registry.get(room.id)?.doc.getText(ROOTS.prompt).toString()).toBe(expected);
  // Awareness goes out the same way.
  ws.provider.awareness.setLocalStateField('user', { name: 'Ann on ws' });
  for (const c of [polling, upgrading]) {
    await waitFor(() => c.provider.awareness.getStates().get(ws.doc.clientID)?.user !== undefined, 10_000, 'presence');
  }
}, 60_000);
