// Hostile input on both transports: every bad message gets its typed error,
// changes nothing in the room, and the other participants keep syncing.
import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { ROOTS } from '../../shared/doc-schema.ts';
import { CLOSE_CODES, type WireError, YWS_MESSAGE } from '../../shared/protocol.ts';
import type { Atelier } from '../../server/atelier.ts';
import { connectSocket, joinWithSocketIo, type SocketParticipant } from '../helpers/clients.ts';
import { hostileRoom } from '../helpers/hostile-room.ts';
import { rawYjsSocket } from '../helpers/raw-ws.ts';
import { api, type TestEnv, WAIT_BUDGET_MS, waitFor } from '../helpers/server.ts';

const syncMessage = (type: number, payload: Uint8Array) => {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, type);
  encoding.writeVarUint8Array(e, payload);
  return encoding.toUint8Array(e);
};

/** A real update that inserts and deletes, so it carries structs and a delete set. */
function realUpdate(text = 'abc'): Uint8Array {
  const doc = new Y.Doc();
  const t = doc.getText(ROOTS.prompt);
  t.insert(0, text);
  t.delete(1, 1);
  return Y.encodeStateAsUpdate(doc);
}

function seeded(seed: number, length: number): Uint8Array {
  let x = seed;
  return Uint8Array.from({ length }, () => {
    x = (x * 1103515245 + 12345) >>> 0;
    return (x >>> 16) & 0xff;
  });
}

interface Scene {
  server: Atelier;
  roomId: string;
  good: SocketParticipant;
  token: string;
  viewInvite: string;
  snapshot(): Uint8Array;
  /** A good participant still edits and is heard. */
  stillSyncs(): Promise<void>;
}

async function scene(env: TestEnv = {}): Promise<Scene> {
  const { server, owner, mallory, room, invites, good, snapshot } = await hostileRoom(env);
  let n = 0;
  return {
    server,
    roomId: room.id,
    good,
    token: mallory.token,
    viewInvite: invites.view,
    snapshot,
    async stillSyncs() {
      const observer = await joinWithSocketIo(server.url, owner.token, room.id);
      const marker = `#${++n}`;
      good.doc.getText(ROOTS.prompt).insert(0, marker);
      await waitFor(() => observer.doc.getText(ROOTS.prompt).toString().startsWith(marker));
      good.doc.getText(ROOTS.prompt).delete(0, marker.length);
      const text = () => observer.doc.getText(ROOTS.prompt).toString();
      await waitFor(() => !text().includes(marker) && text() === good.doc.getText(ROOTS.prompt).toString());
      observer.provider.destroy();
      observer.socket.disconnect();
    },
  };
}

async function joinedRawSocket(s: Scene) {
  const socket = connectSocket(s.server.url, s.token);
  const errors: WireError[] = [];
  socket.on('room:error', (_roomId, error) => errors.push(error));
  const ack = await new Promise<{ ok: boolean }>((resolve) => socket.emit('room:join', s.roomId, {}, resolve));
  expect(ack.ok).toBe(true);
  return { socket, errors };
}

describe('hostile input over Socket.IO', () => {
  it('malformed, truncated, unknown and garbage sync messages: bad_request, nothing changes', async () => {
    const s = await scene();
    const { socket, errors } = await joinedRawSocket(s);
    const before = s.snapshot();
    const update = realUpdate();
    const bad: Uint8Array[] = [
      new Uint8Array([]),
      new Uint8Array([0]),
      new Uint8Array([0, 10, 1, 2]),
      syncMessage(7, new Uint8Array([0])),
      syncMessage(syncProtocol.messageYjsUpdate, update.subarray(0, update.length - 1)),
      syncMessage(syncProtocol.messageYjsUpdate, update.subarray(0, update.length >> 1)),
      syncMessage(syncProtocol.messageYjsSyncStep2, update.subarray(0, update.length - 2)),
      syncMessage(syncProtocol.messageYjsUpdate, new Uint8Array([255, 255, 255, 255, 255, 255, 255, 255, 255, 1])),
      syncMessage(syncProtocol.messageYjsSyncStep1, new Uint8Array([5, 1])),
      Uint8Array.from([...syncMessage(syncProtocol.messageYjsUpdate, update), 0]),
      ...Array.from({ length: 20 }, (_, i) => syncMessage(syncProtocol.messageYjsUpdate, seeded(i + 1, 8 + i * 5))),
    ];
    for (const message of bad) socket.emit('yjs:sync', s.roomId, message);
    await waitFor(() => errors.length >= 12, WAIT_BUDGET_MS, 'errors');
    expect(new Set(errors.map((e) => e.code))).toEqual(new Set(['bad_request']));
    expect(s.snapshot()).toEqual(before);
    expect(socket.connected).toBe(true);
    await s.stillSyncs();
  });

  it('wrong argument types and non-binary payloads: bad_request', async () => {
    const s = await scene();
    const { socket, errors } = await joinedRawSocket(s);
    const before = s.snapshot();
    const emit = socket.emit.bind(socket) as (event: string, ...args: unknown[]) => void;
    emit('yjs:sync', s.roomId, 'a string');
    emit('yjs:sync', s.roomId, 12345);
    emit('yjs:sync', s.roomId, { 0: 0, 1: 1 });
    emit('yjs:sync', s.roomId, [0, 1]);
    emit('yjs:sync', { id: s.roomId }, new Uint8Array([0, 0]));
    emit('yjs:sync');
    emit('yjs:awareness', s.roomId, null);
    emit('room:join', s.roomId, 'not options', () => undefined);
    await waitFor(() => errors.length >= 7);
    expect(errors.every((e) => e.code === 'bad_request')).toBe(true);
    const ack = await new Promise((resolve) => emit('room:join', s.roomId, { invite: 42 }, resolve));
    expect(ack).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(s.snapshot()).toEqual(before);
    await s.stillSyncs();
  });

  it('messages for a room the socket has not joined: forbidden', async () => {
    const s = await scene();
    const socket = connectSocket(s.server.url, s.token);
    const errors: WireError[] = [];
    socket.on('room:error', (_r, e) => errors.push(e));
    await new Promise((r) => socket.on('connect', () => r(null)));
    const before = s.snapshot();
    socket.emit('yjs:sync', s.roomId, syncMessage(syncProtocol.messageYjsUpdate, realUpdate('intruder')));
    await waitFor(() => errors.length === 1);
    expect(errors[0]!.code).toBe('forbidden');
    expect(s.snapshot()).toEqual(before);
  });

  it('an oversized message: too_large below the transport limit, disconnect above it', async () => {
    const s = await scene({ MAX_MESSAGE_BYTES: '4096' });
    const { socket, errors } = await joinedRawSocket(s);
    const before = s.snapshot();
    socket.emit('yjs:sync', s.roomId, syncMessage(syncProtocol.messageYjsUpdate, realUpdate('x'.repeat(4200))));
    await waitFor(() => errors.length === 1);
    expect(errors[0]!.code).toBe('too_large');
    expect(socket.connected).toBe(true);
    const gone = new Promise((r) => socket.on('disconnect', r));
    socket.emit('yjs:sync', s.roomId, new Uint8Array(64 * 1024));
    await gone;
    expect(s.snapshot()).toEqual(before);
    await s.stillSyncs();
  });

  it('document growth past MAX_DOC_BYTES is refused with too_large and nothing applied', async () => {
    const s = await scene({ MAX_DOC_BYTES: '3000' });
    const { socket, errors } = await joinedRawSocket(s);
    // Small edits still pass…
    socket.emit('yjs:sync', s.roomId, syncMessage(syncProtocol.messageYjsUpdate, realUpdate('Q!R')));
    await waitFor(() => s.server.registry.get(s.roomId)!.doc.getText(ROOTS.prompt).toString().includes('QR'));
    const before = s.snapshot();
    // …one that would push the document past the limit does not.
    socket.emit('yjs:sync', s.roomId, syncMessage(syncProtocol.messageYjsUpdate, realUpdate('y'.repeat(3500))));
    await waitFor(() => errors.length === 1);
    expect(errors[0]!.code).toBe('too_large');
    expect(s.snapshot()).toEqual(before);
    await s.stillSyncs();
  });

  it('awareness: malformed and oversized states are refused', async () => {
    const s = await scene({ MAX_AWARENESS_BYTES: '256' });
    const { socket, errors } = await joinedRawSocket(s);
    const awareness = (clientId: number, clock: number, json: string) => {
      const e = encoding.createEncoder();
      encoding.writeVarUint(e, 1);
      encoding.writeVarUint(e, clientId);
      encoding.writeVarUint(e, clock);
      encoding.writeVarString(e, json);
      return encoding.toUint8Array(e);
    };
    socket.emit('yjs:awareness', s.roomId, new Uint8Array([1, 5]));
    socket.emit('yjs:awareness', s.roomId, awareness(77, 1, '{not json'));
    socket.emit('yjs:awareness', s.roomId, awareness(77, 1, '[1,2]'));
    socket.emit('yjs:awareness', s.roomId, awareness(77, 1, JSON.stringify({ name: 'x'.repeat(300) })));
    await waitFor(() => errors.length === 4);
    expect(errors.map((e) => e.code)).toEqual(['bad_request', 'bad_request', 'bad_request', 'too_large']);
    expect(s.server.registry.get(s.roomId)!.awareness.getStates().has(77)).toBe(false);
    // Many client ids from one connection: at most four.
    for (let id = 100; id < 106; id++) socket.emit('yjs:awareness', s.roomId, awareness(id, 1, '{}'));
    await waitFor(() => errors.length === 6);
    expect(errors.slice(4).map((e) => e.code)).toEqual(['bad_request', 'bad_request']);
    expect([...s.server.registry.get(s.roomId)!.awareness.getStates().keys()].filter((k) => k >= 100)).toEqual([100, 101, 102, 103]);
  });

  it('a flood is rate_limited; notices are throttled; the socket keeps working afterwards', async () => {
    const s = await scene({ MESSAGES_PER_SECOND: '20', MESSAGE_BURST: '20' });
    const { socket, errors } = await joinedRawSocket(s);
    const before = s.snapshot();
    const step1 = syncMessage(syncProtocol.messageYjsSyncStep1, Y.encodeStateVector(new Y.Doc()));
    const replies: Uint8Array[] = [];
    socket.on('yjs:sync', (_r, m) => replies.push(new Uint8Array(m)));
    const answers = () => replies.filter((m) => m[0] === syncProtocol.messageYjsSyncStep2).length;
    // Only this flood is over the rate: each of its drops is counted once.
    const dropped = async () => (await s.server.metrics.errors.get()).values.find((v) => v.labels.code === 'rate_limited')?.value ?? 0;
    for (let i = 0; i < 200; i++) socket.emit('yjs:sync', s.roomId, step1);
    // Told, and every message answered or dropped, however long a loaded machine takes to read them (not a fixed time).
    await waitFor(
      async () => errors.some((e) => e.code === 'rate_limited') && answers() + (await dropped()) === 200,
      WAIT_BUDGET_MS,
      'the notice, and each of the 200 answered or dropped',
    );
    // The burst (less the join's token) is answered, a few more refill meanwhile; never all 200.
    expect(answers()).toBeGreaterThanOrEqual(19);
    expect(replies.length).toBeLessThan(60);
    expect(errors.filter((e) => e.code === 'rate_limited').length).toBeLessThanOrEqual(2);
    expect(s.snapshot()).toEqual(before);
    await s.stillSyncs();
  });

  it('no edit is lost to the rate limit: a client told rate_limited rejoins and resyncs', async () => {
    const s = await scene({ MESSAGES_PER_SECOND: '50', MESSAGE_BURST: '50' });
    const codes: string[] = [];
    s.good.provider.on('error', (e) => codes.push(e.code));
    const prompt = s.good.doc.getText(ROOTS.prompt);
    for (let i = 0; i < 150; i++) prompt.insert(prompt.length, String(i % 10));
    await waitFor(() => codes.includes('rate_limited'));
    const live = () => s.server.registry.get(s.roomId)!.doc.getText(ROOTS.prompt).toString();
    await waitFor(() => live() === prompt.toString(), WAIT_BUDGET_MS, 'resync');
    expect(live()).toHaveLength('keep me'.length + 150);
  });

  it('limits rooms per connection and participants per room', async () => {
    const s = await scene({ MAX_ROOMS_PER_CONNECTION: '2', MAX_PARTICIPANTS_PER_ROOM: '3' });
    const http = api(s.server.url);
    const me = await http.session('Many');
    const rooms = await Promise.all([1, 2, 3].map(() => http.room(me.token)));
    const socket = connectSocket(s.server.url, me.token);
    const join = (id: string) => new Promise<{ ok: boolean; error?: WireError }>((r) => socket.emit('room:join', id, {}, r));
    expect((await join(rooms[0]!.room.id)).ok).toBe(true);
    expect((await join(rooms[1]!.room.id)).ok).toBe(true);
    expect(await join(rooms[2]!.room.id)).toMatchObject({ ok: false, error: { code: 'too_large' } });
    // Leaving frees a slot.
    socket.emit('room:leave', rooms[0]!.room.id);
    expect((await join(rooms[2]!.room.id)).ok).toBe(true);

    // The scene's room has one participant; two more fit, the fourth does not.
    const others = await Promise.all([1, 2, 3].map(() => http.session()));
    const results = [];
    for (const o of others) {
      const sock = connectSocket(s.server.url, o.token);
      results.push(await new Promise<{ ok: boolean; error?: WireError }>((r) => sock.emit('room:join', s.roomId, {}, r)));
    }
    expect(results.map((r) => r.ok)).toEqual([true, true, false]);
    expect(results[2]!.error!.code).toBe('unavailable');
  });
});

describe('hostile input over the Yjs WebSocket', () => {
  const yjsPath = (s: Scene, query = `token=${s.token}`) => `/yjs/${s.roomId}?${query}`;

  async function expectClosed(s: Scene, frames: Array<Uint8Array | string>, code: number) {
    const raw = rawYjsSocket(s.server.url, yjsPath(s));
    await raw.opened;
    await waitFor(() => raw.frames.length >= 1);
    for (const frame of frames) raw.send(frame);
    const closed = await raw.closed;
    expect(closed.code).toBe(code);
    return closed;
  }

  it('closes one connection with a named code for each kind of bad frame; nothing changes', async () => {
    const s = await scene({ MAX_MESSAGE_BYTES: '4096' });
    const before = s.snapshot();
    const update = realUpdate();
    const frame = (type: number, body: Uint8Array) => Uint8Array.from([type, ...body]);
    const cases: Array<[Array<Uint8Array | string>, number]> = [
      [['text frame'], CLOSE_CODES.bad_request],
      [[new Uint8Array([])], CLOSE_CODES.bad_request],
      [[new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])], CLOSE_CODES.bad_request],
      [[new Uint8Array([9, 1, 2])], CLOSE_CODES.bad_request],
      [[new Uint8Array([YWS_MESSAGE.auth, 0, 1, 65])], CLOSE_CODES.bad_request],
      [
        [frame(YWS_MESSAGE.sync, syncMessage(syncProtocol.messageYjsUpdate, update.subarray(0, update.length - 1)))],
        CLOSE_CODES.bad_request,
      ],
      [[frame(YWS_MESSAGE.sync, new Uint8Array([0, 40, 1]))], CLOSE_CODES.bad_request],
      [[frame(YWS_MESSAGE.awareness, new Uint8Array([20, 1, 2]))], CLOSE_CODES.bad_request],
      [[frame(YWS_MESSAGE.sync, syncMessage(syncProtocol.messageYjsUpdate, seeded(3, 40)))], CLOSE_CODES.bad_request],
      // Past ws's maxPayload: the WebSocket library's own "message too big".
      [[new Uint8Array(8192)], 1009],
    ];
    for (const [frames, code] of cases) await expectClosed(s, frames, code);
    expect(s.snapshot()).toEqual(before);
    await s.stillSyncs();
  });

  it('refuses connections without a valid token, to unknown rooms and to invite-only rooms', async () => {
    const s = await scene();
    const http = api(s.server.url);
    const owner = await http.session();
    const { room: closedRoom, invites } = await http.room(owner.token, { linkAccess: 'none' });
    const close = async (path: string) => (await rawYjsSocket(s.server.url, path).closed).code;
    expect(await close(`/yjs/${s.roomId}`)).toBe(CLOSE_CODES.unauthorized);
    expect(await close(`/yjs/${s.roomId}?token=forged.token.here.x`)).toBe(CLOSE_CODES.unauthorized);
    expect(await close(`/yjs/AAAAAAAAAAAAAAAAAAAAAA?token=${s.token}`)).toBe(CLOSE_CODES.not_found);
    expect(await close(`/yjs/..%2F..%2Fetc%2Fpasswd?token=${s.token}`)).toBe(CLOSE_CODES.not_found);
    expect(await close(`/yjs/%E0%A4%A?token=${s.token}`)).toBe(CLOSE_CODES.not_found);
    expect(await close(`/yjs/${closedRoom.id}?token=${s.token}`)).toBe(CLOSE_CODES.forbidden);
    const invited = rawYjsSocket(s.server.url, `/yjs/${closedRoom.id}?token=${s.token}&invite=${invites.view}`);
    await invited.opened;
    await waitFor(() => invited.frames.length >= 1);
    expect(invited.frames[0]![0]).toBe(YWS_MESSAGE.sync);
  });

  it('a viewer’s update is refused with permission-denied and the connection stays', async () => {
    const s = await scene();
    const raw = rawYjsSocket(s.server.url, yjsPath(s, `token=${s.token}&invite=${s.viewInvite}`));
    await raw.opened;
    await waitFor(() => raw.frames.length >= 1);
    const before = s.snapshot();
    raw.send(Uint8Array.from([YWS_MESSAGE.sync, ...syncMessage(syncProtocol.messageYjsUpdate, realUpdate('vandal'))]));
    await waitFor(() => raw.frames.some((f) => f[0] === YWS_MESSAGE.auth));
    expect(raw.ws.readyState).toBe(raw.ws.OPEN);
    expect(s.snapshot()).toEqual(before);
    // And it still reads: query-awareness gets an answer once someone is present.
    s.good.provider.awareness.setLocalStateField('user', { name: 'Owner' });
    await waitFor(() => raw.frames.some((f) => f[0] === YWS_MESSAGE.awareness));
  });

  // Drops for rate or size keep the connection (y-websocket's provider never
  // reconnects after a 44xx close): the room asks for what it lacks instead.
  it('floods and oversized messages are dropped; the connection stays and is sent a sync step 1', async () => {
    const s = await scene({ MESSAGES_PER_SECOND: '10', MESSAGE_BURST: '10', MAX_MESSAGE_BYTES: '4096' });
    const before = s.snapshot();
    const raw = rawYjsSocket(s.server.url, yjsPath(s));
    await raw.opened;
    await waitFor(() => raw.frames.length >= 1);
    const step1s = () => raw.frames.filter((f) => f[0] === YWS_MESSAGE.sync && f[1] === syncProtocol.messageYjsSyncStep1).length;
    const answers = () => raw.frames.filter((f) => f[0] === YWS_MESSAGE.sync && f[1] === syncProtocol.messageYjsSyncStep2).length;
    const step1 = Uint8Array.from([YWS_MESSAGE.sync, ...syncMessage(0, Y.encodeStateVector(new Y.Doc()))]);
    for (let i = 0; i < 50; i++) raw.send(step1);
    await waitFor(() => step1s() >= 2, WAIT_BUDGET_MS, 'the sync step 1 after the drop');
    // Over MAX_MESSAGE_BYTES but within the frame headroom: dropped too, and asked for again.
    raw.send(Uint8Array.from({ length: 4100 }, (_, i) => (i === 0 ? YWS_MESSAGE.sync : 1)));
    await waitFor(() => step1s() >= 3, WAIT_BUDGET_MS, 'the sync step 1 after the oversized message');
    expect(raw.ws.readyState).toBe(raw.ws.OPEN);
    // Never all 50 answered: the burst (10) and a few refilled meanwhile.
    expect(answers()).toBeLessThan(30);
    expect(s.snapshot()).toEqual(before);
    await s.stillSyncs();
  });
});
