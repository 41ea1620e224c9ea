// The social layer across two nodes over Redis and PostgreSQL: live comments
// and notifications reach sockets on the other node, blocks (joins refused,
// the blocked let go of rooms they are in), a moderator closing a room (all
// but its owner let go on the other node, on every transport) and limits hold
// on every node.
import { expect, it } from 'vitest';
import { CLOSE_CODES, type JoinAck, type WireError } from '../../shared/protocol.ts';
import type { CommentResponse, NotificationPage } from '../../shared/social.ts';
import { connectSocket, joinWithSocketIo } from '../helpers/clients.ts';
import { rawYjsSocket } from '../helpers/raw-ws.ts';
import { clusterEnv, startNodes } from '../helpers/cluster.ts';
import { api, WAIT_BUDGET_MS, waitFor } from '../helpers/server.ts';
import { letGo, present, stays } from '../helpers/three-ways.ts';
import { reportedRoomOnTwoNodes } from '../helpers/reported-room.ts';
import { describeWith, postgresService, redisService } from '../helpers/services.ts';
import { listen, person, seedWork } from './helpers.ts';

const redis = await redisService();
const postgres = await postgresService();

describeWith([redis, postgres], 'the social layer on two nodes', () => {
  it("a comment posted on node A reaches a work page's subscriber and the author's notification on node B", async () => {
    const [a, b] = await startNodes(2, await clusterEnv(redis, postgres));
    const ann = await person(a!, 'Ann');
    const bob = await person(b!, 'Bob');
    const work = await seedWork(b!, [bob]);
    const watcher = await listen(b!.url);
    expect(await watcher.subscribe(work.id)).toEqual({ ok: true, subscribed: true });
    const bobsPhone = await listen(b!.url, bob.token);

    const { comment } = await api(a!.url).json<CommentResponse>('POST', `/api/works/${work.id}/comments`, {
      token: ann.token,
      body: { body: 'Seen from node A' },
    });
    await waitFor(() => watcher.added.length === 1 && bobsPhone.notifications.length === 1, WAIT_BUDGET_MS, 'the comment on node B');
    expect(watcher.added[0]).toEqual(comment);
    expect(bobsPhone.notifications[0]).toMatchObject({
      type: 'comment',
      actor: { id: ann.id },
      workId: work.id,
      commentId: comment.id,
      read: false,
    });
    const stored = await api(b!.url).json<NotificationPage>('GET', '/api/notifications', { token: bob.token });
    expect(stored.items.map((n) => n.id)).toEqual([bobsPhone.notifications[0]!.id]);

    // A like on node A reaches the work page and, as a notification, the author on node B.
    await api(a!.url).json('POST', `/api/works/${work.id}/like`, { token: ann.token, expect: 200 });
    await waitFor(() => watcher.likes.length === 1 && bobsPhone.notifications.length === 2, WAIT_BUDGET_MS, 'the like on node B');
    expect(bobsPhone.notifications[1]).toMatchObject({ type: 'like', workId: work.id });
  });

  it('a block made on node A refuses a room join on node B', async () => {
    const [a, b] = await startNodes(2, await clusterEnv(redis, postgres));
    const ann = await person(a!, 'Ann');
    const bob = await person(b!, 'Bob');
    const { room, invites } = await api(a!.url).room(ann.token);
    await api(a!.url).json('POST', `/api/users/${bob.id}/block`, { token: ann.token, expect: 200 });
    const socket = connectSocket(b!.url, bob.token);
    const ack = await new Promise<JoinAck>((resolve) => socket.emit('room:join', room.id, { invite: invites.edit! }, resolve));
    expect(ack).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it("a block made on node A lets the blocked user go from the blocker's rooms on node B, on both transports, and nowhere else", async () => {
    const [a, b] = await startNodes(2, await clusterEnv(redis, postgres));
    const ann = await person(a!, 'Ann');
    const bob = await person(b!, 'Bob');
    const cid = await person(b!, 'Cid');
    const annsRoom = await api(a!.url).room(ann.token);
    const cidsRoom = await api(b!.url).room(cid.token);
    const viaIo = await joinWithSocketIo(b!.url, bob.token, annsRoom.room.id, annsRoom.invites.edit!);
    const errors: Array<[string, WireError]> = [];
    viaIo.socket.on('room:error', (roomId, error) => errors.push([roomId, error]));
    const viaWs = rawYjsSocket(b!.url, `/yjs/${annsRoom.room.id}?token=${encodeURIComponent(bob.token)}&invite=${annsRoom.invites.edit!}`);
    await viaWs.opened;
    const elsewhere = await joinWithSocketIo(b!.url, bob.token, cidsRoom.room.id, cidsRoom.invites.edit!);
    const inRoom = (roomId: string) =>
      [...(b!.registry.get(roomId)?.participants.values() ?? [])].filter((p) => p.user.id === bob.id).length;
    await waitFor(() => inRoom(annsRoom.room.id) === 2 && inRoom(cidsRoom.room.id) === 1, WAIT_BUDGET_MS, 'Bob in both rooms on node B');

    await api(a!.url).json('POST', `/api/users/${bob.id}/block`, { token: ann.token, expect: 200 });
    expect(await viaWs.closed).toMatchObject({ code: CLOSE_CODES.forbidden });
    await waitFor(() => errors.length > 0 && inRoom(annsRoom.room.id) === 0, WAIT_BUDGET_MS, 'Bob let go on node B');
    expect(errors[0]).toEqual([annsRoom.room.id, { code: 'forbidden', message: 'the owner of this room does not let you in' }]);
    // Cid's room keeps him, on the same socket as before.
    expect(inRoom(cidsRoom.room.id)).toBe(1);
    expect(elsewhere.socket.connected).toBe(true);
    const again = await new Promise<JoinAck>((resolve) =>
      viaIo.socket.emit('room:join', annsRoom.room.id, { invite: annsRoom.invites.edit! }, resolve),
    );
    expect(again).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('a moderator closing a room on node B lets everyone but its owner go on node A, the same way on every transport', async () => {
    const { a, b, mod, ann, roomId, owner, editor, reportId } = await reportedRoomOnTwoNodes(await clusterEnv(redis, postgres));
    await api(b.url).json('POST', `/api/moderation/reports/${reportId}`, { token: mod.token, body: { action: 'hide' }, expect: 200 });
    await letGo(editor, roomId, 'forbidden');
    await stays(owner, roomId);
    expect(present(a, roomId)).toEqual([ann.id, ann.id, ann.id]);
  });

  it('COMMENTS_PER_MINUTE, FOLLOWS_PER_MINUTE and REPORTS_PER_MINUTE are shared by the nodes', async () => {
    const env = await clusterEnv(redis, postgres, { COMMENTS_PER_MINUTE: '2', FOLLOWS_PER_MINUTE: '2', REPORTS_PER_MINUTE: '2' });
    const [a, b] = await startNodes(2, env);
    const ann = await person(a!, 'Ann');
    const others = await Promise.all(['B', 'C', 'D'].map((n) => person(a!, n)));
    const work = await seedWork(a!, [others[0]!]);
    const status = async (node: typeof a, method: string, route: string, body?: unknown) =>
      (await api(node!.url).request(method, route, { token: ann.token, ...(body === undefined ? {} : { body }) })).status;
    expect(await status(a, 'POST', `/api/works/${work.id}/comments`, { body: 'one' })).toBe(201);
    expect(await status(b, 'POST', `/api/works/${work.id}/comments`, { body: 'two' })).toBe(201);
    expect(await status(a, 'POST', `/api/works/${work.id}/comments`, { body: 'three' })).toBe(429);
    expect(await status(b, 'POST', `/api/users/${others[0]!.id}/follow`)).toBe(200);
    expect(await status(a, 'POST', `/api/users/${others[1]!.id}/follow`)).toBe(200);
    expect(await status(b, 'POST', `/api/users/${others[2]!.id}/follow`)).toBe(429);
    const report = (id: string) => ({ target: { type: 'user', id }, reason: 'spam' });
    expect(await status(a, 'POST', '/api/reports', report(others[0]!.id))).toBe(201);
    expect(await status(b, 'POST', '/api/reports', report(others[1]!.id))).toBe(201);
    expect(await status(a, 'POST', '/api/reports', report(others[2]!.id))).toBe(429);
  });
});
