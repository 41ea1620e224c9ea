import { describe, expect, it } from 'vitest';
import type { NotificationPage, NotificationSettings } from '../../shared/social.ts';
import { api, startServer, waitFor } from '../helpers/server.ts';
import { listen, person, seedWork } from './helpers.ts';

describe('notifications', () => {
  it('50 likes in a minute are one entry, "… and 49 others", pushed to every socket of the author as it grows', async () => {
    const server = await startServer({ SESSIONS_PER_MINUTE: '1000' });
    const http = api(server.url);
    const ann = await person(server, 'Ann');
    const work = await seedWork(server, [ann]);
    const [phone, laptop] = await Promise.all([listen(server.url, ann.token), listen(server.url, ann.token)]);
    const fans = await Promise.all(Array.from({ length: 50 }, (_, i) => person(server, `Fan ${i}`)));
    await Promise.all(fans.map((fan) => http.json('POST', `/api/works/${work.id}/like`, { token: fan.token, expect: 200 })));
    await server.social.idle();
    const page = await http.json<NotificationPage>('GET', '/api/notifications', { token: ann.token });
    expect(page.unread).toBe(1);
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({ type: 'like', workId: work.id, others: 49, read: false });
    for (const socket of [phone, laptop]) {
      await waitFor(() => socket.notifications.length === 50);
      expect(new Set(socket.notifications.map((n) => n.id))).toEqual(new Set([page.items[0]!.id]));
      expect(socket.notifications.at(-1)!.others).toBe(49);
    }
  });

  it('nobody hears of their own actions, of someone they block, or of a muted type', async () => {
    const server = await startServer();
    const http = api(server.url);
    const [ann, bob, cid] = await Promise.all(['Ann', 'Bob', 'Cid'].map((n) => person(server, n)));
    const work = await seedWork(server, [ann!]);
    await http.json('POST', `/api/works/${work.id}/like`, { token: ann!.token, expect: 200 });
    await http.json('POST', `/api/users/${bob!.id}/block`, { token: ann!.token, expect: 200 });
    await http.json('POST', `/api/works/${work.id}/like`, { token: bob!.token, expect: 200 });
    await http.json('POST', `/api/works/${work.id}/comments`, { token: cid!.token, body: { body: 'hi' } });
    expect(
      await http.json<NotificationSettings>('PUT', '/api/notifications/settings', {
        token: ann!.token,
        body: { muted: ['like'] },
        expect: 200,
      }),
    ).toEqual({
      muted: ['like'],
    });
    await http.json('POST', `/api/works/${work.id}/like`, { token: cid!.token, expect: 200 });
    await server.social.idle();
    const page = await http.json<NotificationPage>('GET', '/api/notifications', { token: ann!.token });
    expect(page.items.map((n) => [n.type, n.actor.name])).toEqual([['comment', 'Cid']]);
    expect(await http.json<NotificationSettings>('GET', '/api/notifications/settings', { token: ann!.token })).toEqual({ muted: ['like'] });
    const bad = await http.request('PUT', '/api/notifications/settings', { token: ann!.token, body: { muted: ['likes'] } });
    expect(bad.status).toBe(400);
    expect((await http.json<NotificationSettings>('GET', '/api/notifications/settings', { token: ann!.token })).muted).toEqual(['like']);
  });

  it('page newest first; read up to one or all; unread counts', async () => {
    const server = await startServer();
    const http = api(server.url);
    const ann = await person(server, 'Ann');
    const others = await Promise.all(['B', 'C', 'D'].map((n) => person(server, n)));
    const works = await Promise.all(others.map(() => seedWork(server, [ann])));
    for (const [i, other] of others.entries())
      await http.json('POST', `/api/works/${works[i]!.id}/comments`, { token: other.token, body: { body: `c${i}` } });
    await server.social.idle();
    const first = await http.json<NotificationPage>('GET', '/api/notifications?limit=2', { token: ann.token });
    expect(first.items.map((n) => n.actor.name)).toEqual(['D', 'C']);
    expect(first.unread).toBe(3);
    const rest = await http.json<NotificationPage>('GET', `/api/notifications?limit=2&cursor=${first.nextCursor}`, { token: ann.token });
    expect(rest.items.map((n) => n.actor.name)).toEqual(['B']);
    expect(rest.nextCursor).toBeNull();
    expect(
      await http.json('POST', '/api/notifications/read', { token: ann.token, body: { upTo: first.items[1]!.id }, expect: 200 }),
    ).toEqual({ unread: 1 });
    const unknown = await http.request('POST', '/api/notifications/read', { token: ann.token, body: { upTo: 'nope' } });
    expect(unknown.status).toBe(404);
    expect(await http.json('POST', '/api/notifications/read', { token: ann.token, body: {}, expect: 200 })).toEqual({ unread: 0 });
    expect((await http.request('GET', '/api/notifications')).status).toBe(401);
    // Another user cannot read someone else's, or mark them.
    const bob = others[0]!;
    expect((await http.json<NotificationPage>('GET', '/api/notifications', { token: bob.token })).items).toEqual([]);
    expect((await http.request('POST', '/api/notifications/read', { token: bob.token, body: { upTo: first.items[0]!.id } })).status).toBe(
      404,
    );
  });

  it("a remix notifies the original's authors; join_request is there for any module to send", async () => {
    const server = await startServer();
    const http = api(server.url);
    const [ann, bob, cid] = await Promise.all(['Ann', 'Bob', 'Cid'].map((n) => person(server, n)));
    const { room } = await server.directory.create(ann!.id, { title: 'source' });
    const work = await seedWork(server, [ann!, bob!], { roomId: room.id, state: (await server.store.docLog.load(room.id)).update! });
    const remix = await http.json<{ room: { id: string } }>('POST', `/api/works/${work.id}/remix`, { token: cid!.token });
    server.social.notifier.notify({ type: 'join_request', actorId: cid!.id, recipientIds: [ann!.id], roomId: room.id });
    await server.social.idle();
    const types = async (who: { token: string }) =>
      (await http.json<NotificationPage>('GET', '/api/notifications', { token: who.token })).items.map((n) => [n.type, n.workId, n.roomId]);
    expect(await types(ann!)).toEqual([
      ['join_request', undefined, room.id],
      ['remix', work.id, remix.room.id],
    ]);
    expect(await types(bob!)).toEqual([['remix', work.id, remix.room.id]]);
  });
});
