import { describe, expect, it } from 'vitest';
import type * as Y from 'yjs';
import { ROOTS } from '../../shared/doc-schema.ts';
import type { CreateRoomResponse, GalleryPage, GetRoomResponse, Work } from '../../shared/protocol.ts';
import { connectSocket, joinWithSocketIo } from '../helpers/clients.ts';
import { api, startServer, waitFor } from '../helpers/server.ts';
import { addLayer, published, stripes, studio } from './helpers.ts';

const layers = (doc: Y.Doc) =>
  doc
    .getArray<Y.Map<unknown>>(ROOTS.layers)
    .toArray()
    .map((layer) => layer.toJSON());

describe('remix', () => {
  it('starts a room owned by the caller from the work as published (not later edits); its next publish has remixOf', async () => {
    const server = await startServer();
    const http = api(server.url);
    const ann = await studio(server, 'Ann');
    addLayer(ann.doc, {
      id: 'l2',
      src: await stripes(server, 16, 16, ['#0044ff']),
      blend: 'screen',
      opacity: 0.5,
      x: 20,
      y: 8,
      scale: 1.5,
      rotation: -20,
      visible: false,
    });
    const original = await ann.publish('Original', 'the first one');
    const publishedLayers = layers(ann.doc);

    // Edits after publishing must not reach the remix.
    ann.doc.getText(ROOTS.prompt).insert(0, 'LATER ');
    addLayer(ann.doc, { id: 'later', src: await stripes(server, 8, 8, ['#00ff00']) });
    ann.doc.getArray<Y.Map<unknown>>(ROOTS.layers).get(0).set('opacity', 0.1);

    const bob = await http.session('Bob');
    const { room, invites } = await http.json<CreateRoomResponse>('POST', `/api/works/${original.id}/remix`, { token: bob.token });
    expect(room).toMatchObject({ ownerId: bob.user.id, remixOf: original.id, title: 'Remix of Original', linkAccess: 'edit' });
    expect(invites.edit).toBeTypeOf('string');
    expect(await http.json<GetRoomResponse>('GET', `/api/rooms/${room.id}`, { token: bob.token })).toMatchObject({
      role: 'owner',
      room: { remixOf: original.id },
    });

    const b = await joinWithSocketIo(server.url, bob.token, room.id);
    expect(b.joined.role).toBe('owner');
    expect(b.doc.getText(ROOTS.prompt).toString()).toBe("Ann's prompt");
    expect(layers(b.doc)).toEqual(publishedLayers);
    expect(b.doc.getMap(ROOTS.meta).toJSON()).toEqual({ title: 'Remix of Original', width: 64, height: 64, background: '#ffffff' });
    expect(b.doc.getArray(ROOTS.candidates).length).toBe(0);

    b.doc.getText(ROOTS.prompt).insert(0, 'remixed: ');
    const remix = await published(b.socket, room.id, { title: 'Remixed' });
    expect(remix).toMatchObject({
      remixOf: original.id,
      remixOfWork: { id: original.id, deleted: false, title: 'Original' },
      prompt: "remixed: Ann's prompt",
    });
    // Bob changed the prompt in his room; Ann's authorship stays with the original, linked through remixOf.
    expect(remix.authors.map((a) => a.id)).toEqual([bob.user.id]);

    const remixes = await http.json<GalleryPage>('GET', `/api/works/${original.id}/remixes`);
    expect(remixes.items.map((w) => w.id)).toEqual([remix.id]);
    expect((await http.json<GalleryPage>('GET', `/api/works/${remix.id}/remixes`)).items).toEqual([]);

    // A remix of a remix links to its own parent.
    const carol = await http.session('Carol');
    const again = await http.json<CreateRoomResponse>('POST', `/api/works/${remix.id}/remix`, { token: carol.token });
    expect(again.room.remixOf).toBe(remix.id);
  });

  it('needs a signed-in caller and a live work', async () => {
    const server = await startServer();
    const http = api(server.url);
    const ann = await studio(server, 'Ann');
    const work = await ann.publish('One');
    expect((await http.request('POST', `/api/works/${work.id}/remix`)).status).toBe(401);
    expect(await http.json('POST', `/api/works/${'z'.repeat(22)}/remix`, { token: ann.token, expect: 404 })).toMatchObject({
      error: { code: 'not_found' },
    });
    expect(await http.json('GET', `/api/works/${'z'.repeat(22)}/remixes`, { expect: 404 })).toMatchObject({ error: { code: 'not_found' } });
  });

  it('remixes share the room creation limit (ROOMS_PER_MINUTE)', async () => {
    const server = await startServer({ ROOMS_PER_MINUTE: '2' });
    const http = api(server.url);
    const ann = await studio(server, 'Ann'); // one room already
    const work = await ann.publish('One');
    await http.json('POST', `/api/works/${work.id}/remix`, { token: ann.token });
    const refused = await http.request('POST', `/api/works/${work.id}/remix`, { token: ann.token });
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ error: { code: 'rate_limited' } });
  });
});

describe('deleting a work', () => {
  it('only its author may; it leaves the feeds, and its remixes keep a tombstone link', async () => {
    const server = await startServer();
    const http = api(server.url);
    const ann = await studio(server, 'Ann');
    const original = await ann.publish('Doomed');
    const bob = await http.session('Bob');
    await http.json('POST', `/api/works/${original.id}/like`, { token: bob.token, expect: 200 });
    const { room } = await http.json<CreateRoomResponse>('POST', `/api/works/${original.id}/remix`, { token: bob.token });
    const b = await joinWithSocketIo(server.url, bob.token, room.id);
    b.doc.getText(ROOTS.prompt).insert(0, '!');
    const remix = await published(b.socket, room.id, { title: 'Survivor' });

    const watcher = connectSocket(server.url);
    const deleted: string[] = [];
    watcher.on('gallery:deleted', ({ id }) => deleted.push(id));
    await new Promise((resolve) => watcher.emit('gallery:subscribe', resolve));

    expect(await http.json('DELETE', `/api/works/${original.id}`, { token: bob.token, expect: 403 })).toMatchObject({
      error: { code: 'forbidden' },
    });
    expect((await http.request('DELETE', `/api/works/${original.id}`)).status).toBe(401);
    const res = await http.request('DELETE', `/api/works/${original.id}`, { token: ann.token });
    expect(res.status).toBe(204);
    expect((await http.request('DELETE', `/api/works/${original.id}`, { token: ann.token })).status).toBe(404);
    await waitFor(() => deleted.length === 1);
    expect(deleted).toEqual([original.id]);

    expect(await http.json('GET', `/api/works/${original.id}`, { expect: 404 })).toEqual({
      error: { code: 'not_found', message: 'this work was deleted by its author' },
    });
    expect((await http.json<GalleryPage>('GET', '/api/gallery')).items.map((w) => w.id)).toEqual([remix.id]);
    expect((await http.json<GalleryPage>('GET', '/api/gallery?sort=top')).items.map((w) => w.id)).toEqual([remix.id]);
    expect(await http.json<Work>('GET', `/api/works/${remix.id}`)).toMatchObject({
      remixOf: original.id,
      remixOfWork: { id: original.id, deleted: true },
    });
    expect((await http.json<GalleryPage>('GET', `/api/works/${original.id}/remixes`)).items.map((w) => w.id)).toEqual([remix.id]);
    expect((await http.request('POST', `/api/works/${original.id}/like`, { token: bob.token })).status).toBe(404);
    expect((await http.request('POST', `/api/works/${original.id}/remix`, { token: bob.token })).status).toBe(404);
    const page = await http.request('GET', `/g/${original.id}`);
    expect(page.status).toBe(404);
    expect(await page.text()).toContain('this work was deleted by its author');
    // The remix's page says where it came from without naming what was deleted.
    expect(await (await http.request('GET', `/g/${remix.id}`)).text()).toContain('A remix of a work its author has since deleted.');

    // Publishing again from the remix room still links to the tombstone.
    const next = await published(b.socket, room.id, { title: 'Survivor 2' });
    expect(next).toMatchObject({ remixOf: original.id, remixOfWork: { id: original.id, deleted: true } });
  });
});
