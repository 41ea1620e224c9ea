// Every effect of a block, checked on the server: what the blocked user can
// no longer do to the blocker, and what the blocker no longer sees.
import { describe, expect, it } from 'vitest';
import type { GalleryPage, Work } from '../../shared/protocol.ts';
import type { BlockResponse, CommentPage, NotificationPage, SearchPage, SocialSummary } from '../../shared/social.ts';
import type { JoinAck } from '../../shared/protocol.ts';
import { connectSocket } from '../helpers/clients.ts';
import { rawYjsSocket } from '../helpers/raw-ws.ts';
import { api, startServer } from '../helpers/server.ts';
import { person, seedWork } from './helpers.ts';

function join(url: string, token: string, roomId: string, invite?: string): Promise<JoinAck> {
  const socket = connectSocket(url, token);
  return new Promise((resolve) => socket.emit('room:join', roomId, invite ? { invite } : {}, resolve));
}

describe('blocks', () => {
  it('end follows both ways; the blocked cannot follow, comment on, reply to or notify the blocker', async () => {
    const server = await startServer();
    const http = api(server.url);
    const [ann, bob, cid] = await Promise.all(['Ann', 'Bob', 'Cid'].map((n) => person(server, n)));
    const annsWork = await seedWork(server, [ann!]);
    const sharedWork = await seedWork(server, [cid!, ann!]);
    const cidsWork = await seedWork(server, [cid!]);
    const { comment: annsComment } = await http.json<{ comment: { id: string } }>('POST', `/api/works/${cidsWork.id}/comments`, {
      token: ann!.token,
      body: { body: 'first!' },
    });
    await http.json('POST', `/api/users/${ann!.id}/follow`, { token: bob!.token, expect: 200 });
    await http.json('POST', `/api/users/${bob!.id}/follow`, { token: ann!.token, expect: 200 });

    expect(await http.json<BlockResponse>('POST', `/api/users/${bob!.id}/block`, { token: ann!.token, expect: 200 })).toEqual({
      blocked: true,
    });
    expect(await http.json<SocialSummary>('GET', `/api/users/${bob!.id}/social`, { token: ann!.token })).toEqual({
      followers: 0,
      following: 0,
      followedByMe: false,
      blockedByMe: true,
    });
    const status = async (method: string, route: string, body?: unknown) =>
      (await http.request(method, route, { token: bob!.token, ...(body === undefined ? {} : { body }) })).status;
    expect(await status('POST', `/api/users/${ann!.id}/follow`)).toBe(403);
    expect(await status('POST', `/api/works/${annsWork.id}/comments`, { body: 'hey' })).toBe(403);
    expect(await status('POST', `/api/works/${sharedWork.id}/comments`, { body: 'hey' })).toBe(403);
    expect(await status('POST', `/api/works/${cidsWork.id}/comments`, { body: 'hey', parentId: annsComment.id })).toBe(403);
    // Liking is not refused, but Ann hears nothing of it.
    expect(await status('POST', `/api/works/${annsWork.id}/like`)).toBe(200);
    await server.social.idle();
    expect((await http.json<NotificationPage>('GET', '/api/notifications', { token: ann!.token })).items).toEqual([]);
    expect((await http.json<CommentPage>('GET', `/api/works/${annsWork.id}/comments`)).items).toEqual([]);
    // Ann, blocking, cannot follow Bob either until she unblocks.
    expect((await http.request('POST', `/api/users/${bob!.id}/follow`, { token: ann!.token })).status).toBe(403);
    expect(await http.json<BlockResponse>('DELETE', `/api/users/${bob!.id}/block`, { token: ann!.token, expect: 200 })).toEqual({
      blocked: false,
    });
    expect(await status('POST', `/api/users/${ann!.id}/follow`)).toBe(200);
  });

  it("take the blocked user's works and comments out of the blocker's feeds, tags, search and work pages", async () => {
    const server = await startServer();
    const http = api(server.url);
    const [ann, bob, cid] = await Promise.all(['Ann', 'Bob', 'Cid'].map((n) => person(server, n)));
    await seedWork(server, [bob!], { title: 'Bob alone', tags: ['sea'] });
    await seedWork(server, [cid!, bob!], { title: 'Cid with Bob', tags: ['sea'] });
    const cids = await seedWork(server, [cid!], { title: 'Cid alone', tags: ['sea'] });
    await http.json('POST', `/api/works/${cids.id}/comments`, { token: bob!.token, body: { body: 'from Bob' } });
    await http.json('POST', `/api/works/${cids.id}/comments`, { token: cid!.token, body: { body: 'from Cid' } });
    await http.json('POST', `/api/users/${cid!.id}/follow`, { token: ann!.token, expect: 200 });
    await http.json('POST', `/api/users/${bob!.id}/block`, { token: ann!.token, expect: 200 });

    const titles = async (route: string, token?: string) =>
      ((await http.json<GalleryPage | SearchPage>('GET', route, token ? { token } : {})).items as Work[]).map((w) => w.title);
    for (const route of [
      '/api/gallery',
      '/api/gallery?sort=top',
      '/api/gallery?tag=sea',
      '/api/gallery?sort=following',
      '/api/search?q=alone',
    ]) {
      expect(await titles(route, ann!.token), route).toEqual(['Cid alone']);
    }
    expect(await titles('/api/gallery')).toEqual(['Cid alone', 'Cid with Bob', 'Bob alone']);
    expect(await titles('/api/gallery', cid!.token)).toEqual(['Cid alone', 'Cid with Bob', 'Bob alone']);
    expect((await http.json<CommentPage>('GET', `/api/works/${cids.id}/comments`, { token: ann!.token })).items.map((c) => c.body)).toEqual(
      ['from Cid'],
    );
    expect(((await http.json<SearchPage>('GET', '/api/search?q=bob&type=users', { token: ann!.token })).items as unknown[]).length).toBe(0);
  });

  it('refuse blocking yourself or nobody', async () => {
    const server = await startServer();
    const http = api(server.url);
    const ann = await person(server, 'Ann');
    expect((await http.request('POST', `/api/users/${ann.id}/block`, { token: ann.token })).status).toBe(400);
    expect((await http.request('POST', `/api/users/${'z'.repeat(22)}/block`, { token: ann.token })).status).toBe(404);
    expect((await http.request('POST', `/api/users/${ann.id}/block`)).status).toBe(401);
  });

  it("keep the blocked out of the blocker's rooms on both transports and HTTP, invite or not; their rooms leave the blocker's list", async () => {
    const server = await startServer();
    const http = api(server.url);
    const [ann, bob] = await Promise.all(['Ann', 'Bob'].map((n) => person(server, n)));
    const { room, invites } = await http.room(ann!.token, { title: "Ann's" });
    const bobsRoom = await http.room(bob!.token, { title: "Bob's" });
    expect(await join(server.url, bob!.token, room.id)).toMatchObject({ ok: true, role: 'editor' });
    await join(server.url, ann!.token, bobsRoom.room.id);
    await http.json('POST', `/api/users/${bob!.id}/block`, { token: ann!.token, expect: 200 });

    for (const invite of [undefined, invites.edit]) {
      expect(await join(server.url, bob!.token, room.id, invite)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    const ws = rawYjsSocket(server.url, `/yjs/${room.id}?token=${bob!.token}&invite=${invites.edit}`);
    expect((await ws.closed).code).toBe(4403);
    expect((await http.request('GET', `/api/rooms/${room.id}`, { token: bob!.token })).status).toBe(403);
    expect((await http.json<{ items: Array<{ id: string }> }>('GET', '/api/rooms', { token: ann!.token })).items.map((r) => r.id)).toEqual([
      room.id,
    ]);
    // The owner still enters, and others too.
    expect(await join(server.url, ann!.token, room.id)).toMatchObject({ ok: true, role: 'owner' });
    const cid = await person(server, 'Cid');
    expect(await join(server.url, cid.token, room.id)).toMatchObject({ ok: true });
    await http.json('DELETE', `/api/users/${bob!.id}/block`, { token: ann!.token, expect: 200 });
    expect(await join(server.url, bob!.token, room.id)).toMatchObject({ ok: true });
  });
});
