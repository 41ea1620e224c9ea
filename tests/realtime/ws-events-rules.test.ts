// The house rules on the Yjs WebSocket's events (`?events=1`) as on Socket.IO,
// on a real server with raw `ws` clients: blocks in every broadcast (comments,
// "Live now"), hidden works, the subscription limit, roles, suspension,
// revocation and a moderator closing a room, frames sent before the join
// completed (answered, after room:joined, bounded), and channel registrations
// that end with their connections however they end. Each way of letting a
// connection go, on Socket.IO, event sockets and plain y-websocket clients
// side by side: kicks.test.ts.
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { Atelier } from '../../server/atelier.ts';
import { GALLERY_CHANNEL, LIVE_CHANNEL, roomChannel, userChannel, workChannel } from '../../server/realtime/events/channels.ts';
import { MAX_QUEUED_BEFORE_JOIN } from '../../server/realtime/yjs-websocket/yjs-websocket-server.ts';
import { CLOSE_CODES, YWS_MESSAGE } from '../../shared/protocol.ts';
import { decodeAck, decodeEvent, encodeEvent } from '../../shared/yws-events.ts';
import { connectSocket } from '../helpers/clients.ts';
import { api, startServer, WAIT_BUDGET_MS, waitFor } from '../helpers/server.ts';
import { eventWs } from '../helpers/ws-events.ts';
import { type Person, person, seedWork } from '../social/helpers.ts';

/** A moderator's id must be in the config when the server starts: a first run makes the account. */
async function withModerator(env: Record<string, string> = {}): Promise<{ server: Atelier; mod: Person }> {
  const first = await startServer(env);
  const mod = await person(first, 'Mod');
  await first.close();
  return { server: await startServer({ ...env, DATA_DIR: first.config.dataDir, MODERATORS: mod.id }), mod };
}

/** An event socket of `who` in a room of their own, joined. */
async function ownSocket(server: Atelier, who: Person) {
  const { room } = await api(server.url).room(who.token);
  const ws = eventWs(server.url, room.id, who.token);
  await ws.next('room:joined');
  return { ws, roomId: room.id };
}

/**
 * A WebSocket client that completes the handshake, then never writes again:
 * it does not answer the server's close frame, so the server's `ws` waits for
 * it (30 s) before its socket counts as closed.
 */
async function silentClient(server: Atelier, path: string): Promise<Socket> {
  const socket = connect(server.port, '127.0.0.1');
  onTestFinished(() => void socket.destroy());
  await once(socket, 'connect');
  socket.write(
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
  const [head] = (await once(socket, 'data')) as [Buffer];
  expect(head.toString('latin1')).toMatch(/^HTTP\/1\.1 101/);
  socket.on('data', () => undefined);
  return socket;
}

/** A masked binary WebSocket frame, as a client sends it. */
function clientFrame(payload: Uint8Array): Buffer {
  const mask = randomBytes(4);
  const length = payload.length < 126 ? [0x80 | payload.length] : [0x80 | 126, payload.length >> 8, payload.length & 0xff];
  const masked = Buffer.from(payload.map((byte, i) => byte ^ mask[i % 4]!));
  return Buffer.concat([Buffer.from([0x82, ...length]), mask, masked]);
}

/**
 * Sends the handshake and `frames` in one write, before any answer: they reach
 * the server while it is still admitting the connection. Resolves with the
 * binary messages the server sends, in order, once `until` holds for them.
 */
async function pipelined(server: Atelier, path: string, frames: Uint8Array[], until: (messages: Uint8Array[]) => boolean) {
  const socket = connect(server.port, '127.0.0.1');
  onTestFinished(() => void socket.destroy());
  await once(socket, 'connect');
  const handshake =
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
    `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`;
  socket.write(Buffer.concat([Buffer.from(handshake, 'latin1'), ...frames.map(clientFrame)]));
  let buffered = Buffer.alloc(0);
  let headDone = false;
  const messages: Uint8Array[] = [];
  socket.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    if (!headDone) {
      const end = buffered.indexOf('\r\n\r\n');
      if (end < 0) return;
      headDone = true;
      buffered = buffered.subarray(end + 4);
    }
    // Server frames are unmasked: opcode, length (7 bits, or 16 / 64 after it), payload.
    while (buffered.length >= 2) {
      let length = buffered[1]! & 0x7f;
      let offset = 2;
      if (length === 126) [length, offset] = [buffered.readUInt16BE(2), 4];
      else if (length === 127) [length, offset] = [Number(buffered.readBigUInt64BE(2)), 10];
      if (buffered.length < offset + length) return;
      if ((buffered[0]! & 0x0f) === 0x2) messages.push(new Uint8Array(buffered.subarray(offset, offset + length)));
      buffered = buffered.subarray(offset + length);
    }
  });
  await waitFor(() => until(messages), WAIT_BUDGET_MS, 'the answers');
  socket.destroy();
  return messages;
}

describe('house rules on event sockets', () => {
  it("comments by someone a subscriber blocks are withheld from the subscriber's event socket; hidden works and the subscription limit refuse as on Socket.IO", async () => {
    const server = await startServer({ WORK_SUBSCRIPTIONS_PER_CONNECTION: '2' });
    const http = api(server.url);
    const [ann, bob, cid] = await Promise.all(['Ann', 'Bob', 'Cid'].map((n) => person(server, n)));
    const work = await seedWork(server, [cid!]);
    await http.json('POST', `/api/users/${ann!.id}/block`, { token: bob!.token, expect: 200 });
    const bobs = await ownSocket(server, bob!);
    const cids = await ownSocket(server, cid!);
    for (const { ws } of [bobs, cids]) expect(await ws.call('work:subscribe', work.id)).toEqual({ ok: true, subscribed: true });

    const { comment } = await http.json<{ comment: { id: string } }>('POST', `/api/works/${work.id}/comments`, {
      token: ann!.token,
      body: { body: 'from Ann' },
    });
    await cids.ws.next('comment:added', (args) => (args[0] as { id: string }).id === comment.id);
    // A later comment by someone Bob does not block takes the same broadcast to his socket: once it is there, Ann's would be.
    const { comment: later } = await http.json<{ comment: { id: string } }>('POST', `/api/works/${work.id}/comments`, {
      token: cid!.token,
      body: { body: 'from Cid' },
    });
    await bobs.ws.next('comment:added', (args) => (args[0] as { id: string }).id === later.id);
    expect(bobs.ws.of('comment:added').map((args) => (args[0] as { id: string }).id)).toEqual([later.id]);

    // A hidden work is not there for a subscriber who is not a moderator.
    const hidden = await seedWork(server, [cid!]);
    await server.store.social.moderation.setHidden('work', hidden.id, new Date().toISOString());
    expect(await bobs.ws.call('work:subscribe', hidden.id)).toMatchObject({ ok: false, error: { code: 'not_found' } });
    const second = await seedWork(server, [cid!]);
    const third = await seedWork(server, [cid!]);
    expect(await bobs.ws.call('work:subscribe', second.id)).toEqual({ ok: true, subscribed: true });
    expect(await bobs.ws.call('work:subscribe', third.id)).toMatchObject({ ok: false, error: { code: 'too_large' } });
    expect(await bobs.ws.call('work:unsubscribe', work.id)).toEqual({ ok: true });
    expect(await bobs.ws.call('work:subscribe', third.id)).toEqual({ ok: true, subscribed: true });
  });

  it('"Live now" updates leave out the event sockets and Socket.IO sockets of people the owner blocks or who block the owner, as GET /api/live does', async () => {
    const server = await startServer({ LIVE_PREVIEW_MS: '250' });
    const http = api(server.url);
    const [ann, bob, cid, dee] = await Promise.all(['Ann', 'Bob', 'Cid', 'Dee'].map((n) => person(server, n)));
    await http.json('POST', `/api/users/${bob!.id}/block`, { token: ann!.token, expect: 200 });
    await http.json('POST', `/api/users/${ann!.id}/block`, { token: cid!.token, expect: 200 });
    const listeners = await Promise.all([bob!, cid!, dee!].map((who) => ownSocket(server, who)));
    for (const { ws } of listeners) expect(await ws.call('live:subscribe')).toEqual({ ok: true, subscribed: true });
    const bobSio = connectSocket(server.url, bob!.token);
    const bobSioUpdates: unknown[] = [];
    bobSio.on('live:update', (item) => bobSioUpdates.push(item));
    const bobSioEnded: string[] = [];
    bobSio.on('live:ended', ({ roomId }) => bobSioEnded.push(roomId));
    expect(await bobSio.timeout(WAIT_BUDGET_MS).emitWithAck('live:subscribe')).toEqual({ ok: true, subscribed: true });

    const { room } = await http.room(ann!.token, { linkAccess: 'none' });
    await http.json('PATCH', `/api/rooms/${room.id}`, { token: ann!.token, body: { listed: true } });
    const owner = eventWs(server.url, room.id, ann!.token);
    await owner.next('room:joined');
    await server.live.rooms.tick();
    const [bobs, cids, dees] = listeners.map((l) => l!.ws);
    await dees!.next('live:update', (args) => (args[0] as { room: { id: string } }).room.id === room.id);
    // The HTTP feed's rule, for reference: neither Bob nor Cid sees the room there.
    for (const who of [bob!, cid!]) {
      expect((await http.json<{ items: unknown[] }>('GET', '/api/live', { token: who.token })).items).toEqual([]);
    }

    // Ended reaches everyone (it names a room id only), after the updates they heard: once Bob and Cid have it,
    // an update they were sent would be there before it.
    await http.json('PATCH', `/api/rooms/${room.id}`, { token: ann!.token, body: { listed: false } });
    await dees!.next('live:ended');
    const order = dees!.events.filter((e) => e.event.startsWith('live:')).map((e) => e.event);
    expect(order[order.length - 1]).toBe('live:ended');
    await bobs!.next('live:ended');
    await cids!.next('live:ended');
    await waitFor(() => bobSioEnded.includes(room.id), WAIT_BUDGET_MS, "live:ended on Bob's Socket.IO socket");
    expect(bobs!.of('live:update')).toEqual([]);
    expect(cids!.of('live:update')).toEqual([]);
    expect(bobSioUpdates).toEqual([]);
  });

  it("suspension closes the user's event sockets (4401); a moderator closing a room evicts its editors' event sockets with room:evicted", async () => {
    const { server, mod } = await withModerator();
    const http = api(server.url);
    const [ann, bob, cid] = await Promise.all(['Ann', 'Bob', 'Cid'].map((n) => person(server, n)));
    const { room } = await http.room(ann!.token, { linkAccess: 'edit' });
    const owner = eventWs(server.url, room.id, ann!.token);
    await owner.next('room:joined');
    const editor = eventWs(server.url, room.id, bob!.token);
    expect((await editor.next('room:joined'))[1]).toMatchObject({ role: 'editor' });
    const cids = await ownSocket(server, cid!);

    const report = async (target: { type: string; id: string }) =>
      (await http.json<{ report: { id: string } }>('POST', '/api/reports', { token: ann!.token, body: { target, reason: 'spam' } })).report;
    const againstCid = await report({ type: 'user', id: cid!.id });
    await http.json('POST', `/api/moderation/reports/${againstCid.id}`, { token: mod.token, body: { action: 'suspend' }, expect: 200 });
    expect((await cids.ws.raw.closed).code).toBe(CLOSE_CODES.unauthorized);

    const againstRoom = await report({ type: 'room', id: room.id });
    await http.json('POST', `/api/moderation/reports/${againstRoom.id}`, { token: mod.token, body: { action: 'hide' }, expect: 200 });
    const [evictedRoom, error] = await editor.next('room:evicted');
    expect([evictedRoom, error]).toEqual([room.id, expect.objectContaining({ code: 'forbidden' })]);
    expect((await editor.raw.closed).code).toBe(CLOSE_CODES.forbidden);
    // And it cannot come back; the owner may.
    const again = eventWs(server.url, room.id, bob!.token);
    expect((await again.raw.closed).code).toBe(CLOSE_CODES.forbidden);
    const ownerAgain = eventWs(server.url, room.id, ann!.token);
    await ownerAgain.next('room:joined');
  });

  it("a viewer's work:publish and gen:cancel are refused as on Socket.IO; an editor the owner blocks is evicted from the room and cannot come back", async () => {
    const server = await startServer();
    const http = api(server.url);
    const [ann, bob, cid] = await Promise.all(['Ann', 'Bob', 'Cid'].map((n) => person(server, n)));
    const { room, invites } = await http.room(ann!.token, { linkAccess: 'view' });
    const owner = eventWs(server.url, room.id, ann!.token);
    await owner.next('room:joined');
    const started = await owner.call('gen:start', room.id, { prompt: 'slow boats', size: '256x256' });
    expect(started).toMatchObject({ ok: true });
    const jobId = (started.job as { id: string }).id;
    const viewer = eventWs(server.url, room.id, cid!.token);
    expect((await viewer.next('room:joined'))[1]).toMatchObject({ role: 'viewer' });
    expect(await viewer.call('work:publish', room.id, { title: 'Not mine' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await viewer.call('gen:cancel', room.id, jobId)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect((await server.generation.roomJobs(room.id)).find((j) => j.id === jobId)?.status).not.toBe('cancelled');

    const editor = eventWs(server.url, room.id, bob!.token, `&invite=${invites.edit}`);
    expect((await editor.next('room:joined'))[1]).toMatchObject({ role: 'editor' });
    await http.json('POST', `/api/users/${bob!.id}/block`, { token: ann!.token, expect: 200 });
    expect((await editor.next('room:evicted'))[0]).toBe(room.id);
    expect((await editor.raw.closed).code).toBe(CLOSE_CODES.forbidden);
    const again = eventWs(server.url, room.id, bob!.token, `&invite=${invites.edit}`);
    expect((await again.raw.closed).code).toBe(CLOSE_CODES.forbidden);
    expect(again.of('room:joined')).toEqual([]);
  });

  it('event frames sent with the handshake, before the join completed: room:joined still comes first, and every acknowledged one is answered, over the queue or the rate too', async () => {
    for (const [burst, count, served] of [
      [100, 80, MAX_QUEUED_BEFORE_JOIN],
      [5, 20, 5],
    ] as const) {
      const server = await startServer({ MESSAGE_BURST: String(burst), MESSAGES_PER_SECOND: '1' });
      const ann = await person(server, 'Ann');
      const { room } = await api(server.url).room(ann.token);
      const frames = Array.from({ length: count }, (_, i) => encodeEvent('gallery:subscribe', '[]', i + 1));
      const answered = (messages: Uint8Array[]) => messages.filter((m) => m[0] === YWS_MESSAGE.ack).length >= count;
      const messages = await pipelined(server, `/yjs/${room.id}?token=${ann.token}&events=1`, frames, answered);
      expect(messages[0]![0]).toBe(YWS_MESSAGE.event);
      expect(decodeEvent(messages[0]!, 1).event).toBe('room:joined');
      const answers = messages.filter((m) => m[0] === YWS_MESSAGE.ack).map((m) => decodeAck(m, 1));
      expect(answers.map((a) => a.ackId).sort((a, b) => a - b)).toEqual(Array.from({ length: count }, (_, i) => i + 1));
      const codes = answers.map(({ answer }) =>
        (answer as { ok: boolean }).ok ? 'ok' : (answer as { error: { code: string } }).error.code,
      );
      expect(codes.filter((c) => c === 'ok')).toHaveLength(served);
      expect(codes.filter((c) => c === 'rate_limited')).toHaveLength(count - served);
      await server.close();
    }
  });

  it('a flood of event frames before the join completed is not answered past a bound (nothing held for each)', async () => {
    const server = await startServer({ MESSAGE_BURST: '5', MESSAGES_PER_SECOND: '1' });
    const ann = await person(server, 'Ann');
    const { room } = await api(server.url).room(ann.token);
    const frames = Array.from({ length: 2000 }, (_, i) => encodeEvent('gallery:subscribe', '[]', i + 1));
    // The burst's frames wait in the queue and are answered last, after room:joined and the answers held for it: by
    // then everything held for the join has arrived, however long a loaded machine took (no fixed wait).
    const served = (messages: Uint8Array[]) =>
      messages.filter((m) => m[0] === YWS_MESSAGE.ack && (decodeAck(m, 1).answer as { ok: boolean }).ok).length >= 5;
    const messages = await pipelined(server, `/yjs/${room.id}?token=${ann.token}&events=1`, frames, served);
    expect(decodeEvent(messages[0]!, 1).event).toBe('room:joined');
    const acks = messages.filter((m) => m[0] === YWS_MESSAGE.ack).length;
    expect(acks).toBeGreaterThanOrEqual(200);
    expect(acks).toBeLessThan(1000);
  });

  it('an ack frame from a client is an unknown message type: the connection closes 4400, as for any other', async () => {
    const server = await startServer();
    const ann = await person(server, 'Ann');
    const { room } = await api(server.url).room(ann.token);
    const ws = eventWs(server.url, room.id, ann.token);
    await ws.next('room:joined');
    ws.raw.send(Uint8Array.from([YWS_MESSAGE.ack, 1, 2, 0x5b, 0x5d]));
    expect((await ws.raw.closed).code).toBe(CLOSE_CODES.bad_request);
  });

  it("a revoked session's event socket leaves its room at once, though its client never answers the close", async () => {
    const server = await startServer();
    const http = api(server.url);
    const [ann, bob] = await Promise.all(['Ann', 'Bob'].map((n) => person(server, n)));
    const { room } = await http.room(ann!.token, { linkAccess: 'edit' });
    const owner = eventWs(server.url, room.id, ann!.token);
    await owner.next('room:joined');
    const silent = await silentClient(server, `/yjs/${room.id}?token=${bob!.token}&events=1`);
    let ended = false;
    silent.on('close', () => (ended = true));
    const bobHere = () => [...(server.registry.get(room.id)?.participants.values() ?? [])].some((p) => p.user.id === bob!.id);
    await waitFor(bobHere, WAIT_BUDGET_MS, 'Bob in the room');
    await http.json('DELETE', '/api/auth/sessions', { token: bob!.token, expect: 200 });
    // At once: out while his connection is still open, before ws gives up on his answer to the close (30 s) and
    // drops it. Checked by that order rather than by a short deadline, which a loaded machine can miss.
    await waitFor(
      () => !bobHere() && !server.broadcast.hasLocal(userChannel(bob!.id)),
      WAIT_BUDGET_MS,
      'Bob out of the room and off his channels',
    );
    expect(ended).toBe(false);
  });

  it('channel registrations end with their connections: many event sockets subscribing and closing (cleanly, abruptly, mid-join) leave no member or connection behind', async () => {
    const server = await startServer();
    const http = api(server.url);
    const [ann, bob] = await Promise.all(['Ann', 'Bob'].map((n) => person(server, n)));
    const work = await seedWork(server, [ann!]);
    const { room } = await http.room(ann!.token, { linkAccess: 'edit' });
    const broadcast = server.broadcast;
    const connectionIds = new Set<string>();
    for (let round = 0; round < 8; round++) {
      const sockets = await Promise.all(
        Array.from({ length: 10 }, async (_, i) => {
          const ws = eventWs(server.url, room.id, (i % 2 ? ann : bob)!.token);
          await ws.next('room:joined');
          await Promise.all([ws.call('gallery:subscribe'), ws.call('live:subscribe'), ws.call('work:subscribe', work.id)]);
          return ws;
        }),
      );
      for (const participant of server.registry.get(room.id)?.participants.values() ?? []) connectionIds.add(participant.connectionId);
      // Some answer the close, some vanish, some go while their subscription is in flight.
      sockets.forEach((ws, i) => {
        if (i % 3 === 0) ws.raw.ws.terminate();
        else if (i % 3 === 1) ws.raw.ws.close();
        else {
          ws.emit('work:subscribe', work.id);
          ws.raw.ws.terminate();
        }
      });
      // And some before their join completed.
      for (let i = 0; i < 3; i++) {
        const early = eventWs(server.url, room.id, bob!.token);
        early.raw.ws.on('open', () => early.raw.ws.terminate());
      }
    }
    expect(connectionIds.size).toBeGreaterThanOrEqual(80);
    const channels = [
      GALLERY_CHANNEL,
      LIVE_CHANNEL,
      workChannel(work.id),
      roomChannel(room.id),
      userChannel(ann!.id),
      userChannel(bob!.id),
    ];
    await waitFor(() => channels.every((c) => !broadcast.hasLocal(c)), WAIT_BUDGET_MS, 'every channel empty');
    for (const id of connectionIds) expect(broadcast.hasLocal(id), id).toBe(false);
    expect(broadcast.memberChannels).toBe(0);
    await waitFor(() => server.registry.get(room.id) === undefined || server.registry.get(room.id)?.participants.size === 0, 10_000);
  });
});
