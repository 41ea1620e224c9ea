import { describe, expect, it } from 'vitest';
import type { WireError } from '../../shared/protocol.ts';
import { connectSocket } from '../helpers/clients.ts';
import { api, startServer, waitFor } from '../helpers/server.ts';

describe('shutdown', () => {
  it('delivers what was queued for a socket before closing it', async () => {
    const server = await startServer();
    const { token } = await api(server.url).session();
    const socket = connectSocket(server.url, token);
    await new Promise((r) => socket.on('connect', () => r(null)));
    const received: string[] = [];
    socket.on('room:error', (_room, error: WireError) => received.push(error.message));
    const [serverSocket] = server.socketIo.io.of('/').sockets.values();
    // Back to back, so the later ones wait in engine.io's buffer behind the first.
    for (let i = 0; i < 5; i++) serverSocket!.emit('room:error', '', { code: 'unavailable', message: `last words ${i}` });
    const disconnected = new Promise((r) => socket.on('disconnect', r));
    await server.close();
    await disconnected;
    await waitFor(() => received.length === 5);
    expect(received).toEqual([0, 1, 2, 3, 4].map((i) => `last words ${i}`));
  });
});
