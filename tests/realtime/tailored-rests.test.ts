// A turn's changes from several participants go out as one merge; each sender
// gets the others' part only (server/rooms/outgoing.ts), merged when its
// transport asks for it, after everyone else got the merge. On the Yjs
// WebSocket: the onlooker gets both keystrokes in one frame, each typist the
// other's alone, never its own back.
import * as decoding from 'lib0/decoding';
import * as syncProtocol from 'y-protocols/sync';
import { expect, it } from 'vitest';
import * as Y from 'yjs';
import { YWS_MESSAGE } from '../../shared/protocol.ts';
import { syncUpdateMessage } from '../../server/rooms/outgoing.ts';
import { rawYjsSocket } from '../helpers/raw-ws.ts';
import { api, startServer, WAIT_BUDGET_MS, waitFor } from '../helpers/server.ts';

/** The prompt text of every sync update among the frames (one entry per frame). */
function updatesIn(frames: readonly Uint8Array[]): string[] {
  const texts: string[] = [];
  for (const frame of frames) {
    const d = decoding.createDecoder(frame);
    if (decoding.readVarUint(d) !== YWS_MESSAGE.sync || decoding.readVarUint(d) !== syncProtocol.messageYjsUpdate) continue;
    const doc = new Y.Doc();
    Y.applyUpdate(doc, decoding.readVarUint8Array(d));
    texts.push(doc.getText('prompt').toString());
  }
  return texts;
}

function keystroke(client: number, text: string): Uint8Array {
  const doc = new Y.Doc();
  doc.clientID = client;
  doc.getText('prompt').insert(0, text);
  return syncUpdateMessage(Y.encodeStateAsUpdate(doc));
}

it('sends each sender of a merged turn the rest, and everyone else the whole merge', async () => {
  const server = await startServer();
  const http = api(server.url);
  const ann = await http.session('Ann');
  const { room } = await http.room(ann.token);
  const sockets = [];
  // One at a time, so that the room's participants are in the sockets' order.
  for (let i = 0; i < 3; i++) {
    const socket = rawYjsSocket(server.url, `/yjs/${room.id}?token=${ann.token}`);
    sockets.push(socket);
    await waitFor(() => server.registry.get(room.id)?.participants.size === i + 1, WAIT_BUDGET_MS, `participant ${i + 1}`);
  }
  const live = server.registry.get(room.id);
  if (!live) throw new Error('room not loaded');
  const [a, b] = [...live.participants.keys()] as [string, string, string];
  const [typistA, typistB, onlooker] = sockets as [(typeof sockets)[0], (typeof sockets)[0], (typeof sockets)[0]];
  for (const s of sockets) s.frames.length = 0;
  // Both in one turn: the room publishes them merged at the turn's end.
  live.handleSync(a, keystroke(101, 'a'));
  live.handleSync(b, keystroke(102, 'b'));
  await waitFor(
    () => updatesIn(onlooker.frames).length > 0 && updatesIn(typistA.frames).length > 0 && updatesIn(typistB.frames).length > 0,
  );
  const both = updatesIn(onlooker.frames);
  expect(both).toHaveLength(1);
  expect([...both[0]!].sort().join('')).toBe('ab');
  expect(updatesIn(typistA.frames)).toEqual(['b']);
  expect(updatesIn(typistB.frames)).toEqual(['a']);
});
