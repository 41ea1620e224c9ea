// The room page's document path in a real browser: the prompt travels on the
// Yjs WebSocket (/yjs/:roomId), and the page's Socket.IO connection, joined
// with `yjs: false`, carries no `yjs:*` event, while a stock Socket.IO client
// in the same room co-edits with it.
import { expect, test } from 'vitest';
import { ROOTS } from '../../shared/doc-schema.ts';
import { waitFor } from '../helpers/server.ts';
import { describeInBrowser, newPerson } from './helpers/browser.ts';
import { ownedRoom } from './helpers/room-fixtures.ts';

interface Wire {
  path: string;
  sent: number;
  /** Text frames received (Socket.IO packets); binary frames as '<binary>'. */
  received: string[];
}

describeInBrowser('the room page’s document path', (browser) => {
  test('the prompt goes over the Yjs WebSocket; Socket.IO carries no yjs event', async () => {
    const { atelier, room, writer } = await ownedRoom();
    const a = await newPerson(browser(), atelier.url);
    const wires: Wire[] = [];
    a.page.on('websocket', (ws) => {
      const wire: Wire = { path: new URL(ws.url()).pathname, sent: 0, received: [] };
      wires.push(wire);
      ws.on('framesent', () => wire.sent++);
      ws.on('framereceived', ({ payload }) => wire.received.push(typeof payload === 'string' ? payload : '<binary>'));
    });
    await a.page.goto(`/r/${room.id}`);
    await a.page.locator('prompt-editor .cm-content').click();
    await a.page.keyboard.type('over the wire');
    await waitFor(() => writer.doc.getText(ROOTS.prompt).toString() === 'over the wire', 10_000, 'the stock client gets the text');
    writer.doc.getText(ROOTS.prompt).insert(13, ', and back');
    await waitFor(
      async () => (await a.page.locator('prompt-editor .cm-content').innerText()).includes('over the wire, and back'),
      10_000,
      'the page shows the stock client’s text',
    );

    const yjs = wires.filter((w) => w.path === `/yjs/${room.id}`);
    const sio = wires.filter((w) => w.path === '/socket.io/');
    expect(yjs).toHaveLength(1);
    expect(sio).toHaveLength(1);
    // Step 1, the awareness state and at least one frame per keystroke went on the Yjs WebSocket.
    expect(yjs[0]?.sent).toBeGreaterThanOrEqual('over the wire'.length);
    expect(yjs[0]?.received.length).toBeGreaterThan(0);
    // The page's socket joined the room (its ack and the handshake are there), with no document traffic.
    expect(sio[0]?.received.length).toBeGreaterThan(0);
    expect(sio[0]?.received.filter((p) => p.includes('"yjs:'))).toEqual([]);
    expect(a.errors).toEqual([]);
    await a.context.close();
  }, 60_000);
});
