import { describe, expect, it } from 'vitest';
import type { Atelier } from '../../server/atelier.ts';
import type { GalleryPage, Work } from '../../shared/protocol.ts';
import type { AuditPage, CommentPage, CommentResponse, ModerationPage, Report, SearchPage } from '../../shared/social.ts';
import { api, startServer, waitFor } from '../helpers/server.ts';
import { listen, type Person, person, seedWork } from './helpers.ts';

/** A server whose MODERATORS names a user made on it: made, then the server restarted on the same data. */
async function withModerator(env: Record<string, string> = {}): Promise<{ server: Atelier; mod: Person }> {
  const first = await startServer(env);
  const mod = await person(first, 'Mod');
  await first.close();
  return { server: await startServer({ ...env, DATA_DIR: first.config.dataDir, MODERATORS: `someone-else, ${mod.id}` }), mod };
}

describe('reports and moderation', () => {
  it('anyone signed in reports a work, comment, user or room; bad reports are refused and store nothing', async () => {
    const server = await startServer({ REPORTS_PER_MINUTE: '5' });
    const http = api(server.url);
    const [ann, bob] = await Promise.all(['Ann', 'Bob'].map((n) => person(server, n)));
    const work = await seedWork(server, [ann!]);
    const report = (body: unknown, token = bob!.token) => http.request('POST', '/api/reports', { token, body });
    const res = await report({ target: { type: 'work', id: work.id }, reason: 'spam', note: 'buy cheap pixels' });
    expect(res.status).toBe(201);
    const { report: made } = (await res.json()) as { report: Report };
    expect(made).toMatchObject({
      target: { type: 'work', id: work.id },
      reason: 'spam',
      note: 'buy cheap pixels',
      status: 'open',
      action: null,
    });
    // Reporting again answers the same open report.
    expect(
      ((await (await report({ target: { type: 'work', id: work.id }, reason: 'other' })).json()) as { report: Report }).report.id,
    ).toBe(made.id);

    const refusals: Array<[unknown, number]> = [
      [{ target: { type: 'user', id: bob!.id }, reason: 'spam' }, 400],
      [{ target: { type: 'work', id: work.id }, reason: 'ugly' }, 400],
      [{ target: { type: 'planet', id: work.id }, reason: 'spam' }, 400],
      [{ target: { type: 'work', id: work.id }, reason: 'spam', note: 'x'.repeat(1001) }, 400],
      [{ target: { type: 'comment', id: 'x'.repeat(22) }, reason: 'spam' }, 404],
      [{ target: { type: 'room', id: 'x'.repeat(22) }, reason: 'spam' }, 404],
    ];
    for (const [body, status] of refusals) expect((await report(body)).status, JSON.stringify(body)).toBe(status);
    expect((await http.request('POST', '/api/reports', { body: { target: { type: 'work', id: work.id }, reason: 'spam' } })).status).toBe(
      401,
    );
    // REPORTS_PER_MINUTE: every attempt counted, refused ones too.
    const limited = await report({ target: { type: 'user', id: ann!.id }, reason: 'harassment' });
    expect(limited.status).toBe(429);
  });

  it('only moderators see the queue and act; MODERATORS is read when used', async () => {
    const { server, mod } = await withModerator();
    const http = api(server.url);
    const ann = await person(server, 'Ann');
    for (const route of ['/api/moderation/reports', '/api/moderation/audit']) {
      expect((await http.request('GET', route, { token: ann.token })).status, route).toBe(403);
      expect((await http.request('GET', route)).status, route).toBe(401);
    }
    // The client's check answers rather than refuses (a 403 would be a console error on /moderation).
    expect(await http.json('GET', '/api/moderation', { token: ann.token })).toEqual({ moderator: false });
    expect((await http.request('GET', '/api/moderation')).status).toBe(401);
    expect(await http.json('GET', '/api/moderation', { token: mod.token })).toEqual({ moderator: true });
    expect(await http.json<ModerationPage>('GET', '/api/moderation/reports', { token: mod.token })).toEqual({
      items: [],
      nextCursor: null,
    });
  });

  it('the queue shows the content in context; hiding a work takes it out of every feed, search, page and Atom feed but for moderators', async () => {
    const { server, mod } = await withModerator();
    const http = api(server.url);
    const [ann, bob, cid] = await Promise.all(['Ann', 'Bob', 'Cid'].map((n) => person(server, n)));
    const work = await seedWork(server, [ann!], { title: 'Offensive zeppelin', tags: ['zeppelin'] });
    const feed = await listen(server.url);
    const deleted: string[] = [];
    feed.socket.on('gallery:deleted', ({ id }) => deleted.push(id));
    feed.socket.emit('gallery:subscribe');
    for (const who of [bob!, cid!])
      await http.json('POST', '/api/reports', { token: who.token, body: { target: { type: 'work', id: work.id }, reason: 'violence' } });

    const queue = await http.json<ModerationPage>('GET', '/api/moderation/reports?status=open', { token: mod.token });
    expect(queue.items).toHaveLength(2);
    expect(queue.items[0]).toMatchObject({
      reporter: { id: bob!.id, name: 'Bob' },
      content: { type: 'work', work: { id: work.id, title: 'Offensive zeppelin' } },
      openReports: 2,
      moderated: false,
    });
    const acted = await http.json<{ report: Report }>('POST', `/api/moderation/reports/${queue.items[0]!.id}`, {
      token: mod.token,
      body: { action: 'hide' },
      expect: 200,
    });
    expect(acted.report).toMatchObject({ status: 'actioned', action: 'hide' });
    // Both reports of it are resolved at once; a second action is refused.
    expect(await http.json<ModerationPage>('GET', '/api/moderation/reports', { token: mod.token })).toEqual({
      items: [],
      nextCursor: null,
    });
    expect(
      (await http.request('POST', `/api/moderation/reports/${queue.items[1]!.id}`, { token: mod.token, body: { action: 'dismiss' } }))
        .status,
    ).toBe(409);

    const titles = (page: GalleryPage | SearchPage) => (page.items as Work[]).map((w) => w.title);
    expect(titles(await http.json<GalleryPage>('GET', '/api/gallery'))).toEqual([]);
    expect(titles(await http.json<GalleryPage>('GET', '/api/gallery?tag=zeppelin'))).toEqual([]);
    expect(titles(await http.json<SearchPage>('GET', '/api/search?q=zeppelin'))).toEqual([]);
    expect((await http.request('GET', `/api/works/${work.id}`, { token: ann!.token })).status).toBe(404);
    expect((await http.request('GET', `/g/${work.id}`)).status).toBe(404);
    expect(await (await http.request('GET', '/gallery.atom')).text()).not.toContain('zeppelin');
    expect((await http.request('POST', `/api/works/${work.id}/like`, { token: bob!.token })).status).toBe(404);
    expect((await http.json<Work>('GET', `/api/works/${work.id}`, { token: mod.token })).title).toBe('Offensive zeppelin');
    // Open feeds drop it live.
    await waitFor(() => deleted.includes(work.id));

    const audit = await http.json<AuditPage>('GET', '/api/moderation/audit', { token: mod.token });
    expect(audit.items).toEqual([
      {
        id: expect.any(String),
        moderator: { id: mod.id, name: 'Mod', color: expect.any(String) },
        action: 'hide',
        target: { type: 'work', id: work.id },
        reportId: queue.items[0]!.id,
        at: expect.any(String),
      },
    ]);
    const resolved = await http.json<ModerationPage>('GET', '/api/moderation/reports?status=actioned', { token: mod.token });
    expect(resolved.items.map((i) => [i.id, i.moderated])).toEqual([
      [queue.items[1]!.id, true],
      [queue.items[0]!.id, true],
    ]);
  });

  it('hide and remove comments (live subscribers see them go); hide a user and all they made; dismiss changes nothing', async () => {
    const { server, mod } = await withModerator();
    const http = api(server.url);
    const [ann, bob, cid] = await Promise.all(['Ann', 'Bob', 'Cid'].map((n) => person(server, n)));
    const work = await seedWork(server, [ann!]);
    const bobs = await seedWork(server, [bob!], { title: 'by Bob' });
    const watcher = await listen(server.url);
    await watcher.subscribe(work.id);
    const post = async (who: Person, body: string) =>
      (await http.json<CommentResponse>('POST', `/api/works/${work.id}/comments`, { token: who.token, body: { body } })).comment;
    const rude = await post(bob!, 'rude');
    const spam = await post(cid!, 'spam');
    const fine = await post(cid!, 'fine');
    const act = async (target: { type: string; id: string }, action: string) => {
      const { report } = await http.json<{ report: Report }>('POST', '/api/reports', {
        token: ann!.token,
        body: { target, reason: 'spam' },
      });
      return http.json<{ report: Report }>('POST', `/api/moderation/reports/${report.id}`, {
        token: mod.token,
        body: { action },
        expect: 200,
      });
    };
    await act({ type: 'comment', id: spam.id }, 'remove');
    await act({ type: 'comment', id: fine.id }, 'dismiss');
    await act({ type: 'comment', id: rude.id }, 'hide');
    await waitFor(() => watcher.removed.length === 2);
    expect(watcher.removed.map((r) => r.id).sort()).toEqual([rude.id, spam.id].sort());
    expect((await http.json<CommentPage>('GET', `/api/works/${work.id}/comments`)).items.map((c) => c.body)).toEqual(['fine']);
    expect(await server.store.social.comments.get(spam.id)).toBeNull();
    expect((await http.request('DELETE', `/api/comments/${rude.id}`, { token: bob!.token })).status).toBe(404);

    await act({ type: 'user', id: bob!.id }, 'hide');
    expect((await http.json<GalleryPage>('GET', '/api/gallery')).items.map((w) => w.title)).toEqual(['A work']);
    expect((await http.request('GET', `/api/works/${bobs.id}`)).status).toBe(404);
    expect((await http.request('GET', `/api/users/${bob!.id}/followers`)).status).toBe(404);
    expect((await http.json<SearchPage>('GET', '/api/search?q=bob&type=users')).items).toEqual([]);
  });

  it("suspend ends the user's connections and hides what was reported; moderators cannot be suspended", async () => {
    const { server, mod } = await withModerator();
    const http = api(server.url);
    const [ann, bob] = await Promise.all(['Ann', 'Bob'].map((n) => person(server, n)));
    const work = await seedWork(server, [bob!], { title: 'spam work' });
    const socket = await listen(server.url, bob!.token);
    const report = async (target: object) =>
      (await http.json<{ report: Report }>('POST', '/api/reports', { token: ann!.token, body: { target, reason: 'spam' } })).report;
    const suspended = await report({ type: 'work', id: work.id });
    await http.json('POST', `/api/moderation/reports/${suspended.id}`, { token: mod.token, body: { action: 'suspend' }, expect: 200 });
    await waitFor(() => !socket.socket.connected);
    expect(await server.store.social.moderation.isSuspended(bob!.id)).toBe(true);
    expect((await http.request('GET', `/api/works/${work.id}`)).status).toBe(404);
    const againstMod = await report({ type: 'user', id: mod.id });
    const res = await http.request('POST', `/api/moderation/reports/${againstMod.id}`, { token: mod.token, body: { action: 'suspend' } });
    expect(res.status).toBe(403);
    expect(
      (await http.request('POST', `/api/moderation/reports/${againstMod.id}`, { token: mod.token, body: { action: 'ban' } })).status,
    ).toBe(400);
    expect(
      (await http.request('POST', `/api/moderation/reports/${'x'.repeat(22)}`, { token: mod.token, body: { action: 'dismiss' } })).status,
    ).toBe(404);
  });
});
