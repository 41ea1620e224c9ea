// Yjs events are framed once for every recipient (server/realtime/socketio/pre-encoded.ts):
// stock socket.io-clients on a WebSocket, on HTTP long-polling and upgrading
// from one to the other all get every update, small ones and ones whose
// frames need 16- and 64-bit lengths, byte for byte; and on a WebSocket each
// delivery is one write: a maker's update (a header and an attachment), a
// spectator's held document and presence (two events, four frames).
import type { Atelier } from '../../server/atelier.ts';
import { io } from 'socket.io-client';
import { expect, it, onTestFinished } from 'vitest';
import * as Y from 'yjs';
import { type AtelierClientSocket, SocketIoProvider } from '../../client/realtime/socketio-provider.ts';
import { ROOTS } from '../../shared/doc-schema.ts';
import { tcpSocketOf } from '../../server/realtime/socketio/write-coalescer.ts';
import { joinWithSocketIo } from '../helpers/clients.ts';
import { api, startServer, WAIT_BUDGET_MS, waitFor } from '../helpers/server.ts';

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
  await waitFor(() => upgrading.socket.io.engine.transport.name === 'websocket', WAIT_BUDGET_MS, 'the upgrade');
  expect(polling.socket.io.engine.transport.name).toBe('polling');

  const texts = (c: (typeof clients)[0]) => c.doc.getText(ROOTS.prompt).toString();
  // Frames of under 126 bytes, under 64 KiB and over it (7-, 16- and 64-bit lengths).
  const parts = ['short', 'm'.repeat(1000), 'L'.repeat(70_000)];
  let expected = '';
  for (const [i, part] of parts.entries()) {
    const writer = clients[i % clients.length] ?? ws;
    writer.doc.getText(ROOTS.prompt).insert(expected.length, part);
    expected += part;
    for (const c of clients) await waitFor(() => texts(c) === expected, WAIT_BUDGET_MS, `update ${i} everywhere`);
  }
  expect(server.registry.get(room.id)?.doc.getText(ROOTS.prompt).toString()).toBe(expected);
  // Awareness goes out the same way.
  ws.provider.awareness.setLocalStateField('user', { name: 'Ann on ws' });
  for (const c of [polling, upgrading]) {
    await waitFor(() => c.provider.awareness.getStates().get(ws.doc.clientID)?.user !== undefined, WAIT_BUDGET_MS, 'presence');
  }
}, 60_000);

/** The system calls writing to a user's socket on the server (each write or writev is one). */
function writesTo(server: Atelier, userId: string): string[] {
  const socket = [...server.socketIo.io.of('/').sockets.values()].find((s) => s.data.identity?.user.id === userId);
  const tcp = tcpSocketOf(socket?.conn);
  if (!tcp) throw new Error(`no WebSocket of ${userId}`);
  const calls: string[] = [];
  const write = tcp._write.bind(tcp);
  tcp._write = (chunk, encoding, cb) => {
    calls.push('write');
    write(chunk, encoding, cb);
  };
  const writev = tcp._writev?.bind(tcp);
  if (writev)
    tcp._writev = (chunks, cb) => {
      calls.push(`writev of ${chunks.length}`);
      writev(chunks, cb);
    };
  return calls;
}

it('writes a maker’s update, and a spectator’s held document and presence, in one system call each', async () => {
  // Held for a minute: the spectator gets what was held when the server changes the room itself.
  const server = await startServer({ SPECTATOR_INTERVAL_MS: '60000' });
  const http = api(server.url);
  const [owner, editor, viewer] = await Promise.all([http.session('Owner'), http.session('Editor'), http.session('Viewer')]);
  const { room, invites } = await http.room(owner.token);
  const maker = await joinWithSocketIo(server.url, owner.token, room.id);
  const otherMaker = await joinWithSocketIo(server.url, editor.token, room.id, invites.edit);
  const spectator = await joinWithSocketIo(server.url, viewer.token, room.id, invites.view);
  expect(spectator.joined.role).toBe('viewer');
  const live = server.registry.get(room.id);
  const toMaker = writesTo(server, editor.user.id);
  const toSpectator = writesTo(server, viewer.user.id);
  const text = maker.doc.getText(ROOTS.prompt);
  const cursorOf = (doc: Y.Doc, awareness: { getStates(): Map<number, Record<string, unknown>> }) =>
    awareness.getStates().get(doc.clientID)?.cursor;
  for (let i = 1; i <= 3; i++) {
    toMaker.length = 0;
    toSpectator.length = 0;
    text.insert(text.length, 'k');
    await waitFor(() => otherMaker.doc.getText(ROOTS.prompt).length === i, WAIT_BUDGET_MS, 'the update at the other maker');
    // A header and an attachment, in one write.
    expect(toMaker, toMaker.join(', ')).toEqual(['writev of 2']);
    maker.provider.awareness.setLocalStateField('cursor', i);
    await waitFor(() => live && cursorOf(maker.doc, live.awareness) === i, WAIT_BUDGET_MS, 'the cursor on the server');
    expect(toSpectator).toEqual([]);
    live?.transact((doc) => doc.getMap(ROOTS.meta).set('title', `Take ${i}`), 'test');
    await waitFor(
      () => spectator.doc.getText(ROOTS.prompt).length === i && cursorOf(maker.doc, spectator.provider.awareness) === i,
      WAIT_BUDGET_MS,
      'the spectator has both',
    );
    // The document and the presence: two events, four frames, one write.
    expect(toSpectator, toSpectator.join(', ')).toEqual(['writev of 2']);
  }
});
