// Tags, allowRemix and hidePrompt, published for real (rendered, over
// Socket.IO), and what they do to the feed, tag pages, search, remix and pages.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ROOTS } from '../../shared/doc-schema.ts';
import type { GalleryPage, Work } from '../../shared/protocol.ts';
import type { SearchPage, TagCount } from '../../shared/social.ts';
import { publish, studio } from '../gallery/helpers.ts';
import { api, startServer } from '../helpers/server.ts';

const many = { PUBLISHES_PER_MINUTE: '1000' };

describe('publish options', () => {
  it('tags from `tags` and the description, normalised, at most ten; the feed filters by tag; popular tags', async () => {
    const server = await startServer(many);
    const http = api(server.url);
    const ann = await studio(server, 'Ann');
    const ack = await publish(ann.socket, ann.roomId, {
      title: 'Keeper',
      description: 'A #Lighthouse at #dawn, see item #1 and mail&#39;s #dawn again',
      tags: ['#Sea', 'storm-light', 'sea'],
    });
    if (!ack.ok) throw new Error(ack.error.message);
    expect(ack.work.tags).toEqual(['sea', 'storm-light', 'lighthouse', 'dawn']);
    const other = await publish(ann.socket, ann.roomId, { title: 'Other', tags: ['sea'] });
    expect(other.ok).toBe(true);

    const eleven = Array.from({ length: 11 }, (_, i) => `t${i}`);
    for (const tags of [eleven, ['<script>'], ['a'.repeat(33)], ['']]) {
      const refused = await publish(ann.socket, ann.roomId, { title: 'Refused', tags });
      expect(refused, JSON.stringify(tags)).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    }
    const capped = await publish(ann.socket, ann.roomId, { title: 'Capped', tags: eleven.slice(0, 10), description: '#extra' });
    expect(capped.ok && capped.work.tags).toEqual(eleven.slice(0, 10));

    const byTag = async (tag: string, sort = 'new') =>
      (await http.json<GalleryPage>('GET', `/api/gallery?tag=${encodeURIComponent(tag)}&sort=${sort}`)).items.map((w) => w.title);
    expect(await byTag('sea')).toEqual(['Other', 'Keeper']);
    expect(await byTag('SEA', 'top')).toEqual(['Other', 'Keeper']);
    expect(await byTag('lighthouse')).toEqual(['Keeper']);
    expect(await byTag('nothing-here')).toEqual([]);
    expect((await http.request('GET', '/api/gallery?tag=%3Cb%3E')).status).toBe(400);
    const { items } = await http.json<{ items: TagCount[] }>('GET', '/api/tags?limit=2');
    expect(items).toEqual([
      { tag: 'sea', works: 2 },
      { tag: 'dawn', works: 1 },
    ]);
  });

  it('allowRemix: false refuses remixes with forbidden; hidePrompt keeps the prompt out of the API, pages, feeds, search and remixes', async () => {
    const server = await startServer(many);
    const http = api(server.url);
    const ann = await studio(server, 'Ann');
    ann.doc.getText(ROOTS.prompt).insert(0, ' with a zeppelin secretword');
    // A placed candidate is named after its prompt's first words: the name is the prompt too.
    (ann.doc.getArray(ROOTS.layers).get(0) as Y.Map<unknown>).set('name', 'zeppelin secretword');
    const closed = await publish(ann.socket, ann.roomId, { title: 'Closed', allowRemix: false });
    const hidden = await publish(ann.socket, ann.roomId, { title: 'Hidden prompt', hidePrompt: true });
    if (!closed.ok || !hidden.ok) throw new Error('publish failed');
    expect(closed.work).toMatchObject({ allowRemix: false, hidePrompt: false });
    expect(closed.work.prompt).toContain('secretword');
    expect(hidden.work).toMatchObject({ allowRemix: true, hidePrompt: true, prompt: '' });

    const bob = await http.session('Bob');
    const refused = await http.request('POST', `/api/works/${closed.work.id}/remix`, { token: bob.token });
    expect(refused.status).toBe(403);
    expect((await refused.json()).error.code).toBe('forbidden');

    expect((await http.json<Work>('GET', `/api/works/${hidden.work.id}`)).prompt).toBe('');
    const feed = await http.json<GalleryPage>('GET', '/api/gallery');
    expect(feed.items.find((w) => w.id === hidden.work.id)!.prompt).toBe('');
    const page = await (await http.request('GET', `/g/${hidden.work.id}`)).text();
    const atom = await (await http.request('GET', '/gallery.atom')).text();
    expect(page).not.toContain('secretword');
    const entry = atom.split('<entry>').find((e) => e.includes('Hidden prompt'));
    expect(entry).not.toContain('secretword');
    expect(atom).toContain('secretword'); // the other work's
    const found = await http.json<SearchPage>('GET', '/api/search?q=secretword');
    expect((found.items as Work[]).map((w) => w.title)).toEqual(['Closed']);
    expect(((await http.json<SearchPage>('GET', '/api/search?q=hidden')).items as Work[]).map((w) => w.title)).toEqual(['Hidden prompt']);

    const remix = await http.json<{ room: { id: string } }>('POST', `/api/works/${hidden.work.id}/remix`, { token: bob.token });
    const doc = new Y.Doc();
    Y.applyUpdate(doc, (await server.store.docLog.load(remix.room.id)).update!);
    expect(doc.getText(ROOTS.prompt).toString()).toBe('');
    expect(doc.getArray(ROOTS.layers).length).toBe(1);
    expect((doc.getArray(ROOTS.layers).get(0) as Y.Map<unknown>).get('name')).toBe('Layer 1');
  });

  it('search: works by words and prefixes, users by name; bad queries refused', async () => {
    const server = await startServer(many);
    const http = api(server.url);
    const ann = await studio(server, 'Annabel');
    await ann.publish('Lighthouse at dawn', 'waves on granite');
    await ann.publish('Harbour at night');
    const works = async (q: string) =>
      ((await http.json<SearchPage>('GET', `/api/search?q=${encodeURIComponent(q)}`)).items as Work[]).map((w) => w.title);
    expect(await works('lighthouse')).toEqual(['Lighthouse at dawn']);
    expect(await works('lightho')).toEqual(['Lighthouse at dawn']);
    expect(await works('AT')).toEqual(['Harbour at night', 'Lighthouse at dawn']);
    expect(await works('granite waves')).toEqual(['Lighthouse at dawn']);
    expect(await works('"; DROP TABLE works; --')).toEqual([]);
    expect(await works('NEAR(a b) OR * ^x')).toEqual([]);
    const first = await http.json<SearchPage>('GET', '/api/search?q=at&limit=1');
    const second = await http.json<SearchPage>('GET', `/api/search?q=at&limit=1&cursor=${first.nextCursor}`);
    expect((second.items as Work[]).map((w) => w.title)).toEqual(['Lighthouse at dawn']);
    expect(second.nextCursor).toBeNull();

    const users = await http.json<SearchPage>('GET', '/api/search?q=anna&type=users');
    expect(users.items).toEqual([{ id: ann.user.id, name: 'Annabel', color: ann.user.color }]);
    for (const q of ['', '   ', '!!!', 'x'.repeat(201)]) {
      const res = await http.request('GET', `/api/search?q=${encodeURIComponent(q)}`);
      expect(res.status, q).toBe(400);
    }
    expect((await http.request('GET', '/api/search?q=a&type=rooms')).status).toBe(400);
    expect((await http.request('GET', '/api/search?q=at&cursor=nonsense')).status).toBe(400);
  });
});
