import { describe, expect, it } from 'vitest';
import { workChannel } from '../../server/realtime/events/channels.ts';
import type { CommentPage, CommentResponse, NotificationPage } from '../../shared/social.ts';
import { type Api, api, startServer, WAIT_BUDGET_MS, waitFor } from '../helpers/server.ts';
import { listen, person, seedWork } from './helpers.ts';

/** Posts a comment on the work as `who` (an answer to `parentId`, if given) and returns it. */
function commenter(http: Api, workId: string) {
  return async (who: { token: string }, body: string, parentId?: string) =>
    (
      await http.json<CommentResponse>('POST', `/api/works/${workId}/comments`, {
        token: who.token,
        body: parentId ? { body, parentId } : { body },
      })
    ).comment;
}

describe('comments', () => {
  it('thread one level, oldest first: a reply to a reply joins its thread', async () => {
    const server = await startServer();
    const http = api(server.url);
    const [ann, bob, cid] = await Promise.all(['Ann', 'Bob', 'Cid'].map((n) => person(server, n)));
    const work = await seedWork(server, [ann!]);
    const post = commenter(http, work.id);
    const first = await post(bob!, 'Lovely light');
    const second = await post(cid!, 'The sea!');
    const reply = await post(ann!, 'Thank you', first.id);
    const replyToReply = await post(cid!, 'Agreed', reply.id);
    expect(first).toMatchObject({
      workId: work.id,
      parentId: null,
      author: { id: bob!.id, name: 'Bob' },
      body: 'Lovely light',
      mentions: [],
      editedAt: null,
    });
    expect(replyToReply.parentId).toBe(first.id);

    const page = await http.json<CommentPage>('GET', `/api/works/${work.id}/comments`);
    expect(page.items.map((c) => c.body)).toEqual(['Lovely light', 'Thank you', 'Agreed', 'The sea!']);
    const firstTwo = await http.json<CommentPage>('GET', `/api/works/${work.id}/comments?limit=2`);
    const next = await http.json<CommentPage>('GET', `/api/works/${work.id}/comments?limit=2&cursor=${firstTwo.nextCursor}`);
    expect(next.items.map((c) => c.id)).toEqual([replyToReply.id, second.id]);
    expect(next.nextCursor).toBeNull();
  });

  it('keep bodies as plain text: markup comes back exactly as written', async () => {
    const server = await startServer();
    const http = api(server.url);
    const ann = await person(server, 'Ann');
    const work = await seedWork(server, [ann]);
    const body = '<img src=x onerror=alert(1)> & <script>alert("x")</script> \u2028 é';
    const { comment } = await http.json<CommentResponse>('POST', `/api/works/${work.id}/comments`, { token: ann.token, body: { body } });
    expect(comment.body).toBe(body);
    expect((await http.json<CommentPage>('GET', `/api/works/${work.id}/comments`)).items[0]!.body).toBe(body);
  });

  it('refuse bad bodies and missing, deleted or hidden works with a typed error, storing nothing', async () => {
    const server = await startServer();
    const http = api(server.url);
    const ann = await person(server, 'Ann');
    const work = await seedWork(server, [ann]);
    const gone = await seedWork(server, [ann]);
    await server.gallery.delete(gone.id, ann.id);
    const hidden = await seedWork(server, [ann]);
    await server.store.social.moderation.setHidden('work', hidden.id, new Date().toISOString());
    const refused = async (workId: string, body: unknown, status: number, code: string, token: string | null = ann.token) => {
      const res = await http.request('POST', `/api/works/${workId}/comments`, { ...(token ? { token } : {}), body });
      expect(res.status, JSON.stringify(body).slice(0, 40)).toBe(status);
      expect((await res.json()).error.code).toBe(code);
    };
    await refused(work.id, { body: 'x'.repeat(2001) }, 413, 'too_large');
    await refused(work.id, { body: '   ' }, 400, 'bad_request');
    await refused(work.id, { body: 'bell\u0007' }, 400, 'bad_request');
    await refused(work.id, { body: 42 }, 400, 'bad_request');
    await refused(work.id, { body: 'hi', extra: true }, 400, 'bad_request');
    await refused(work.id, { body: 'hi', parentId: 'x'.repeat(22) }, 404, 'not_found');
    await refused(work.id, { body: 'hi' }, 401, 'unauthorized', null);
    await refused('x'.repeat(22), { body: 'hi' }, 404, 'not_found');
    await refused(gone.id, { body: 'hi' }, 404, 'not_found');
    await refused(hidden.id, { body: 'hi' }, 404, 'not_found');
    // 2,000 characters is fine.
    await http.json('POST', `/api/works/${work.id}/comments`, { token: ann.token, body: { body: 'y'.repeat(2000) } });
    expect((await http.json<CommentPage>('GET', `/api/works/${work.id}/comments`)).items.map((c) => c.body.length)).toEqual([2000]);
    expect(await server.store.social.comments.count(hidden.id)).toBe(0);
  });

  it('COMMENTS_PER_MINUTE limits each user, counting only comments that could be posted', async () => {
    const server = await startServer({ COMMENTS_PER_MINUTE: '2' });
    const http = api(server.url);
    const ann = await person(server, 'Ann');
    const work = await seedWork(server, [ann]);
    // Refused for what they say, they spend none of the minute's comments.
    for (const body of ['bell\u0007', '  ', 'x'.repeat(2001)]) {
      const res = await http.request('POST', `/api/works/${work.id}/comments`, { token: ann.token, body: { body } });
      expect(res.status).toBeLessThan(429);
    }
    for (const body of ['one', 'two']) await http.json('POST', `/api/works/${work.id}/comments`, { token: ann.token, body: { body } });
    const res = await http.request('POST', `/api/works/${work.id}/comments`, { token: ann.token, body: { body: 'three' } });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBeNull();
    expect((await http.json<CommentPage>('GET', `/api/works/${work.id}/comments`)).items).toHaveLength(2);
  });

  it('edit: only by the author, within COMMENT_EDIT_MINUTES', async () => {
    const server = await startServer();
    const http = api(server.url);
    const [ann, bob] = await Promise.all(['Ann', 'Bob'].map((n) => person(server, n)));
    const work = await seedWork(server, [ann!]);
    const { comment } = await http.json<CommentResponse>('POST', `/api/works/${work.id}/comments`, {
      token: bob!.token,
      body: { body: 'tpyo' },
    });
    const edited = await http.json<CommentResponse>('PATCH', `/api/comments/${comment.id}`, {
      token: bob!.token,
      body: { body: 'typo' },
      expect: 200,
    });
    expect(edited.comment).toMatchObject({ id: comment.id, body: 'typo', editedAt: expect.any(String) });
    const byAnn = await http.request('PATCH', `/api/comments/${comment.id}`, { token: ann!.token, body: { body: 'mine now' } });
    expect(byAnn.status).toBe(403);

    const frozen = await startServer({ COMMENT_EDIT_MINUTES: '0' });
    const fhttp = api(frozen.url);
    const cid = await person(frozen, 'Cid');
    const fwork = await seedWork(frozen, [cid]);
    const late = await fhttp.json<CommentResponse>('POST', `/api/works/${fwork.id}/comments`, {
      token: cid.token,
      body: { body: 'first' },
    });
    await new Promise((r) => setTimeout(r, 5));
    const res = await fhttp.request('PATCH', `/api/comments/${late.comment.id}`, { token: cid.token, body: { body: 'second' } });
    expect(res.status).toBe(403);
    expect((await fhttp.json<CommentPage>('GET', `/api/works/${fwork.id}/comments`)).items[0]!.body).toBe('first');
  });

  it("delete: by the author, the work's authors or a moderator, never anyone else; replies go with it", async () => {
    const server = await startServer();
    const mod = await person(server, 'Mod');
    // MODERATORS is read when used: a second server on the same data names the moderator.
    const modServer = await startServer({ DATA_DIR: server.config.dataDir, MODERATORS: mod.id });
    const http = api(server.url);
    const [ann, bob, cid] = await Promise.all(['Ann', 'Bob', 'Cid'].map((n) => person(server, n)));
    const work = await seedWork(server, [ann!, bob!]);
    const post = commenter(http, work.id);
    const remove = (who: { token: string }, id: string, via = http) => via.request('DELETE', `/api/comments/${id}`, { token: who.token });
    const a = await post(cid!, 'a');
    const b = await post(cid!, 'b');
    await post(ann!, 'reply to b', b.id);
    const c = await post(cid!, 'c');
    const d = await post(ann!, 'd');
    expect((await remove(cid!, d.id)).status).toBe(403);
    expect((await remove(cid!, a.id)).status).toBe(204);
    expect((await remove(bob!, b.id)).status).toBe(204);
    expect((await remove(mod, c.id, api(modServer.url))).status).toBe(204);
    expect((await remove(cid!, c.id)).status).toBe(404);
    expect((await http.json<CommentPage>('GET', `/api/works/${work.id}/comments`)).items.map((x) => x.body)).toEqual(['d']);
  });

  it('reach work:subscribe sockets live: added, updated, removed; likes too; a blocker is spared the blocked', async () => {
    const server = await startServer();
    const http = api(server.url);
    const [ann, bob, cid] = await Promise.all(['Ann', 'Bob', 'Cid'].map((n) => person(server, n)));
    const work = await seedWork(server, [ann!]);
    const watcher = await listen(server.url);
    const blocker = await listen(server.url, cid!.token);
    expect(await watcher.subscribe(work.id)).toEqual({ ok: true, subscribed: true });
    expect(await blocker.subscribe(work.id)).toEqual({ ok: true, subscribed: true });
    await http.json('POST', `/api/users/${bob!.id}/block`, { token: cid!.token, expect: 200 });

    const { comment } = await http.json<CommentResponse>('POST', `/api/works/${work.id}/comments`, {
      token: bob!.token,
      body: { body: 'hello' },
    });
    await http.json('PATCH', `/api/comments/${comment.id}`, { token: bob!.token, body: { body: 'hello!' }, expect: 200 });
    const fromAnn = await http.json<CommentResponse>('POST', `/api/works/${work.id}/comments`, {
      token: ann!.token,
      body: { body: 'hi Bob' },
    });
    await http.json('POST', `/api/works/${work.id}/like`, { token: bob!.token, expect: 200 });
    await http.request('DELETE', `/api/comments/${comment.id}`, { token: bob!.token });
    await waitFor(() => watcher.removed.length === 1 && watcher.likes.length === 1);
    expect(watcher.added.map((c) => c.body)).toEqual(['hello', 'hi Bob']);
    expect(watcher.updated.map((c) => c.body)).toEqual(['hello!']);
    expect(watcher.likes).toEqual([{ id: work.id, likes: 1 }]);
    expect(watcher.removed).toEqual([{ id: comment.id, workId: work.id }]);
    await waitFor(() => blocker.added.length === 1);
    expect(blocker.added.map((c) => c.id)).toEqual([fromAnn.comment.id]);
    expect(blocker.updated).toEqual([]);
    // Nor in the list.
    expect((await http.json<CommentPage>('GET', `/api/works/${work.id}/comments`, { token: cid!.token })).items.map((c) => c.body)).toEqual(
      ['hi Bob'],
    );

    watcher.socket.emit('work:unsubscribe', work.id);
    // work:unsubscribe has no ack: wait until the server has taken the socket out of the work's channel.
    const channel = () => server.socketIo.io.sockets.adapter.rooms.get(workChannel(work.id));
    await waitFor(() => watcher.socket.id !== undefined && !channel()?.has(watcher.socket.id), WAIT_BUDGET_MS, 'the unsubscribe');
    await http.json('POST', `/api/works/${work.id}/comments`, { token: ann!.token, body: { body: 'after' } });
    await waitFor(() => blocker.added.length === 2);
    expect(watcher.added).toHaveLength(2);
  });

  it('work:subscribe refuses unknown works, hidden ones and too many at once', async () => {
    const server = await startServer({ WORK_SUBSCRIPTIONS_PER_CONNECTION: '2' });
    const ann = await person(server, 'Ann');
    const works = await Promise.all([1, 2, 3].map(() => seedWork(server, [ann])));
    await server.store.social.moderation.setHidden('work', works[2]!.id, new Date().toISOString());
    const socket = await listen(server.url);
    expect(await socket.subscribe('x'.repeat(22))).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await socket.subscribe('<bad>')).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await socket.subscribe(works[2]!.id)).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await socket.subscribe(works[0]!.id)).toMatchObject({ ok: true });
    expect(await socket.subscribe(works[1]!.id)).toMatchObject({ ok: true });
    expect(await socket.subscribe(works[0]!.id)).toMatchObject({ ok: true });
    const third = await seedWork(server, [ann]);
    expect(await socket.subscribe(third.id)).toMatchObject({ ok: false, error: { code: 'too_large' } });
    const malformed = await new Promise((resolve) => socket.socket.emit('work:subscribe', { toString: 'x' } as unknown as string, resolve));
    expect(malformed).toMatchObject({ ok: false, error: { code: 'bad_request' } });
  });

  it("notify the work's authors, the answered person and no one of their own comment", async () => {
    const server = await startServer();
    const http = api(server.url);
    const [ann, bob, cid] = await Promise.all(['Ann', 'Bob', 'Cid'].map((n) => person(server, n)));
    const work = await seedWork(server, [ann!, bob!]);
    const post = commenter(http, work.id);
    const top = await post(cid!, 'nice');
    const reply = await post(ann!, 'thanks', top.id);
    await server.social.idle();
    const inbox = async (who: { token: string }) =>
      (await http.json<NotificationPage>('GET', '/api/notifications', { token: who.token })).items.map((n) => [
        n.type,
        n.actor.name,
        n.commentId,
      ]);
    expect(await inbox(ann!)).toEqual([['comment', 'Cid', top.id]]);
    expect(await inbox(bob!)).toEqual([
      ['comment', 'Ann', reply.id],
      ['comment', 'Cid', top.id],
    ]);
    expect(await inbox(cid!)).toEqual([['reply', 'Ann', reply.id]]);
  });
});
