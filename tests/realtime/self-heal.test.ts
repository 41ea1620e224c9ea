// Issue 18's finding 6 on both transports: a client whose updates the server
// dropped for their rate (or refused for the gap that left) gets the room's
// sync step 1 once its budget allows, and a plain y-protocols client fills the
// gap by answering it: no rejoin, nothing lost.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ROOTS } from '../../shared/doc-schema.ts';
import { joinWithYWebsocket } from '../helpers/clients.ts';
import { api, startServer, waitFor } from '../helpers/server.ts';
import { stockSocketIoClient } from '../helpers/stock-socketio.ts';

const LIMITS = { MESSAGES_PER_SECOND: '20', MESSAGE_BURST: '20' };
const KEYSTROKES = 120;

async function scene() {
  const server = await startServer(LIMITS);
  const http = api(server.url);
  const owner = await http.session('Owner');
  const { room } = await http.room(owner.token);
  const text = () => server.registry.get(room.id)?.doc.getText(ROOTS.prompt).toString();
  return { server, roomId: room.id, token: owner.token, text };
}

describe('self-healing sync', () => {
  it('Socket.IO: keystrokes dropped for their rate reach the room without a rejoin', async () => {
    const s = await scene();
    const client = await stockSocketIoClient(s.server.url, s.token, s.roomId);
    const prompt = client.doc.getText(ROOTS.prompt);
    for (let i = 0; i < KEYSTROKES; i++) prompt.insert(prompt.length, String(i % 10));
    await waitFor(() => client.errors.some((e) => e.code === 'rate_limited'), 5000, 'a rate limit');
    await waitFor(() => s.text() === prompt.toString(), 15_000, 'the healed room');
    expect(s.text()).toHaveLength(KEYSTROKES);
    expect(client.joins()).toBe(1);
  });

  it('Socket.IO: a keystroke that depends on a dropped one is refused for its gap, and the gap is asked for', async () => {
    const s = await scene();
    const client = await stockSocketIoClient(s.server.url, s.token, s.roomId);
    const prompt = client.doc.getText(ROOTS.prompt);
    await waitFor(() => s.text() !== undefined);
    // "ab", typed under the client's own id, never reaches the server (as if dropped); "c" then depends on it.
    const lost = new Y.Doc();
    lost.clientID = client.doc.clientID;
    lost.getText(ROOTS.prompt).insert(0, 'ab');
    Y.applyUpdate(client.doc, Y.encodeStateAsUpdate(lost), 'server');
    prompt.insert(2, 'c');
    await waitFor(() => client.errors.some((e) => e.code === 'bad_request'), 5000, 'the gap refusal');
    await waitFor(() => s.text() === 'abc', 5000, 'the healed room');
    expect(client.joins()).toBe(1);
  });

  it('the Yjs WebSocket: the y-websocket provider typing past the rate ends with everything in the room', async () => {
    const s = await scene();
    const client = await joinWithYWebsocket(s.server.url, s.token, s.roomId);
    const prompt = client.doc.getText(ROOTS.prompt);
    for (let i = 0; i < KEYSTROKES; i++) prompt.insert(prompt.length, String(i % 10));
    await waitFor(() => s.text() === prompt.toString() && s.text()?.length === KEYSTROKES, 15_000, 'the healed room');
  });
});
