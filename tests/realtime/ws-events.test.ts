// Atelier's events on the Yjs WebSocket (`?events=1`, docs/protocol.md "Events
// on the Yjs WebSocket"), one node, raw `ws` clients: the greeting, events
// served as on Socket.IO (roles, rate, typed errors), what the server sends,
// malformed frames refused without closing, and sockets that did not opt in
// left exactly as they were.
import { describe, expect, it } from 'vitest';
import { ROOTS } from '../../shared/doc-schema.ts';
import { CLOSE_CODES, type Job, YWS_MESSAGE } from '../../shared/protocol.ts';
import { MAX_EVENT_BYTES } from '../../shared/yws-events.ts';
import { studio } from '../gallery/helpers.ts';
import { watchJobs } from '../generation/helpers.ts';
import { joinWithSocketIo, joinWithYWebsocket } from '../helpers/clients.ts';
import { rawYjsSocket } from '../helpers/raw-ws.ts';
import { api, startServer, type TestEnv, WAIT_BUDGET_MS, waitFor } from '../helpers/server.ts';
import { eventWs, rawEventFrame } from '../helpers/ws-events.ts';

async function setUp(env: TestEnv = {}, linkAccess: 'edit' | 'view' = 'edit') {
  const server = await startServer(env);
  const http = api(server.url);
  const [ann, bob] = await Promise.all([http.session('Ann'), http.session('Bob')]);
  const { room } = await http.room(ann.token, { title: 'Harbour', linkAccess });
  return { server, http, ann, bob, room };
}

const jobStatus = (status: string) => (args: unknown[]) => (args[1] as Job).status === status;

describe('events on the Yjs WebSocket', () => {
  it('greets with room:joined (role, room, jobs) before the sync step 1; gen:start is acknowledged and gen:update reaches WS and Socket.IO members', async () => {
    const { server, ann, bob, room } = await setUp();
    const sio = await joinWithSocketIo(server.url, bob.token, room.id);
    const sioJobs = watchJobs(sio.socket);
    const earlier = await sio.socket.timeout(10_000).emitWithAck('gen:start', room.id, { prompt: 'earlier', size: '256x256' });
    expect(earlier.ok).toBe(true);

    const ws = eventWs(server.url, room.id, ann.token);
    const [roomId, joined] = await ws.next('room:joined');
    expect(roomId).toBe(room.id);
    expect(joined).toMatchObject({ role: 'owner', room: { id: room.id, title: 'Harbour' } });
    expect((joined as { jobs: Job[] }).jobs.map((j) => j.prompt)).toEqual(['earlier']);
    // room:joined is the very first frame; the document's sync step 1 follows.
    expect(ws.raw.frames[0]![0]).toBe(YWS_MESSAGE.event);
    await waitFor(() => ws.raw.frames.some((f) => f[0] === YWS_MESSAGE.sync));
    expect(ws.raw.frames.findIndex((f) => f[0] === YWS_MESSAGE.sync)).toBeGreaterThan(0);

    const started = await ws.call('gen:start', room.id, { prompt: 'a lighthouse', size: '256x256' });
    expect(started).toMatchObject({ ok: true, job: { roomId: room.id, prompt: 'a lighthouse', requestedBy: ann.user.id } });
    const jobId = (started.job as Job).id;
    const done = await ws.next('gen:update', (args) => (args[1] as Job).id === jobId && jobStatus('succeeded')(args), 20_000);
    expect(done[0]).toBe(room.id);
    await sioJobs.until(jobId, 'succeeded');
    expect(
      ws
        .of('gen:update')
        .filter((a) => (a[1] as Job).id === jobId)
        .map((a) => (a[1] as Job).status),
    ).toContain('running');
    expect(ws.raw.ws.readyState).toBe(ws.raw.ws.OPEN);
  });

  it('a viewer is refused gen:start (forbidden) and nothing changes; a roomId of another room is forbidden; unacknowledged refusals come as room:error', async () => {
    const { server, http, ann, bob, room } = await setUp({}, 'view');
    const other = await http.room(ann.token, { title: 'Elsewhere' });
    const viewer = eventWs(server.url, room.id, bob.token);
    expect((await viewer.next('room:joined'))[1]).toMatchObject({ role: 'viewer', jobs: [] });
    expect(await viewer.call('gen:start', room.id, { prompt: 'x' })).toEqual({
      ok: false,
      error: { code: 'forbidden', message: 'viewers cannot start generations' },
    });
    const owner = eventWs(server.url, room.id, ann.token);
    await owner.next('room:joined');
    expect(await owner.call('gen:start', other.room.id, { prompt: 'x' })).toEqual({
      ok: false,
      error: { code: 'forbidden', message: 'join the room first' },
    });
    expect(await owner.call('work:publish', other.room.id, { title: 'Not here' })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    viewer.emit('gen:start', room.id, { prompt: 'y' });
    const [errRoom, error] = await viewer.next('room:error');
    expect([errRoom, error]).toEqual([room.id, { code: 'forbidden', message: 'viewers cannot start generations' }]);
    expect(await server.generation.roomJobs(room.id)).toEqual([]);
    expect(await server.generation.roomJobs(other.room.id)).toEqual([]);
    expect(viewer.raw.ws.readyState).toBe(viewer.raw.ws.OPEN);
  });

  it('room:join, room:leave and yjs:* are not served over events; the connection stays in its room', async () => {
    const { server, ann, room } = await setUp();
    const ws = eventWs(server.url, room.id, ann.token);
    await ws.next('room:joined');
    for (const [event, args] of [
      ['room:join', [room.id, {}]],
      ['room:leave', [room.id]],
      ['yjs:sync', [room.id, {}]],
      ['yjs:awareness', [room.id, {}]],
    ] as const) {
      expect(await ws.call(event, ...args)).toEqual({
        ok: false,
        error: { code: 'bad_request', message: `${event} is not served on the Yjs WebSocket` },
      });
    }
    expect(await ws.call('gen:start', room.id, { prompt: 'still here', size: '256x256' })).toMatchObject({ ok: true });
  });

  it('malformed event frames get a typed refusal, change nothing, and the connection stays usable', async () => {
    const { server, ann, room } = await setUp();
    const ws = eventWs(server.url, room.id, ann.token);
    await ws.next('room:joined');
    const refused = (code: string, message?: string) => ({
      ok: false,
      error: message ? { code, message } : expect.objectContaining({ code }),
    });
    // With an ack id that could be read: the answer.
    expect(await ws.callRaw(rawEventFrame('gen:start', '{"roomId":1}', 11), 11)).toEqual(
      refused('bad_request', 'event arguments must be a JSON array'),
    );
    expect(await ws.callRaw(rawEventFrame('gen:start', '[1, 2', 12), 12)).toEqual(
      refused('bad_request', 'malformed event arguments: not JSON'),
    );
    expect(await ws.callRaw(rawEventFrame('no:such', '[]', 13), 13)).toEqual(refused('bad_request', 'unknown event "no:such"'));
    expect(await ws.callRaw(rawEventFrame(new Uint8Array([0xff, 0xfe]), '[]', 14), 14)).toEqual(
      refused('bad_request', 'malformed event name: not UTF-8'),
    );
    expect(await ws.callRaw(rawEventFrame('gen:start', `["${'x'.repeat(MAX_EVENT_BYTES)}"]`, 15), 15)).toEqual(refused('too_large'));
    expect(await ws.callRaw(rawEventFrame('gen:start', JSON.stringify([42, {}]), 16), 16)).toEqual(refused('bad_request'));
    expect(await ws.callRaw(rawEventFrame('gen:start', JSON.stringify([room.id, { size: 'huge' }]), 17), 17)).toMatchObject(
      refused('bad_request'),
    );
    // Without one (a string running past the frame's end, bytes after the ack id): room:error.
    ws.raw.send(Uint8Array.from([YWS_MESSAGE.event, 9, 0x67, 0x65]));
    ws.raw.send(rawEventFrame('gen:start', '[]', 0, [7, 7]));
    ws.raw.send(Uint8Array.from([YWS_MESSAGE.event]));
    await waitFor(() => ws.of('room:error').length >= 3, WAIT_BUDGET_MS, 'three room:error');
    expect(ws.of('room:error').map(([, error]) => (error as { code: string }).code)).toEqual(['bad_request', 'bad_request', 'bad_request']);
    expect(await server.generation.roomJobs(room.id)).toEqual([]);
    expect(ws.raw.ws.readyState).toBe(ws.raw.ws.OPEN);
    expect(await ws.call('gallery:subscribe')).toEqual({ ok: true, subscribed: true });
    // A frame past the message size limit is the transport's, as before: the socket closes (ws's 1009).
    ws.raw.send(rawEventFrame('gen:start', 'x'.repeat(2 * 1024 * 1024), 18));
    expect((await ws.raw.closed).code).toBe(1009);
  });

  it('events count toward the message rate: over it, acknowledged events answer rate_limited, later ones are served again', async () => {
    const { server, ann, room } = await setUp({ MESSAGES_PER_SECOND: '5', MESSAGE_BURST: '5' });
    const ws = eventWs(server.url, room.id, ann.token);
    await ws.next('room:joined');
    const answers = await Promise.all(Array.from({ length: 12 }, () => ws.call('gallery:subscribe')));
    const codes = answers.map((a) => (a.ok ? 'ok' : (a.error as { code: string }).code));
    expect(codes.filter((c) => c === 'rate_limited').length).toBeGreaterThan(0);
    expect(codes.filter((c) => c === 'ok').length).toBeGreaterThan(0);
    expect(new Set(codes)).toEqual(new Set(['ok', 'rate_limited']));
    await waitFor(() => ws.of('room:error').some(([, e]) => (e as { code: string }).code === 'rate_limited'), WAIT_BUDGET_MS, 'the notice');
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(await ws.call('gallery:subscribe')).toEqual({ ok: true, subscribed: true });
    expect(ws.raw.ws.readyState).toBe(ws.raw.ws.OPEN);
  });

  it("request-edit reaches the owner's WS as room:edit-requested and a notification; a grant reaches the viewer's WS as room:role", async () => {
    const { server, http, ann, bob, room } = await setUp({}, 'view');
    await http.json('PATCH', `/api/rooms/${room.id}`, { token: ann.token, body: { listed: true } });
    const owner = eventWs(server.url, room.id, ann.token);
    await owner.next('room:joined');
    const watcher = eventWs(server.url, room.id, bob.token, '&watch=1');
    expect((await watcher.next('room:joined'))[1]).toMatchObject({ role: 'viewer' });

    expect(await watcher.call('room:request-edit', room.id)).toEqual({ ok: true, requested: true });
    const [requestRoom, request] = await owner.next('room:edit-requested');
    expect(requestRoom).toBe(room.id);
    expect(request).toMatchObject({ user: { id: bob.user.id } });
    const [note] = await owner.next('notification');
    expect(note).toMatchObject({ type: 'join_request', actor: { id: bob.user.id }, roomId: room.id });
    expect(watcher.of('notification')).toEqual([]);

    expect(await watcher.call('room:grant', room.id, bob.user.id, 'editor')).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await owner.call('room:grant', room.id, bob.user.id, 'editor')).toEqual({ ok: true, userId: bob.user.id, role: 'editor' });
    expect(await watcher.next('room:role')).toEqual([room.id, { role: 'editor' }]);
    expect(owner.of('room:role')).toEqual([]);
    expect(await watcher.call('gen:start', room.id, { prompt: 'mine now', size: '256x256' })).toMatchObject({ ok: true });
  });

  it('subscriptions over the socket: gallery:subscribe hears published works, live:subscribe the live channel', async () => {
    const server = await startServer();
    const http = api(server.url);
    // A room with a canvas, a prompt and a layer, its owner also on Socket.IO (tests/gallery/helpers.ts).
    const ann = await studio(server, 'Ann');
    const room = { id: ann.roomId };
    const ws = eventWs(server.url, room.id, ann.token);
    await ws.next('room:joined');
    expect(await ws.call('gallery:subscribe')).toEqual({ ok: true, subscribed: true });
    expect(await ws.call('live:subscribe')).toEqual({ ok: true, subscribed: true });
    await waitFor(() => server.registry.get(room.id)?.doc.getText(ROOTS.prompt).toString() === "Ann's prompt");
    const published = await ws.call('work:publish', room.id, { title: 'Night harbour' });
    expect(published).toMatchObject({ ok: true, work: { title: 'Night harbour' } });
    const [work] = await ws.next('gallery:published');
    expect(work).toMatchObject({ title: 'Night harbour' });
    await http.json('PATCH', `/api/rooms/${room.id}`, { token: ann.token, body: { listed: true } });
    await server.live.rooms.tick();
    await ws.next('live:update', (args) => (args[0] as { room: { id: string } }).room.id === room.id);
  });

  it("broadcasts leave out as on Socket.IO: a blocker's event socket misses the author's work; a socket on two channels hears a like once", async () => {
    const server = await startServer();
    const http = api(server.url);
    const ann = await studio(server, 'Ann');
    const [bob, carol] = await Promise.all([http.session('Bob'), http.session('Carol')]);
    await http.json('POST', `/api/users/${ann.user.id}/block`, { token: bob.token, expect: 200 });
    const socketOf = async (token: string) => {
      const { room } = await http.room(token);
      const ws = eventWs(server.url, room.id, token);
      await ws.next('room:joined');
      expect(await ws.call('gallery:subscribe')).toEqual({ ok: true, subscribed: true });
      return ws;
    };
    const bobWs = await socketOf(bob.token);
    const carolWs = await socketOf(carol.token);
    const work = await ann.publish('Harbour lights');
    await carolWs.next('gallery:published', (args) => (args[0] as { id: string }).id === work.id);

    expect(await carolWs.call('work:subscribe', work.id)).toEqual({ ok: true, subscribed: true });
    await http.json('POST', `/api/works/${work.id}/like`, { token: carol.token, expect: 200 });
    // The gallery channel hears of likes after the publications before them: Bob has this one, so not the work.
    await bobWs.next('gallery:liked', (args) => (args[0] as { likes: number }).likes === 1);
    expect(bobWs.of('gallery:published')).toEqual([]);
    // A second like takes both of Carol's channels again: once she has it, the first one's copies are all in.
    const dee = await http.session('Dee');
    await http.json('POST', `/api/works/${work.id}/like`, { token: dee.token, expect: 200 });
    await carolWs.next('gallery:liked', (args) => (args[0] as { likes: number }).likes === 2);
    expect(carolWs.of('gallery:liked')).toEqual([[{ id: work.id, likes: 1 }], [{ id: work.id, likes: 2 }]]);
  });

  it('sockets without events=1 are unchanged: no event frames while jobs run, a stock provider syncs, an event frame closes 4400', async () => {
    const { server, ann, bob, room } = await setUp();
    const plain = rawYjsSocket(server.url, `/yjs/${room.id}?token=${bob.token}`);
    await plain.opened;
    const stock = await joinWithYWebsocket(server.url, bob.token, room.id);
    const ws = eventWs(server.url, room.id, ann.token);
    await ws.next('room:joined');
    const started = await ws.call('gen:start', room.id, { prompt: 'boats', size: '256x256' });
    await ws.next('gen:update', (args) => (args[1] as Job).id === (started.job as Job).id && jobStatus('succeeded')(args), 20_000);
    await waitFor(() => stock.doc.getArray(ROOTS.candidates).length > 0, WAIT_BUDGET_MS, 'candidates on the stock provider');
    expect(plain.frames.length).toBeGreaterThan(0);
    expect(plain.frames.filter((f) => f[0] === YWS_MESSAGE.event || f[0] === YWS_MESSAGE.ack)).toEqual([]);
    plain.send(rawEventFrame('gallery:subscribe', '[]', 1));
    expect((await plain.closed).code).toBe(CLOSE_CODES.bad_request);
  });

  it('a revoked session still closes an event socket (4401), and eviction says room:evicted before the close', async () => {
    const { server, http, ann, bob, room } = await setUp({}, 'view');
    const ws = eventWs(server.url, room.id, ann.token);
    await ws.next('room:joined');
    await http.json('DELETE', '/api/auth/sessions', { token: ann.token, expect: 200 });
    expect((await ws.raw.closed).code).toBe(CLOSE_CODES.unauthorized);

    const fresh = await http.session('Ann again');
    const { room: listed } = await http.room(fresh.token, { linkAccess: 'none' });
    await http.json('PATCH', `/api/rooms/${listed.id}`, { token: fresh.token, body: { listed: true } });
    const watcher = eventWs(server.url, listed.id, bob.token, '&watch=1');
    await watcher.next('room:joined');
    await http.json('PATCH', `/api/rooms/${listed.id}`, { token: fresh.token, body: { listed: false } });
    const [evictedRoom, error] = await watcher.next('room:evicted');
    expect(evictedRoom).toBe(listed.id);
    expect(error).toMatchObject({ code: 'forbidden' });
    expect((await watcher.raw.closed).code).toBe(CLOSE_CODES.forbidden);
  });
});
