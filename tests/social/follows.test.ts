import { describe, expect, it } from 'vitest';
import type { GalleryPage } from '../../shared/protocol.ts';
import type { FollowResponse, NotificationPage, SocialSummary, UserPage } from '../../shared/social.ts';
import { api, startServer, waitFor } from '../helpers/server.ts';
import { listen, person, seedWork } from './helpers.ts';

describe('follows', () => {
  it('follow and unfollow answer the state and the follower count; lists page newest first', async () => {
    const server = await startServer();
    const http = api(server.url);
    const [ann, bob, cid, dee] = await Promise.all(['Ann', 'Bob', 'Cid', 'Dee'].map((n) => person(server, n)));
    const follow = (who: { token: string }, target: { id: string }, method = 'POST') =>
      http.json<FollowResponse>(method, `/api/users/${target.id}/follow`, { token: who.token, expect: 200 });
    expect(await follow(bob!, ann!)).toEqual({ following: true, followers: 1 });
    expect(await follow(bob!, ann!)).toEqual({ following: true, followers: 1 });
    expect(await follow(cid!, ann!)).toEqual({ following: true, followers: 2 });
    expect(await follow(dee!, ann!)).toEqual({ following: true, followers: 3 });
    await follow(ann!, bob!);

    const first = await http.json<UserPage>('GET', `/api/users/${ann!.id}/followers?limit=2`);
    expect(first.items.map((u) => u.name)).toEqual(['Dee', 'Cid']);
    const rest = await http.json<UserPage>('GET', `/api/users/${ann!.id}/followers?limit=2&cursor=${first.nextCursor}`);
    expect(rest).toEqual({ items: [{ id: bob!.id, name: 'Bob', color: expect.any(String) }], nextCursor: null });
    expect((await http.json<UserPage>('GET', `/api/users/${ann!.id}/following`)).items.map((u) => u.name)).toEqual(['Bob']);

    expect(await http.json<SocialSummary>('GET', `/api/users/${ann!.id}/social`, { token: bob!.token })).toEqual({
      followers: 3,
      following: 1,
      followedByMe: true,
      blockedByMe: false,
    });
    expect(await follow(bob!, ann!, 'DELETE')).toEqual({ following: false, followers: 2 });
    expect(await follow(bob!, ann!, 'DELETE')).toEqual({ following: false, followers: 2 });
    expect((await http.json<SocialSummary>('GET', `/api/users/${ann!.id}/social`)).followedByMe).toBe(false);
  });

  it('refuses following yourself, unknown and malformed users, anonymous callers, bad cursors; nothing changes', async () => {
    const server = await startServer();
    const http = api(server.url);
    const ann = await person(server, 'Ann');
    const refused = async (route: string, status: number, code: string, token?: string, method = 'POST') => {
      const res = await http.request(method, route, token === undefined ? {} : { token });
      expect(res.status, route).toBe(status);
      expect((await res.json()).error.code).toBe(code);
    };
    await refused(`/api/users/${ann.id}/follow`, 400, 'bad_request', ann.token);
    await refused(`/api/users/${'x'.repeat(22)}/follow`, 404, 'not_found', ann.token);
    await refused('/api/users/<script>/follow', 404, 'not_found', ann.token);
    await refused(`/api/users/${ann.id}/follow`, 401, 'unauthorized');
    await refused(`/api/users/${ann.id}/followers?cursor=garbage`, 400, 'bad_request', undefined, 'GET');
    await refused(`/api/users/${ann.id}/followers?limit=0`, 400, 'bad_request', undefined, 'GET');
    expect(await http.json<SocialSummary>('GET', `/api/users/${ann.id}/social`)).toMatchObject({ followers: 0, following: 0 });
  });

  it('FOLLOWS_PER_MINUTE limits follows and unfollows per user', async () => {
    const server = await startServer({ FOLLOWS_PER_MINUTE: '3' });
    const http = api(server.url);
    const ann = await person(server, 'Ann');
    const others = await Promise.all(['B', 'C', 'D', 'E'].map((n) => person(server, n)));
    for (const other of others.slice(0, 3)) await http.json('POST', `/api/users/${other.id}/follow`, { token: ann.token, expect: 200 });
    const res = await http.request('POST', `/api/users/${others[3]!.id}/follow`, { token: ann.token });
    expect(res.status).toBe(429);
    expect((await res.json()).error.code).toBe('rate_limited');
    expect((await http.json<SocialSummary>('GET', `/api/users/${others[3]!.id}/social`)).followers).toBe(0);
  });

  it('notifies the followed person once per follower, coalescing a burst', async () => {
    const server = await startServer();
    const http = api(server.url);
    const ann = await person(server, 'Ann');
    const inbox = await listen(server.url, ann.token);
    const fans = await Promise.all(['F1', 'F2', 'F3'].map((n) => person(server, n)));
    for (const fan of fans) await http.json('POST', `/api/users/${ann.id}/follow`, { token: fan.token, expect: 200 });
    // Unfollowing and following again counts once.
    await http.json('DELETE', `/api/users/${ann.id}/follow`, { token: fans[0]!.token, expect: 200 });
    await http.json('POST', `/api/users/${ann.id}/follow`, { token: fans[0]!.token, expect: 200 });
    await server.social.idle();
    const page = await http.json<NotificationPage>('GET', '/api/notifications', { token: ann.token });
    expect(page.unread).toBe(1);
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({ type: 'follow', others: 2, actor: { id: fans[2]!.id }, read: false });
    await waitFor(() => inbox.notifications.length === 3);
    expect(new Set(inbox.notifications.map((n) => n.id))).toEqual(new Set([page.items[0]!.id]));
    expect(inbox.notifications.map((n) => n.others)).toEqual([0, 1, 2]);
  });

  it('sort=following: works by people the caller follows (any author), newest first, cursor-stable under inserts', async () => {
    const server = await startServer();
    const http = api(server.url);
    const [ann, bob, cid, dee] = await Promise.all(['Ann', 'Bob', 'Cid', 'Dee'].map((n) => person(server, n)));
    for (const target of [bob!, cid!]) await http.json('POST', `/api/users/${target.id}/follow`, { token: ann!.token, expect: 200 });
    await seedWork(server, [bob!], { title: 'b1' });
    await seedWork(server, [dee!], { title: 'd1' });
    await seedWork(server, [dee!, cid!], { title: 'dc' });
    await seedWork(server, [bob!], { title: 'b2' });
    await seedWork(server, [ann!], { title: 'mine' });

    const first = await http.json<GalleryPage>('GET', '/api/gallery?sort=following&limit=2', { token: ann!.token });
    expect(first.items.map((w) => w.title)).toEqual(['b2', 'dc']);
    await seedWork(server, [bob!], { title: 'late' });
    const second = await http.json<GalleryPage>('GET', `/api/gallery?sort=following&limit=2&cursor=${first.nextCursor}`, {
      token: ann!.token,
    });
    expect(second).toMatchObject({ items: [{ title: 'b1' }], nextCursor: null });
    expect((await http.json<GalleryPage>('GET', '/api/gallery?sort=following', { token: ann!.token })).items.map((w) => w.title)).toEqual([
      'late',
      'b2',
      'dc',
      'b1',
    ]);

    const anonymous = await http.request('GET', '/api/gallery?sort=following');
    expect(anonymous.status).toBe(401);
    const newCursor = (await http.json<GalleryPage>('GET', '/api/gallery?sort=new&limit=1')).nextCursor;
    const mixed = await http.request('GET', `/api/gallery?sort=following&cursor=${newCursor}`, { token: ann!.token });
    expect(mixed.status).toBe(400);
    expect((await mixed.json()).error.message).toMatch(/sort=new/);
    // Nobody followed: an empty feed, not an error.
    expect(await http.json<GalleryPage>('GET', '/api/gallery?sort=following', { token: dee!.token })).toEqual({
      items: [],
      nextCursor: null,
    });
  });
});
