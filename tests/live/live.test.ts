// Live rooms on one node, end to end over HTTP, Socket.IO and the Yjs
// WebSocket: listing, watching, leaving the list, asking to edit and granting.
import { describe, expect, it } from 'vitest';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import type { Atelier } from '../../server/atelier.ts';
import type { GrantAck, RequestEditAck } from '../../shared/live.ts';
import { CLOSE_CODES, type GetRoomResponse } from '../../shared/protocol.ts';
import type { NotificationPage } from '../../shared/social.ts';
import { rawYjsSocket } from '../helpers/raw-ws.ts';
import { api, startServer, WAIT_BUDGET_MS, waitFor } from '../helpers/server.ts';
import { countTurns } from '../helpers/turn-counter.ts';
import { joinRoom, listeningSocket, livePage } from './helpers.ts';

async function setUp() {
  const server = await startServer({ LIVE_PREVIEW_MS: '250', EDIT_REQUESTS_PER_MINUTE: '2' });
  const http = api(server.url);
  const [owner, watcher, other] = await Promise.all([http.session('Owner'), http.session('Watcher'), http.session('Other')]);
  // Invite-only: only the listing lets strangers in.
  const { room } = await http.room(owner.token, { title: 'Live one', linkAccess: 'none' });
  return { server, http, owner, watcher, other, room };
}

const grant = (socket: ReturnType<typeof listeningSocket>['socket'], roomId: string, userId: string, role: string) =>
  new Promise<GrantAck>((resolve) => socket.emit('room:grant', roomId, userId, role as 'editor', resolve));
const requestEdit = (socket: ReturnType<typeof listeningSocket>['socket'], roomId: string) =>
  new Promise<RequestEditAck>((resolve) => socket.emit('room:request-edit', roomId, resolve));

function typedUpdate(text: string): Uint8Array {
  const doc = new Y.Doc();
  doc.getText('prompt').insert(0, text);
  const encoder = encoding.createEncoder();
  syncProtocol.writeUpdate(encoder, Y.encodeStateAsUpdate(doc));
  return encoding.toUint8Array(encoder);
}

/** The room listed, its owner in it and the watcher watching it, on Socket.IO. */
async function watched(server: Atelier, owner: { token: string }, watcher: { token: string }, roomId: string) {
  const http = api(server.url);
  await http.json('PATCH', `/api/rooms/${roomId}`, { token: owner.token, body: { listed: true } });
  const ownerSocket = listeningSocket(server.url, owner.token);
  await joinRoom(ownerSocket.socket, roomId);
  const watcherSocket = listeningSocket(server.url, watcher.token);
  expect(await joinRoom(watcherSocket.socket, roomId, { watch: true })).toMatchObject({ ok: true, role: 'viewer' });
  return { ownerSocket, watcherSocket };
}

describe('live rooms', () => {
  it('a listed invite-only room can be watched on both transports, shows in /api/live, and leaves it at once when unlisted', async () => {
    const { server, http, owner, watcher, room } = await setUp();
    const ownerSocket = listeningSocket(server.url, owner.token);
    expect((await joinRoom(ownerSocket.socket, room.id)).ok).toBe(true);
    const watcherSocket = listeningSocket(server.url, watcher.token);
    expect(await joinRoom(watcherSocket.socket, room.id)).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    // Only the owner lists it.
    expect((await http.request('PATCH', `/api/rooms/${room.id}`, { token: watcher.token, body: { listed: true } })).status).toBe(403);
    const listed = await http.json<GetRoomResponse>('PATCH', `/api/rooms/${room.id}`, { token: owner.token, body: { listed: true } });
    expect(listed.listed).toBe(true);
    expect((await http.json<GetRoomResponse>('GET', `/api/rooms/${room.id}`, { token: watcher.token })).role).toBe('viewer');

    expect(await joinRoom(watcherSocket.socket, room.id, { watch: true })).toMatchObject({ ok: true, role: 'viewer' });
    const ws = rawYjsSocket(server.url, `/yjs/${room.id}?token=${watcher.token}&watch=1`);
    await ws.opened;
    await waitFor(() => ws.frames.length > 0, WAIT_BUDGET_MS, 'the sync step 1');
    await server.live.rooms.tick();
    const page = await livePage(http);
    expect(page.items).toHaveLength(1);
    // One person on two connections is one spectator.
    expect(page.items[0]).toMatchObject({ room: { id: room.id, title: 'Live one' }, spectators: 1 });
    expect(page.items[0]?.participants.map((u) => u.id)).toEqual([owner.user.id]);

    await http.json('PATCH', `/api/rooms/${room.id}`, { token: owner.token, body: { listed: false } });
    // Both of the watcher's connections are moved out; the owner stays.
    await waitFor(
      () => watcherSocket.evicted.some((e) => e.roomId === room.id && e.error.code === 'forbidden'),
      WAIT_BUDGET_MS,
      'eviction',
    );
    expect((await ws.closed).code).toBe(CLOSE_CODES.forbidden);
    await waitFor(() => server.registry.get(room.id)?.spectators === 0, WAIT_BUDGET_MS, 'both connections gone');
    expect(server.registry.get(room.id)?.makers).toBe(1);
    expect((await livePage(http)).items).toEqual([]);
    expect(await joinRoom(watcherSocket.socket, room.id, { watch: true })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const refused = rawYjsSocket(server.url, `/yjs/${room.id}?token=${watcher.token}&watch=1`);
    expect((await refused.closed).code).toBe(CLOSE_CODES.forbidden);
  });

  it('a blocked user can neither see nor watch a listed room; a moderator closing it ends it', async () => {
    const { server, http, owner, watcher, other, room } = await setUp();
    await http.json('PATCH', `/api/rooms/${room.id}`, { token: owner.token, body: { listed: true } });
    const ownerSocket = listeningSocket(server.url, owner.token);
    await joinRoom(ownerSocket.socket, room.id);
    await http.json('POST', `/api/users/${watcher.user.id}/block`, { token: owner.token, expect: 200 });
    await server.live.rooms.tick();
    expect((await livePage(http, other.token)).items).toHaveLength(1);
    expect((await livePage(http, watcher.token)).items).toEqual([]);
    const blocked = listeningSocket(server.url, watcher.token);
    expect(await joinRoom(blocked.socket, room.id, { watch: true })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const ws = rawYjsSocket(server.url, `/yjs/${room.id}?token=${watcher.token}&watch=1`);
    expect((await ws.closed).code).toBe(CLOSE_CODES.forbidden);

    const otherSocket = listeningSocket(server.url, other.token);
    expect(await joinRoom(otherSocket.socket, room.id, { watch: true })).toMatchObject({ ok: true, role: 'viewer' });
    await server.live.access.closed(room.id);
    await waitFor(() => otherSocket.evicted.some((e) => e.error.code === 'forbidden'), WAIT_BUDGET_MS, 'eviction');
    expect((await livePage(http, other.token)).items).toEqual([]);
    expect((await http.json<GetRoomResponse>('GET', `/api/rooms/${room.id}`, { token: owner.token })).listed).toBe(false);
  });

  it('a spectator asks to edit (rate-limited); only the owner grants, only to someone in the room; a grant applies at once and can be revoked', async () => {
    const { server, http, owner, watcher, other, room } = await setUp();
    const { ownerSocket, watcherSocket } = await watched(server, owner, watcher, room.id);
    const otherSocket = listeningSocket(server.url, other.token);
    await joinRoom(otherSocket.socket, room.id, { watch: true });

    // A viewer's keystroke changes nothing.
    watcherSocket.socket.emit('yjs:sync', room.id, typedUpdate('nope'));
    await waitFor(() => watcherSocket.errors.some((e) => e.error.code === 'forbidden'), WAIT_BUDGET_MS, 'refusal');
    expect(server.registry.get(room.id)?.doc.getText('prompt').toString()).toBe('');

    expect(await requestEdit(watcherSocket.socket, room.id)).toEqual({ ok: true, requested: true });
    expect(await requestEdit(watcherSocket.socket, room.id)).toEqual({ ok: true, requested: true });
    expect(await requestEdit(watcherSocket.socket, room.id)).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    expect(await requestEdit(ownerSocket.socket, room.id)).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(await requestEdit(otherSocket.socket, 'x'.repeat(22))).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    await waitFor(() => ownerSocket.requests.length === 2, WAIT_BUDGET_MS, 'the in-room prompt');
    await server.social.idle();
    const notes = await http.json<NotificationPage>('GET', '/api/notifications', { token: owner.token });
    expect(notes.items[0]).toMatchObject({ type: 'join_request', actor: { id: watcher.user.id }, roomId: room.id });

    expect(await grant(otherSocket.socket, room.id, watcher.user.id, 'editor')).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const stranger = await http.session('Stranger');
    expect(await grant(ownerSocket.socket, room.id, stranger.user.id, 'editor')).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await grant(ownerSocket.socket, room.id, watcher.user.id, 'owner')).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(await grant(ownerSocket.socket, room.id, watcher.user.id, 'editor')).toEqual({
      ok: true,
      userId: watcher.user.id,
      role: 'editor',
    });
    await waitFor(() => watcherSocket.roles.includes('editor'), WAIT_BUDGET_MS, 'room:role');
    watcherSocket.socket.emit('yjs:sync', room.id, typedUpdate('yes'));
    await waitFor(() => server.registry.get(room.id)?.doc.getText('prompt').toString() === 'yes', WAIT_BUDGET_MS, 'the granted edit');
    // Remembered: a rejoin is an editor too.
    expect((await http.json<GetRoomResponse>('GET', `/api/rooms/${room.id}`, { token: watcher.token })).role).toBe('editor');

    expect(await grant(ownerSocket.socket, room.id, watcher.user.id, 'viewer')).toMatchObject({ ok: true, role: 'viewer' });
    await waitFor(() => watcherSocket.roles.at(-1) === 'viewer', WAIT_BUDGET_MS, 'the revoke');
    const errorsBefore = watcherSocket.errors.length;
    watcherSocket.socket.emit('yjs:sync', room.id, typedUpdate('again'));
    await waitFor(() => watcherSocket.errors.length > errorsBefore, WAIT_BUDGET_MS, 'refusal');
    expect(server.registry.get(room.id)?.doc.getText('prompt').toString()).toBe('yes');
  });

  it('subscribers hear live:update with a preview and the people, then live:ended', async () => {
    const { server, http, owner, watcher, room } = await setUp();
    await http.json('PATCH', `/api/rooms/${room.id}`, { token: owner.token, body: { listed: true } });
    const subscriber = listeningSocket(server.url, watcher.token);
    await new Promise((resolve) => subscriber.socket.emit('live:subscribe', resolve));
    const ownerSocket = listeningSocket(server.url, owner.token);
    await joinRoom(ownerSocket.socket, room.id);
    await waitFor(() => subscriber.updates.some((item) => item.previewUrl !== null), WAIT_BUDGET_MS, 'a preview');
    const item = subscriber.updates.find((u) => u.previewUrl !== null);
    expect(item).toMatchObject({ room: { id: room.id }, spectators: 0, participants: [{ id: owner.user.id }] });
    const preview = await fetch(server.url + (item?.previewUrl ?? ''));
    expect(preview.headers.get('content-type')).toBe('image/webp');
    ownerSocket.socket.emit('room:leave', room.id);
    await waitFor(() => subscriber.ended.includes(room.id), WAIT_BUDGET_MS, 'live:ended');
    expect((await livePage(http)).items).toEqual([]);
  });

  it('a moderator hiding a listed room takes it out of Live now and lets its spectators go', async () => {
    const first = await startServer();
    const mod = await api(first.url).session('Mod');
    await first.close();
    const server = await startServer({ DATA_DIR: first.config.dataDir, MODERATORS: mod.user.id, LIVE_PREVIEW_MS: '250' });
    const http = api(server.url);
    const [owner, watcher] = await Promise.all([http.session('Owner'), http.session('Watcher')]);
    const { room } = await http.room(owner.token, { linkAccess: 'none' });
    const { watcherSocket } = await watched(server, owner, watcher, room.id);
    await server.live.rooms.tick();
    expect((await livePage(http)).items).toHaveLength(1);
    const { report } = await http.json<{ report: { id: string } }>('POST', '/api/reports', {
      token: watcher.token,
      body: { target: { type: 'room', id: room.id }, reason: 'spam' },
    });
    await http.json('POST', `/api/moderation/reports/${report.id}`, { token: mod.token, body: { action: 'hide' }, expect: 200 });
    await waitFor(
      () => watcherSocket.evicted.some((e) => e.roomId === room.id) || !watcherSocket.socket.connected,
      WAIT_BUDGET_MS,
      'let go',
    );
    expect((await livePage(http)).items).toEqual([]);
    expect((await http.request('PATCH', `/api/rooms/${room.id}`, { token: owner.token, body: { listed: true } })).status).toBe(403);
  });

  it("a room deleted with its owner's account leaves Live now and lets its spectators go", async () => {
    const { server, http, owner, watcher, room } = await setUp();
    const { watcherSocket } = await watched(server, owner, watcher, room.id);
    await server.live.rooms.tick();
    expect((await livePage(http)).items).toHaveLength(1);
    expect((await http.request('DELETE', '/api/account', { token: owner.token, body: { confirm: true } })).status).toBe(204);
    await server.live.rooms.tick();
    await waitFor(() => watcherSocket.evicted.some((e) => e.roomId === room.id), WAIT_BUDGET_MS, 'the spectator let go');
    expect((await livePage(http)).items).toEqual([]);
  });

  it('refuses bad input and keeps spectators apart from makers under their own limit', async () => {
    const server = await startServer({ MAX_SPECTATORS_PER_ROOM: '1', MAX_PARTICIPANTS_PER_ROOM: '1' });
    const http = api(server.url);
    const [owner, a, b] = await Promise.all([http.session('O'), http.session('A'), http.session('B')]);
    const { room } = await http.room(owner.token, { linkAccess: 'view' });
    expect((await http.request('GET', '/api/live?cursor=%%%')).status).toBe(400);
    expect((await http.request('GET', '/api/live?limit=0')).status).toBe(400);
    expect((await http.request('PATCH', `/api/rooms/${room.id}`, { token: owner.token, body: { listed: 'yes' } })).status).toBe(400);
    const ownerSocket = listeningSocket(server.url, owner.token);
    expect((await joinRoom(ownerSocket.socket, room.id)).ok).toBe(true);
    const first = listeningSocket(server.url, a.token);
    expect(await joinRoom(first.socket, room.id)).toMatchObject({ ok: true, role: 'viewer' });
    const second = listeningSocket(server.url, b.token);
    expect(await joinRoom(second.socket, room.id)).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect(await grant(ownerSocket.socket, room.id, 'not-an-id', 'editor')).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(
      await new Promise((resolve) => ownerSocket.socket.emit('room:grant', room.id, a.user.id, 'admin' as 'editor', resolve)),
    ).toMatchObject({
      ok: false,
      error: { code: 'bad_request' },
    });
  });

  it('rooms listed before they load are known as listed once loaded, read in one query for the rooms a turn loads', async () => {
    const server = await startServer({ LIVE_PREVIEW_MS: '250' });
    const http = api(server.url);
    const owner = await http.session('Owner');
    const rooms = await Promise.all(['one', 'two', 'three'].map(async (title) => (await http.room(owner.token, { title })).room));
    // Listed while nobody is in them (not loaded on this node); the third stays unlisted.
    for (const room of rooms.slice(0, 2)) {
      await http.json('PATCH', `/api/rooms/${room.id}`, { token: owner.token, body: { listed: true } });
    }
    const store = server.store.live;
    const asked: string[][] = [];
    const listedAmong = store.listedAmong.bind(store);
    store.listedAmong = async (ids) => {
      asked.push([...ids]);
      return listedAmong(ids);
    };
    const isListed = store.isListed.bind(store);
    let single = 0;
    store.isListed = async (id) => {
      single++;
      return isListed(id);
    };
    await Promise.all(rooms.map((room) => server.registry.withRoom(room.id, () => undefined)));
    await server.live.rooms.tick();
    expect(single).toBe(0);
    // The loads' read, then the tick's sweep of the listed ones.
    expect(asked[0]?.toSorted()).toEqual(rooms.map((r) => r.id).toSorted());
    expect(asked[1]?.toSorted()).toEqual(
      rooms
        .slice(0, 2)
        .map((r) => r.id)
        .toSorted(),
    );
  });

  it('a tick puts and announces its rooms a turn each, so messages read meanwhile do not wait for all of them', async () => {
    const server = await startServer({ LIVE_PREVIEW_MS: '60000' });
    const http = api(server.url);
    const owner = await http.session('Owner');
    const rooms = await Promise.all(['one', 'two', 'three'].map(async (title) => (await http.room(owner.token, { title })).room));
    const ownerSocket = listeningSocket(server.url, owner.token);
    for (const room of rooms) {
      await http.json('PATCH', `/api/rooms/${room.id}`, { token: owner.token, body: { listed: true } });
      expect((await joinRoom(ownerSocket.socket, room.id)).ok).toBe(true);
    }
    await server.live.rooms.tick();
    // The turn each room was announced in.
    const turn = countTurns();
    const announced: Array<{ roomId: string; turn: number }> = [];
    server.live.rooms.events.add({ update: (item) => announced.push({ roomId: item.room.id, turn: turn() }), ended: () => undefined });
    const put: Array<{ roomId: string; turn: number }> = [];
    const { board } = server.live;
    const putEntry = board.put.bind(board);
    board.put = (entry) => {
      put.push({ roomId: entry.roomId, turn: turn() });
      return putEntry(entry);
    };
    // Every room changes (its document), so the next tick announces all three.
    const before = Date.now();
    await waitFor(() => Date.now() > before, WAIT_BUDGET_MS, 'the clock to move');
    for (const room of rooms) server.registry.get(room.id)?.transact((doc) => doc.getText('prompt').insert(0, 'x'), 'test');
    await server.live.rooms.tick();
    expect(announced.map(({ roomId }) => roomId).toSorted()).toEqual(rooms.map((room) => room.id).toSorted());
    expect(new Set(announced.map(({ turn }) => turn)).size).toBe(3);
    expect(put.map(({ roomId }) => roomId).toSorted()).toEqual(rooms.map((room) => room.id).toSorted());
    expect(new Set(put.map(({ turn }) => turn)).size).toBe(3);
  });
});
