// One connection model for both transports: signing out ends a user's
// connections on Socket.IO and on the Yjs WebSocket alike (Connections.end),
// and nobody else's.
import { describe, expect, it } from 'vitest';
import type { WireError } from '../../shared/protocol.ts';
import { CLOSE_CODES } from '../../shared/protocol.ts';
import { connectSocket, joinWithSocketIo } from '../helpers/clients.ts';
import { rawYjsSocket } from '../helpers/raw-ws.ts';
import { api, startServer, WAIT_BUDGET_MS, waitFor } from '../helpers/server.ts';

describe('connections across transports', () => {
  it('signing out everywhere ends the user’s Socket.IO and Yjs WebSocket connections, telling each why, and only theirs', async () => {
    const server = await startServer();
    const http = api(server.url);
    const ann = await http.session('Ann');
    const bob = await http.session('Bob');
    const { room } = await http.room(ann.token);

    const annIo = await joinWithSocketIo(server.url, ann.token, room.id);
    const annErrors: WireError[] = [];
    annIo.socket.on('room:error', (_roomId, error) => annErrors.push(error));
    let annDisconnected = '';
    annIo.socket.on('disconnect', (reason) => (annDisconnected = reason));
    const annWs = rawYjsSocket(server.url, `/yjs/${room.id}?token=${encodeURIComponent(ann.token)}`);
    await annWs.opened;
    const bobIo = await joinWithSocketIo(server.url, bob.token, room.id);
    const bobWs = rawYjsSocket(server.url, `/yjs/${room.id}?token=${encodeURIComponent(bob.token)}`);
    await bobWs.opened;
    const anonymous = connectSocket(server.url);
    await waitFor(() => anonymous.connected);
    await waitFor(() => server.registry.get(room.id)?.participants.size === 4);

    await http.json('DELETE', '/api/auth/sessions', { token: ann.token, expect: 200 });

    expect(await annWs.closed).toMatchObject({ code: CLOSE_CODES.unauthorized });
    await waitFor(() => annDisconnected !== '', WAIT_BUDGET_MS, 'Ann’s Socket.IO connection ended');
    expect(annDisconnected).toBe('io server disconnect');
    expect(annErrors).toContainEqual({ code: 'unauthorized', message: 'this session was signed out' });
    await waitFor(() => server.registry.get(room.id)?.participants.size === 2, WAIT_BUDGET_MS, 'Ann left the room on both transports');
    expect(bobIo.socket.connected).toBe(true);
    expect(bobWs.ws.readyState).toBe(bobWs.ws.OPEN);
    expect(anonymous.connected).toBe(true);

    // Bob's connections still carry edits both ways.
    bobIo.doc.getText('prompt').insert(0, 'still here');
    await waitFor(() => server.registry.get(room.id)?.doc.getText('prompt').toString() === 'still here');
  });
});
