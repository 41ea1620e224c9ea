import { describe, expect, it } from 'vitest';
import type { GalleryPage, LikeResponse, Work } from '../../shared/protocol.ts';
import { connectSocket } from '../helpers/clients.ts';
import { api, startServer, waitFor } from '../helpers/server.ts';
import { studio } from './helpers.ts';

const many = { PUBLISHES_PER_MINUTE: '1000' };

describe('the gallery feed', () => {
  it('sort=new pages newest first; works published between pages cause no duplicates and no gaps', async () => {
    const server = await startServer(many);
    const http = api(server.url);
    const ann = await studio(server, 'Ann');
    const before: Work[] = [];
    for (let i = 1; i <= 5; i++) before.push(await ann.publish(`w${i}`));

    const first = await http.json<GalleryPage>('GET', '/api/gallery?sort=new&limit=2');
    expect(first.items.map((w) => w.title)).toEqual(['w5', 'w4']);
    await ann.publish('late 1');
    const second = await http.json<GalleryPage>('GET', `/api/gallery?sort=new&limit=2&cursor=${first.nextCursor}`);
    expect(second.items.map((w) => w.title)).toEqual(['w3', 'w2']);
    await ann.publish('late 2');
    const third = await http.json<GalleryPage>('GET', `/api/gallery?sort=new&limit=2&cursor=${second.nextCursor}`);
    expect(third.items.map((w) => w.title)).toEqual(['w1']);
    expect(third.nextCursor).toBeNull();

    const fresh = await http.json<GalleryPage>('GET', '/api/gallery');
    expect(fresh.items.map((w) => w.title)).toEqual(['late 2', 'late 1', 'w5', 'w4', 'w3', 'w2', 'w1']);
    expect(fresh.nextCursor).toBeNull();
  });

  it('sort=top orders by likes, newest first among equals, and pages through inserts without duplicates or gaps', async () => {
    const server = await startServer(many);
    const http = api(server.url);
    const ann = await studio(server, 'Ann');
    const works: Record<string, Work> = {};
    for (const title of ['a', 'b', 'c', 'd', 'e']) works[title] = await ann.publish(title);
    const fans = await Promise.all(['F1', 'F2', 'F3'].map((name) => http.session(name)));
    const like = (title: string, fan: number) =>
      http.json<LikeResponse>('POST', `/api/works/${works[title]!.id}/like`, { token: fans[fan]!.token, expect: 200 });
    await like('b', 0);
    await like('b', 1);
    await like('b', 2);
    await like('d', 0);
    await like('a', 1);

    const all = await http.json<GalleryPage>('GET', '/api/gallery?sort=top');
    expect(all.items.map((w) => [w.title, w.likes])).toEqual([
      ['b', 3],
      ['d', 1],
      ['a', 1],
      ['e', 0],
      ['c', 0],
    ]);

    const seen: string[] = [];
    let cursor: string | null = null;
    let page = 0;
    do {
      const query: string = cursor === null ? '' : `&cursor=${cursor}`;
      const res: GalleryPage = await http.json<GalleryPage>('GET', `/api/gallery?sort=top&limit=2${query}`);
      seen.push(...res.items.map((w) => w.title));
      cursor = res.nextCursor;
      // New works (no likes yet, newest) arrive while we read.
      await ann.publish(`new ${++page}`);
    } while (cursor !== null);
    const original = ['b', 'd', 'a', 'e', 'c'];
    expect(seen.filter((t) => original.includes(t))).toEqual(original);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('validates limit and cursor, and refuses a cursor of the other sort', async () => {
    const server = await startServer(many);
    const http = api(server.url);
    const ann = await studio(server, 'Ann');
    for (let i = 0; i < 3; i++) await ann.publish(`w${i}`);
    const page = await http.json<GalleryPage>('GET', '/api/gallery?sort=new&limit=1');
    expect(page.items).toHaveLength(1);
    const bad = async (query: string, message: RegExp) => {
      const res = await http.request('GET', `/api/gallery?${query}`);
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('bad_request');
      expect(body.error.message).toMatch(message);
    };
    await bad('limit=0', /limit/);
    await bad('limit=101', /limit/);
    await bad('limit=ten', /limit/);
    await bad('sort=old', /sort/);
    await bad('cursor=garbage', /cursor/);
    await bad(`cursor=${Buffer.from('["n",-1]').toString('base64url')}`, /cursor/);
    await bad(`sort=top&cursor=${page.nextCursor}`, /cursor: it belongs to sort=new/);
    const full = await http.json<GalleryPage>('GET', '/api/gallery?limit=100');
    expect(full.items).toHaveLength(3);
    const defaults = await http.json<GalleryPage>('GET', '/api/gallery');
    expect(defaults.items).toHaveLength(3);
  });

  it('answers with an ETag and a short max-age (GALLERY_MAX_AGE_SECONDS), and 304 when nothing changed', async () => {
    const server = await startServer({ ...many, GALLERY_MAX_AGE_SECONDS: '7' });
    const http = api(server.url);
    const ann = await studio(server, 'Ann');
    await ann.publish('one');
    const res = await http.request('GET', '/api/gallery');
    expect(res.headers.get('cache-control')).toBe('public, max-age=7');
    const etag = res.headers.get('etag');
    expect(etag).toMatch(/^"/);
    // fetch() adds `Cache-Control: no-cache` to conditional requests unless told otherwise, as a reload would.
    const revalidate = { 'If-None-Match': etag!, 'Cache-Control': 'max-age=0' };
    const again = await http.request('GET', '/api/gallery', { headers: revalidate });
    expect(again.status).toBe(304);
    await ann.publish('two');
    const changed = await http.request('GET', '/api/gallery', { headers: revalidate });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
    // Signed in, the items say what the caller likes: private to them.
    const mine = await http.request('GET', '/api/gallery', { token: ann.token });
    expect(mine.headers.get('cache-control')).toBe('private, max-age=7');
    expect(((await mine.json()) as GalleryPage).items.every((w) => w.liked === false)).toBe(true);
    // Their ETag follows their likes too.
    const mineTag = mine.headers.get('etag')!;
    expect(mineTag).not.toBe(changed.headers.get('etag'));
    expect(
      (await http.request('GET', '/api/gallery', { token: ann.token, headers: { 'If-None-Match': mineTag, 'Cache-Control': 'max-age=0' } }))
        .status,
    ).toBe(304);
    const newest = ((await changed.json()) as GalleryPage).items[0]!;
    await http.json('POST', `/api/works/${newest.id}/like`, { token: ann.token, expect: 200 });
    const liked = await http.request('GET', '/api/gallery', {
      token: ann.token,
      headers: { 'If-None-Match': mineTag, 'Cache-Control': 'max-age=0' },
    });
    expect(liked.status).toBe(200);
    expect(((await liked.json()) as GalleryPage).items.map((w) => w.liked)).toEqual([true, false]);
    const defaults = await startServer(many);
    expect((await api(defaults.url).request('GET', '/api/gallery')).headers.get('cache-control')).toBe('public, max-age=5');
  });
});

describe('the feed cache (GALLERY_CACHE_MS)', () => {
  it('reuses a page for everyone until it expires, except that publishing or deleting clears it at once', async () => {
    const server = await startServer({ ...many, GALLERY_CACHE_MS: '600000' });
    const http = api(server.url);
    const ann = await studio(server, 'Ann');
    const one = await ann.publish('one');
    const bob = await http.session('Bob');
    const likes = async (token?: string) =>
      (await http.json<GalleryPage>('GET', '/api/gallery', { token })).items.map((w) => [w.title, w.likes, w.liked]);
    expect(await likes()).toEqual([['one', 0, undefined]]);
    await http.json('POST', `/api/works/${one.id}/like`, { token: bob.token, expect: 200 });
    // The like count in the shared page waits for the cache; the caller's own like never does.
    expect(await likes()).toEqual([['one', 0, undefined]]);
    expect(await likes(bob.token)).toEqual([['one', 0, true]]);
    expect(await likes(ann.token)).toEqual([['one', 0, false]]);
    expect((await http.json<Work>('GET', `/api/works/${one.id}`)).likes).toBe(1);
    const two = await ann.publish('two');
    expect(await likes()).toEqual([
      ['two', 0, undefined],
      ['one', 1, undefined],
    ]);
    await http.json('POST', `/api/works/${two.id}/like`, { token: bob.token, expect: 200 });
    await http.request('DELETE', `/api/works/${one.id}`, { token: ann.token });
    expect(await likes()).toEqual([['two', 1, undefined]]);
  });

  it('with 0, every read is fresh', async () => {
    const server = await startServer({ ...many, GALLERY_CACHE_MS: '0' });
    const http = api(server.url);
    const ann = await studio(server, 'Ann');
    const one = await ann.publish('one');
    await http.json('GET', '/api/gallery');
    await http.json('POST', `/api/works/${one.id}/like`, { token: ann.token, expect: 200 });
    expect((await http.json<GalleryPage>('GET', '/api/gallery')).items[0]!.likes).toBe(1);
    expect((await http.json<GalleryPage>('GET', '/api/gallery?sort=top')).items[0]!.likes).toBe(1);
  });
});

describe('likes', () => {
  it('counts one like per user, unlikes, refuses anonymous callers, and tells gallery subscribers', async () => {
    const server = await startServer();
    const http = api(server.url);
    const ann = await studio(server, 'Ann');
    const work = await ann.publish('liked');
    const bob = await http.session('Bob');
    const watcher = connectSocket(server.url);
    const events: Array<{ id: string; likes: number }> = [];
    watcher.on('gallery:liked', (like) => events.push(like));
    const subscribed = await new Promise((resolve) => watcher.emit('gallery:subscribe', resolve));
    expect(subscribed).toEqual({ ok: true, subscribed: true });

    const route = `/api/works/${work.id}/like`;
    expect(await http.json('POST', route, { token: bob.token, expect: 200 })).toEqual({ likes: 1, liked: true });
    expect(await http.json('POST', route, { token: bob.token, expect: 200 })).toEqual({ likes: 1, liked: true });
    expect(await http.json('POST', route, { token: ann.token, expect: 200 })).toEqual({ likes: 2, liked: true });
    expect(await http.json<Work>('GET', `/api/works/${work.id}`, { token: bob.token })).toMatchObject({ likes: 2, liked: true });
    expect(await http.json('DELETE', route, { token: bob.token })).toEqual({ likes: 1, liked: false });
    expect(await http.json('DELETE', route, { token: bob.token })).toEqual({ likes: 1, liked: false });
    expect(await http.json<Work>('GET', `/api/works/${work.id}`, { token: bob.token })).toMatchObject({ likes: 1, liked: false });
    expect(await http.json<Work>('GET', `/api/works/${work.id}`)).not.toHaveProperty('liked');

    const anonymous = await http.request('POST', route);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: { code: 'unauthorized' } });
    expect((await http.request('DELETE', route)).status).toBe(401);
    expect((await http.request('POST', route, { token: 'forged.token' })).status).toBe(401);
    expect(await http.json('POST', `/api/works/${'x'.repeat(22)}/like`, { token: bob.token, expect: 404 })).toMatchObject({
      error: { code: 'not_found' },
    });
    expect(await http.json('POST', '/api/works/nope/like', { token: bob.token, expect: 404 })).toMatchObject({
      error: { code: 'not_found' },
    });
    expect((await http.json<Work>('GET', `/api/works/${work.id}`)).likes).toBe(1);

    // Only real changes are announced: +1, +1, −1.
    await waitFor(() => events.length === 3);
    expect(events).toEqual([
      { id: work.id, likes: 1 },
      { id: work.id, likes: 2 },
      { id: work.id, likes: 1 },
    ]);
  });

  it('stops telling a socket that unsubscribed', async () => {
    const server = await startServer();
    const http = api(server.url);
    const ann = await studio(server, 'Ann');
    const watcher = connectSocket(server.url, ann.token);
    const titles: string[] = [];
    watcher.on('gallery:published', (work) => titles.push(work.title));
    await new Promise((resolve) => watcher.emit('gallery:subscribe', resolve));
    await ann.publish('heard');
    await waitFor(() => titles.length === 1);
    watcher.emit('gallery:unsubscribe');
    // A round trip on the same socket: events are handled in order, so the unsubscribe is done once this answers.
    await new Promise((resolve) => watcher.emit('room:join', 'x'.repeat(22), {}, resolve));
    await ann.publish('not heard');
    const other = connectSocket(server.url);
    const late: string[] = [];
    other.on('gallery:published', (work) => late.push(work.title));
    await new Promise((resolve) => other.emit('gallery:subscribe', resolve));
    await ann.publish('third');
    await waitFor(() => late.length === 1);
    expect(titles).toEqual(['heard']);
    expect((await http.json<GalleryPage>('GET', '/api/gallery')).items).toHaveLength(3);
  });
});
