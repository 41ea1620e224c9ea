// Signing one session out ends that session's connections, on both
// transports, and no other: the same person's other devices stay connected.
import { describe, expect, it } from 'vitest';
import type { SessionInfo } from '../../shared/accounts.ts';
import { CLOSE_CODES } from '../../shared/protocol.ts';
import { joinWithSocketIo } from '../helpers/clients.ts';
import { rawYjsSocket } from '../helpers/raw-ws.ts';
import { WAIT_BUDGET_MS, waitFor } from '../helpers/server.ts';
import { accountServer, accountWithPasskey, signInWithPasskey } from './helpers.ts';

describe('one session signed out', () => {
  it("closes that session's Socket.IO and Yjs WebSocket connections, and only those", async () => {
    const server = await accountServer();
    const ann = await accountWithPasskey(server);
    const laptop = await signInWithPasskey(server, ann.soft);
    const { room } = await server.http.room(ann.token);
    const origin = server.origin;
    const laptopIo = await joinWithSocketIo(origin, laptop.token, room.id);
    let laptopGone = '';
    laptopIo.socket.on('disconnect', (reason) => (laptopGone = reason));
    const laptopWs = rawYjsSocket(origin, `/yjs/${room.id}?token=${encodeURIComponent(laptop.token)}`);
    await laptopWs.opened;
    const phoneIo = await joinWithSocketIo(origin, ann.token, room.id);
    const phoneWs = rawYjsSocket(origin, `/yjs/${room.id}?token=${encodeURIComponent(ann.token)}`);
    await phoneWs.opened;
    await waitFor(() => server.atelier.registry.get(room.id)?.participants.size === 4, WAIT_BUDGET_MS, 'four connections in the room');

    const { items } = await server.http.json<{ items: SessionInfo[] }>('GET', '/api/auth/sessions', { token: ann.token });
    const laptopSession = items.find((s) => !s.current);
    expect(laptopSession).toBeDefined();
    expect((await server.http.request('DELETE', `/api/auth/sessions/${laptopSession?.id}`, { token: ann.token })).status).toBe(204);

    expect((await laptopWs.closed).code).toBe(CLOSE_CODES.unauthorized);
    await waitFor(() => laptopGone !== '', WAIT_BUDGET_MS, 'the laptop’s Socket.IO connection closed');
    expect(laptopGone).toBe('io server disconnect');
    await waitFor(() => server.atelier.registry.get(room.id)?.participants.size === 2, WAIT_BUDGET_MS, 'the laptop left the room');
    expect(phoneIo.socket.connected).toBe(true);
    expect(phoneWs.ws.readyState).toBe(phoneWs.ws.OPEN);
    // The phone still edits the room.
    phoneIo.doc.getText('prompt').insert(0, 'still signed in');
    await waitFor(() => server.atelier.registry.get(room.id)?.doc.getText('prompt').toString() === 'still signed in');
  });
});
