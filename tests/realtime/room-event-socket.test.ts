// The room page's events on its document WebSocket (client/realtime/room-event-socket.ts
// through RoomProvider), against real servers: `room:joined` before the sync,
// acknowledgements matched by id, typed refusals that keep the connection, an
// answer of `unavailable` while offline or when the server does not answer in
// time, and after a reconnection a new `room:joined` that resyncs the jobs.
import { describe, expect, it, onTestFinished } from 'vitest';
import * as Y from 'yjs';
import { claimEarly, earlyHeard, openEarly, yjsSocketUrl } from '../../client/realtime/early-socket.ts';
import { RoomProvider, type RoomProviderOptions } from '../../client/realtime/room-provider.ts';
import type { GenParams, GenStartAck, Job, WireError } from '../../shared/protocol.ts';
import type { JoinedRoom } from '../../shared/yws-events.ts';
import { startChildServer } from '../helpers/child-server.ts';
import { api, startServer, tempDir, WAIT_BUDGET_MS, waitFor } from '../helpers/server.ts';

const PARAMS: GenParams = { prompt: 'a lighthouse', size: '256x256', provider: 'local' };

function roomPage(url: string, token: string, roomId: string, options: Partial<RoomProviderOptions> = {}) {
  const provider = new RoomProvider(roomId, new Y.Doc(), { baseUrl: url, token: () => token, ...options });
  onTestFinished(() => provider.destroy());
  const socket = provider.socket;
  /** What happened, in order: joined, connect, disconnect, synced. */
  const log: string[] = [];
  const joins: JoinedRoom[] = [];
  const updates: Job[] = [];
  /** The `gen:update`s received since the latest `room:joined`. */
  let sinceJoin: Job[] = [];
  socket.on('room:joined', (_roomId, joined) => {
    joins.push(joined);
    sinceJoin = [];
    log.push('joined');
  });
  socket.on('connect', () => log.push('connect'));
  socket.on('disconnect', () => log.push('disconnect'));
  socket.on('gen:update', (_roomId, job) => {
    updates.push(job);
    sinceJoin.push(job);
  });
  provider.on('synced', () => log.push('synced'));
  const start = (params: GenParams = PARAMS, room = roomId) =>
    new Promise<GenStartAck>((resolve) => socket.emit('gen:start', room, params, resolve));
  return { provider, socket, log, joins, updates, sinceJoin: () => sinceJoin, start };
}

function errorOf(res: { ok: boolean; error?: WireError }): WireError | undefined {
  return res.ok ? undefined : res.error;
}

describe('the room page’s event socket', () => {
  it('is admitted with room:joined before the sync, and its acks answer by id on the one connection', async () => {
    const server = await startServer();
    const http = api(server.url);
    const ann = await http.session('Ann');
    const { room } = await http.room(ann.token);
    const { room: other } = await http.room(ann.token);
    const a = roomPage(server.url, ann.token, room.id);

    // Not admitted yet: an emit is answered at once, and nothing is sent.
    expect(a.socket.connected).toBe(false);
    expect(errorOf(await a.start())?.code).toBe('unavailable');

    await a.provider.whenSynced();
    expect(a.log).toEqual(['joined', 'connect', 'synced']);
    expect(a.joins[0]).toMatchObject({ role: 'owner', room: { id: room.id }, jobs: [] });
    expect(a.provider.role).toBe('owner');

    // Two at once: each answer finds its own emit.
    const [first, second] = await Promise.all([a.start(), a.start({ ...PARAMS, prompt: 'a harbour' })]);
    expect(first.ok && first.job.prompt).toBe('a lighthouse');
    expect(second.ok && second.job.prompt).toBe('a harbour');
    const jobId = first.ok ? first.job.id : '';
    await waitFor(() => a.updates.some((j) => j.id === jobId && j.status === 'succeeded'), 30_000, 'gen:update on the WebSocket');

    // Typed refusals, and the connection goes on.
    const bad = await a.start({ ...PARAMS, size: 'huge' } as unknown as GenParams);
    expect(errorOf(bad)?.code).toBe('bad_request');
    expect(errorOf(await a.start(PARAMS, other.id))?.code).toBe('forbidden');
    const join = await new Promise<{ ok: boolean; error?: WireError }>((resolve) => a.socket.emit('room:join', room.id, {}, resolve));
    expect(errorOf(join)?.code).toBe('bad_request');
    expect(server.registry.get(other.id)).toBeUndefined();
    const again = await a.start({ ...PARAMS, prompt: 'still here' });
    expect(again.ok).toBe(true);
    expect(a.log.filter((e) => e === 'disconnect')).toEqual([]);
  }, 60_000);

  it('takes over the socket the page opened early, with what the server sent meanwhile: one connection, joined and synced', async () => {
    const server = await startServer();
    const http = api(server.url);
    const ann = await http.session('Ann');
    const { room } = await http.room(ann.token);
    const url = yjsSocketUrl(server.url, room.id, ann.token, { events: true });
    // Another room's socket is not taken for this one.
    expect(claimEarly(yjsSocketUrl(server.url, 'B'.repeat(22), ann.token, { events: true }))).toBeNull();
    openEarly(url);
    // Admitted and greeted before any provider exists: room:joined and the server's sync step 1 are both waiting
    // in the early socket, so the takeover has to replay them (neither is sent again).
    await waitFor(() => earlyHeard(url) >= 2, WAIT_BUDGET_MS, 'room:joined and the sync step 1 on the early socket');
    expect(server.registry.get(room.id)?.participants.size).toBe(1);

    const a = roomPage(server.url, ann.token, room.id);
    // Not whenSynced(): without the replay the provider would wait for ever for a room:joined sent before it existed.
    await waitFor(() => a.provider.synced, WAIT_BUDGET_MS, 'joined and synced from the early socket');
    expect(a.log).toEqual(['joined', 'connect', 'synced']);
    expect(a.joins[0]).toMatchObject({ role: 'owner', room: { id: room.id } });
    expect(server.registry.get(room.id)?.participants.size).toBe(1);
    expect(claimEarly(url)).toBeNull();
    expect((await a.start()).ok).toBe(true);
  });

  it('a viewer is told its role on join and when the owner grants editing', async () => {
    const server = await startServer();
    const http = api(server.url);
    const ann = await http.session('Ann');
    const vic = await http.session('Vic');
    const { room, invites } = await http.room(ann.token);
    const owner = roomPage(server.url, ann.token, room.id);
    const viewer = roomPage(server.url, vic.token, room.id, { invite: invites.view });
    await Promise.all([owner.provider.whenSynced(), viewer.provider.whenSynced()]);
    expect(viewer.provider.role).toBe('viewer');
    const roles: string[] = [];
    viewer.provider.on('role', (role) => roles.push(role));
    const vicUser = (await http.json<{ user: { id: string } }>('GET', '/api/session', { token: vic.token })).user;
    const granted = await new Promise<{ ok: boolean }>((resolve) =>
      owner.socket.emit('room:grant', room.id, vicUser.id, 'editor', resolve),
    );
    expect(granted.ok).toBe(true);
    await waitFor(() => roles.includes('editor'), WAIT_BUDGET_MS, 'room:role on the viewer’s WebSocket');
    expect(viewer.provider.role).toBe('editor');
  });

  it('a watcher evicted (the room unlisted) is refused once, with the reason, and does not come back', async () => {
    const server = await startServer();
    const http = api(server.url);
    const ann = await http.session('Ann');
    const bob = await http.session('Bob');
    const { room } = await http.room(ann.token, { linkAccess: 'none' });
    await http.json('PATCH', `/api/rooms/${room.id}`, { token: ann.token, body: { listed: true } });
    const watcher = roomPage(server.url, bob.token, room.id, { watch: true, reconnectDelayMs: 50 });
    const errors: WireError[] = [];
    watcher.provider.on('error', (error) => errors.push(error));
    await watcher.provider.whenSynced();
    expect(watcher.provider.role).toBe('viewer');

    await http.json('PATCH', `/api/rooms/${room.id}`, { token: ann.token, body: { listed: false } });
    await waitFor(() => watcher.provider.status === 'refused', WAIT_BUDGET_MS, 'refused');
    expect(errors.map((e) => e.code)).toEqual(['forbidden']);
    expect(watcher.socket.connected).toBe(false);
    expect(errorOf(await watcher.start())?.code).toBe('unavailable');
    // Well past the reconnection delay: no second try, no second error.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(watcher.joins).toHaveLength(1);
    expect(errors).toHaveLength(1);
    expect(watcher.provider.status).toBe('refused');
  });

  it('a server that stops answering: the ack times out, the reconnection resyncs the jobs', async () => {
    const child = await startChildServer({ DATA_DIR: tempDir() });
    const http = api(child.url);
    const ann = await http.session('Ann');
    const { room } = await http.room(ann.token);
    const a = roomPage(child.url, ann.token, room.id, { ackTimeoutMs: 500, reconnectDelayMs: 100 });
    await a.provider.whenSynced();
    const pid = child.process.pid;
    if (pid === undefined) throw new Error('no child process');

    const started = await a.start();
    if (!started.ok) throw new Error(started.error.message);
    process.kill(pid, 'SIGSTOP');
    try {
      const unanswered = await a.start({ ...PARAMS, prompt: 'never answered' });
      expect(errorOf(unanswered)).toEqual({ code: 'unavailable', message: 'The server did not answer in time.' });
      // The page gives up on this connection (as on a dead network) while the server is frozen.
      a.provider.reconnect();
      expect(a.socket.connected).toBe(false);
      expect(a.log.at(-1)).toBe('disconnect');
      expect(errorOf(await a.start())?.code).toBe('unavailable');
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    await waitFor(() => a.joins.length === 2 && a.socket.connected, WAIT_BUDGET_MS, 'joined again');
    expect(a.log.filter((e) => e === 'connect')).toHaveLength(2);
    // The job ran on while this page was away: the new join, or the updates after it, say how it ended.
    const latest = () => [...(a.joins[1]?.jobs ?? []), ...a.sinceJoin()].filter((j) => j.id === started.job.id).at(-1);
    await waitFor(() => latest()?.status === 'succeeded', 30_000, 'the job’s end after the reconnection');
    expect((await a.start({ ...PARAMS, prompt: 'after' })).ok).toBe(true);
  }, 60_000);
});
