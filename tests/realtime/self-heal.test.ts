// Issue 18's finding 6 on both transports: a client whose updates the server
// dropped for their rate (or refused for the gap that left) gets the room's
// sync step 1 once its budget allows, and a plain y-protocols client fills the
// gap by answering it: no rejoin, nothing lost.
import { describe, expect, it, onTestFinished } from 'vitest';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { MAX_QUEUED_BEFORE_JOIN } from '../../server/realtime/yjs-websocket/yjs-websocket-server.ts';
import { ROOTS } from '../../shared/doc-schema.ts';
import { joinWithYWebsocket } from '../helpers/clients.ts';
import { api, startServer, WAIT_BUDGET_MS, waitFor } from '../helpers/server.ts';
import { stockSocketIoClient } from '../helpers/stock-socketio.ts';

const LIMITS = { MESSAGES_PER_SECOND: '20', MESSAGE_BURST: '20' };
const KEYSTROKES = 120;

async function scene(limits = LIMITS) {
  const server = await startServer(limits);
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
    await waitFor(() => client.errors.some((e) => e.code === 'rate_limited'), WAIT_BUDGET_MS, 'a rate limit');
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
    await waitFor(() => client.errors.some((e) => e.code === 'bad_request'), WAIT_BUDGET_MS, 'the gap refusal');
    await waitFor(() => s.text() === 'abc', WAIT_BUDGET_MS, 'the healed room');
    expect(client.joins()).toBe(1);
  });

  it('Socket.IO: keystrokes refused for the same gap are told once per gap, not once each', async () => {
    const s = await scene();
    const client = await stockSocketIoClient(s.server.url, s.token, s.roomId);
    const prompt = client.doc.getText(ROOTS.prompt);
    await waitFor(() => s.text() !== undefined);
    const gaps = () => client.errors.filter((e) => e.code === 'bad_request').length;
    // Each cycle: a change of the client's own that never reaches the server, then keystrokes depending on it,
    // sent before the room's sync step 1 can have been answered, so each is refused for the gap.
    for (const [cycle, lost] of ['ab', 'xy'].entries()) {
      const offline = new Y.Doc();
      offline.clientID = client.doc.clientID;
      Y.applyUpdate(offline, Y.encodeStateAsUpdate(client.doc));
      offline.getText(ROOTS.prompt).insert(prompt.length, lost);
      Y.applyUpdate(client.doc, Y.encodeStateAsUpdate(offline, Y.encodeStateVector(client.doc)), 'server');
      for (let i = 0; i < 8; i++) prompt.insert(prompt.length, String(i));
      await waitFor(() => s.text() === prompt.toString(), WAIT_BUDGET_MS, `the healed room (gap ${cycle + 1})`);
      expect(gaps()).toBe(cycle + 1);
    }
    expect(s.text()).toBe('ab01234567xy01234567');
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

describe('self-healing sync before the join completes (Yjs WebSocket)', () => {
  it('keystrokes past the queue held during the join are dropped, not closed on (4429), and then healed', async () => {
    // A burst above the queue, so what overflows is the queue's own limit, not the rate.
    const s = await scene({ MESSAGES_PER_SECOND: '1000', MESSAGE_BURST: '1000' });
    const { registry, metrics } = s.server;
    // Hold the join (the room's load) until the queue has overflowed: what a slow store does.
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const open = registry.open.bind(registry);
    registry.open = async (roomId) => {
      await held;
      return open(roomId);
    };
    const overflowed = async () => {
      const counted = await metrics.errors.get();
      return counted.values.some((v) => v.labels.code === 'rate_limited' && v.value > 0);
    };
    const doc = new Y.Doc();
    const provider = new WebsocketProvider(`${s.server.url.replace(/^http/, 'ws')}/yjs`, s.roomId, doc, {
      params: { token: s.token },
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      disableBc: true,
    });
    onTestFinished(() => provider.destroy());
    const closes: number[] = [];
    provider.on('connection-close', (event: CloseEvent | null) => void (event && closes.push(event.code)));
    await waitFor(() => provider.wsconnected, WAIT_BUDGET_MS, 'the socket open');
    const prompt = doc.getText(ROOTS.prompt);
    for (let i = 0; i < MAX_QUEUED_BEFORE_JOIN * 2; i++) prompt.insert(prompt.length, String(i % 10));
    await waitFor(overflowed, WAIT_BUDGET_MS, 'the queue overflowed');
    release();
    await waitFor(() => s.text() === prompt.toString(), 15_000, 'the healed room');
    expect(s.text()).toHaveLength(MAX_QUEUED_BEFORE_JOIN * 2);
    expect(closes).toEqual([]);
  });
});
