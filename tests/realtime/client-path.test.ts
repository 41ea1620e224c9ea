// Atelier's own client path (client/realtime/room-provider.ts): the document,
// awareness and the room's events on one Yjs WebSocket (`?events=1`), against
// a real server, beside stock Socket.IO clients in the same rooms, with the
// same roles and refusals. A stock Socket.IO client may still join with
// `yjs: false` (the server's contract).
import { describe, expect, it, onTestFinished } from 'vitest';
import * as Y from 'yjs';
import { RoomProvider } from '../../client/realtime/room-provider.ts';
import type { ProviderStatus } from '../../client/realtime/socketio-provider.ts';
import { YjsSocketProvider } from '../../client/realtime/yjs-socket-provider.ts';
import { ROOTS } from '../../shared/doc-schema.ts';
import type { GenStartAck, JoinAck, WireError } from '../../shared/protocol.ts';
import { startChildServer } from '../helpers/child-server.ts';
import { connectSocket, joinWithSocketIo } from '../helpers/clients.ts';
import { api, startServer, tempDir, WAIT_BUDGET_MS, waitFor } from '../helpers/server.ts';
import { names } from '../helpers/replica.ts';

function clientPath(url: string, token: string, roomId: string, invite?: string) {
  const doc = new Y.Doc();
  const provider = new RoomProvider(roomId, doc, { baseUrl: url, token: () => token, ...(invite ? { invite } : {}) });
  onTestFinished(() => provider.destroy());
  const errors: WireError[] = [];
  provider.on('error', (error) => errors.push(error));
  return { socket: provider.socket, doc, provider, errors };
}

describe("the client's document path", () => {
  it('co-edits with stock Socket.IO clients; the room events (jobs) come on the same WebSocket', async () => {
    const server = await startServer();
    const http = api(server.url);
    const ann = await http.session('Ann');
    const bob = await http.session('Bob');
    const { room } = await http.room(ann.token);

    const a = clientPath(server.url, ann.token, room.id);
    const joined = new Promise<{ role: string }>((resolve) => a.provider.on('joined', resolve));
    await a.provider.whenSynced();
    expect((await joined).role).toBe('owner');
    expect(a.provider.status).toBe('synced');
    a.provider.awareness.setLocalStateField('user', { name: 'Ann' });

    const b = await joinWithSocketIo(server.url, bob.token, room.id);
    b.provider.awareness.setLocalStateField('user', { name: 'Bob' });
    a.doc.getText(ROOTS.prompt).insert(0, 'from the client path');
    await waitFor(() => b.doc.getText(ROOTS.prompt).toString() === 'from the client path', WAIT_BUDGET_MS, 'Bob gets Ann’s text');
    b.doc.getText(ROOTS.prompt).insert(0, 'and Socket.IO: ');
    await waitFor(() => a.doc.getText(ROOTS.prompt).toString() === 'and Socket.IO: from the client path', WAIT_BUDGET_MS, 'Ann gets Bob’s');
    await waitFor(() => names(a.provider.awareness.getStates()).join() === 'Ann,Bob', WAIT_BUDGET_MS, 'Ann sees Bob');
    await waitFor(() => names(b.provider.awareness.getStates()).join() === 'Ann,Bob', WAIT_BUDGET_MS, 'Bob sees Ann');

    // A job started on the WebSocket: its updates and its image in the doc come back on it.
    const updates: string[] = [];
    a.socket.on('gen:update', (_roomId, job) => updates.push(job.status));
    const started = await new Promise<GenStartAck>((resolve) =>
      a.socket.emit('gen:start', room.id, { prompt: 'a lighthouse', size: '256x256', provider: 'local' }, resolve),
    );
    if (!started.ok) throw new Error(started.error.message);
    await waitFor(() => a.doc.getArray(ROOTS.candidates).length === 1, 30_000, 'the candidate in Ann’s doc');
    await waitFor(() => updates.includes('succeeded'), WAIT_BUDGET_MS, 'gen:update on the WebSocket');
    expect(a.doc.getArray<Y.Map<unknown>>(ROOTS.candidates).get(0).get('jobId')).toBe(started.job.id);
    expect(server.registry.get(room.id)?.doc.getText(ROOTS.prompt).toString()).toBe('and Socket.IO: from the client path');
  }, 60_000);

  it('a stock client asking for yjs: false gets the join and no document', async () => {
    const server = await startServer();
    const http = api(server.url);
    const ann = await http.session('Ann');
    const { room } = await http.room(ann.token);
    const socket = connectSocket(server.url, ann.token);
    const events: string[] = [];
    socket.onAny((event: string) => events.push(event));
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    const res = await new Promise<JoinAck>((resolve) => socket.emit('room:join', room.id, { yjs: false }, resolve));
    expect(res.ok && res.role).toBe('owner');
    // Someone edits over Socket.IO's document path; Carl, joined the stock way, gets it all.
    const bob = await joinWithSocketIo(server.url, ann.token, room.id);
    const carl = await joinWithSocketIo(server.url, ann.token, room.id);
    bob.doc.getText(ROOTS.prompt).insert(0, 'typed');
    bob.provider.awareness.setLocalStateField('user', { name: 'Bob' });
    await waitFor(() => carl.doc.getText(ROOTS.prompt).toString() === 'typed', WAIT_BUDGET_MS, 'Carl gets the text');
    // Named by the server after the session's account (Ann's), whatever the client says.
    await waitFor(() => names(carl.provider.awareness.getStates()).join() === 'Ann', WAIT_BUDGET_MS, 'Carl gets the presence');
    // One fan-out reached Carl; anything it sent this socket precedes this later acknowledgement.
    const rejoined = await new Promise<JoinAck>((resolve) => socket.emit('room:join', room.id, { yjs: false }, resolve));
    expect(rejoined.ok).toBe(true);
    expect(events.filter((e) => e.startsWith('yjs:'))).toEqual([]);
    // The same socket joining with the default gets the document again.
    const again = await new Promise<JoinAck>((resolve) => socket.emit('room:join', room.id, {}, resolve));
    expect(again.ok).toBe(true);
    await waitFor(() => events.includes('yjs:sync'), WAIT_BUDGET_MS, 'yjs:sync after the default join');
  });

  it('a viewer reads and shows presence; its edits are refused (forbidden) and change nothing', async () => {
    const server = await startServer();
    const http = api(server.url);
    const ann = await http.session('Ann');
    const vic = await http.session('Vic');
    const { room, invites } = await http.room(ann.token);
    const a = await joinWithSocketIo(server.url, ann.token, room.id);
    a.doc.getText(ROOTS.prompt).insert(0, 'owned text');

    const v = clientPath(server.url, vic.token, room.id, invites.view);
    const joined = new Promise<{ role: string }>((resolve) => v.provider.on('joined', resolve));
    await v.provider.whenSynced();
    expect((await joined).role).toBe('viewer');
    await waitFor(() => v.doc.getText(ROOTS.prompt).toString() === 'owned text');
    v.provider.awareness.setLocalStateField('user', { name: 'Vic' });
    v.doc.getText(ROOTS.prompt).insert(0, 'VANDAL ');
    await waitFor(() => v.errors.some((e) => e.code === 'forbidden'), WAIT_BUDGET_MS, 'the viewer is told');
    await waitFor(() => names(a.provider.awareness.getStates()).join() === 'Vic', WAIT_BUDGET_MS, 'the viewer’s presence');
    a.doc.getText(ROOTS.prompt).insert(10, '!');
    await waitFor(() => v.doc.getText(ROOTS.prompt).toString().endsWith('!'), WAIT_BUDGET_MS, 'the viewer gets Ann’s edit');
    expect(server.registry.get(room.id)?.doc.getText(ROOTS.prompt).toString()).toBe('owned text!');
    expect(v.provider.status).toBe('synced');
  });

  it('an unknown room or a bad token is refused for good, with the typed error', async () => {
    const server = await startServer();
    const http = api(server.url);
    const ann = await http.session('Ann');
    const statuses: ProviderStatus[] = [];
    const unknown = clientPath(server.url, ann.token, 'A'.repeat(22));
    unknown.provider.on('status', (s) => statuses.push(s));
    await expect(unknown.provider.whenSynced()).rejects.toThrow(/refused/);
    expect(unknown.errors.map((e) => e.code)).toEqual(['not_found']);
    expect(statuses.at(-1)).toBe('refused');

    const { room } = await http.room(ann.token);
    const doc = new Y.Doc();
    const forged = new YjsSocketProvider(room.id, doc, { baseUrl: server.url, token: () => 'not-a-token' });
    onTestFinished(() => forged.destroy());
    const errors: WireError[] = [];
    forged.on('error', (e) => errors.push(e));
    await waitFor(() => forged.status === 'refused', WAIT_BUDGET_MS, 'refused');
    expect(errors.map((e) => e.code)).toEqual(['unauthorized']);
  });

  it('a token refused after the page replaced it is not final: the next connection uses the new one', async () => {
    const server = await startServer();
    const http = api(server.url);
    const ann = await http.session('Ann');
    const { room } = await http.room(ann.token);
    let token = 'signed-out-token';
    const provider = new YjsSocketProvider(room.id, new Y.Doc(), { baseUrl: server.url, token: () => token });
    onTestFinished(() => provider.destroy());
    const errors: WireError[] = [];
    provider.on('error', (e) => errors.push(e));
    // Replaced before the server's refusal of the first one arrives (a sign-in in this page).
    token = ann.token;
    await waitFor(() => provider.status === 'synced', WAIT_BUDGET_MS, 'synced with the new token');
    expect(errors.map((e) => e.code)).toEqual(['unauthorized']);
  });

  it('edits made while the WebSocket is down reach the room with the next connection', async () => {
    const server = await startServer();
    const http = api(server.url);
    const ann = await http.session('Ann');
    const { room } = await http.room(ann.token);
    const doc = new Y.Doc();
    const provider = new YjsSocketProvider(room.id, doc, { baseUrl: server.url, token: () => ann.token });
    onTestFinished(() => provider.destroy());
    await waitFor(() => provider.status === 'synced');
    // Dropped and connecting again: the edit cannot be sent as it is made.
    provider.reconnect();
    expect(provider.open).toBe(false);
    doc.getText(ROOTS.prompt).insert(0, 'made while away');
    await waitFor(
      () => server.registry.get(room.id)?.doc.getText(ROOTS.prompt).toString() === 'made while away',
      WAIT_BUDGET_MS,
      'synced on reconnect',
    );
  });

  it('presence changes go out throttled: a burst reaches the room as the first change and one trailing update with the latest state', async () => {
    const server = await startServer();
    const http = api(server.url);
    const ann = await http.session('Ann');
    const { room } = await http.room(ann.token);
    const provider = new YjsSocketProvider(room.id, new Y.Doc(), { baseUrl: server.url, token: () => ann.token });
    onTestFinished(() => provider.destroy());
    const { clientID } = provider.doc;
    // Its presence sent on open is y-protocols' clock 0, which no peer applies: the count starts clean.
    await waitFor(() => provider.status === 'synced');
    const serverRoom = server.registry.get(room.id);
    if (!serverRoom) throw new Error('room not open');
    let received = 0;
    serverRoom.awareness.on('update', () => received++);
    // A drag-select: y-codemirror rewrites the cursor on every pointer move.
    for (let i = 1; i <= 20; i++) provider.awareness.setLocalStateField('cursor', { anchor: i, head: i });
    await waitFor(
      () => (serverRoom.awareness.getStates().get(clientID)?.cursor as { head?: number } | undefined)?.head === 20,
      WAIT_BUDGET_MS,
      'the last cursor',
    );
    expect(received).toBe(2);
    // Leaving is not held back: the removal goes with the close.
    provider.destroy();
    await waitFor(() => !serverRoom.awareness.getStates().has(clientID), WAIT_BUDGET_MS, 'presence removed');
  });

  it('a connection gone silent (a frozen server) is taken for dead within a few heartbeats, and resyncs when the server answers again', async () => {
    const child = await startChildServer({ DATA_DIR: tempDir() });
    const http = api(child.url);
    const ann = await http.session('Ann');
    const { room } = await http.room(ann.token);
    const doc = new Y.Doc();
    const options = { baseUrl: child.url, token: () => ann.token, heartbeatMs: 500, reconnectDelayMs: 100, maxReconnectDelayMs: 200 };
    const provider = new YjsSocketProvider(room.id, doc, options);
    onTestFinished(() => provider.destroy());
    provider.awareness.setLocalStateField('user', { name: 'Ann' });
    const statuses: string[] = [];
    provider.on('status', (status) => statuses.push(status));
    await waitFor(() => provider.status === 'synced');
    // An idle room: the probes' answers keep the connection, period after period. A probe must
    // be answered within one period: 500 ms, not less, so that a server slowed by a loaded
    // machine (CI runs the suite on 2 cores) is not taken for dead.
    await new Promise((resolve) => setTimeout(resolve, 1600));
    expect(statuses).toEqual(['synced']);

    const pid = child.process.pid;
    if (pid === undefined) throw new Error('no child process');
    process.kill(pid, 'SIGSTOP');
    try {
      await waitFor(() => provider.status === 'offline', WAIT_BUDGET_MS, 'taken for dead while the server is frozen');
      doc.getText(ROOTS.prompt).insert(0, 'typed meanwhile');
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    await waitFor(() => provider.status === 'synced', WAIT_BUDGET_MS, 'synced again');
    const reader = new YjsSocketProvider(room.id, new Y.Doc(), { ...options, heartbeatMs: 0 });
    onTestFinished(() => reader.destroy());
    await waitFor(() => reader.doc.getText(ROOTS.prompt).toString() === 'typed meanwhile', WAIT_BUDGET_MS, 'the edit reached the room');
  }, 30_000);
});
