import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ROOTS } from '../../shared/doc-schema.ts';
import { joinWithSocketIo, joinWithYWebsocket } from '../helpers/clients.ts';
import { pushLayer, testLayer } from '../helpers/layers.ts';
import { type Api, api, startServer, waitFor } from '../helpers/server.ts';
import { startJob } from '../generation/helpers.ts';
import { addLayer, published, setCanvas, stripes } from './helpers.ts';

/** Sessions for several people at once, each guaranteed. */
async function sessions<const N extends readonly string[]>(http: Api, names: N) {
  const all = await Promise.all(names.map((name) => http.session(name)));
  return all as { [K in keyof N]: (typeof all)[number] };
}

describe('contributors', () => {
  it('are whoever changed the prompt or the layers, on any transport, first contribution first; canvas settings alone do not count', async () => {
    const server = await startServer();
    const http = api(server.url);
    const [ann, bob, cid, dee, wes] = await sessions(http, ['Ann', 'Bob', 'Cid', 'Dee', 'Wes'] as const);
    const { room } = await http.room(ann.token);
    const src = await stripes(server, 16, 16, ['#336699']);

    const b = await joinWithSocketIo(server.url, bob.token, room.id);
    const c = await joinWithSocketIo(server.url, cid.token, room.id);
    const d = await joinWithSocketIo(server.url, dee.token, room.id);
    const w = await joinWithYWebsocket(server.url, wes.token, room.id);
    const a = await joinWithSocketIo(server.url, ann.token, room.id);

    b.doc.getText(ROOTS.prompt).insert(0, 'a fox');
    await waitFor(() => c.doc.getText(ROOTS.prompt).toString() === 'a fox');
    setCanvas(c.doc, 256, 256, '#000000'); // meta only
    addLayer(w.doc, { id: 'w1', src });
    await waitFor(() => d.doc.getArray(ROOTS.layers).length === 1);
    // Changing a field of an existing layer counts: the change lands inside a nested map.
    d.doc.getArray<Y.Map<unknown>>(ROOTS.layers).get(0).set('opacity', 0.5);
    await waitFor(() => a.doc.getArray<Y.Map<unknown>>(ROOTS.layers).get(0)?.get('opacity') === 0.5);

    await waitFor(async () => (await server.contributors.list(room.id)).length === 3);
    const work = await published(a.socket, room.id, { title: 'Fox' });
    // Ann only published: credited last, as the one who published.
    expect(work.authors.map((u) => u.name)).toEqual(['Bob', 'Wes', 'Dee', 'Ann']);
  });

  it('a deletion counts too, and so does a generation credited through addContributor; both survive the room unloading', async () => {
    const server = await startServer();
    const http = api(server.url);
    const [ann, bob, gen] = await sessions(http, ['Ann', 'Bob', 'Gen'] as const);
    const { room } = await http.room(ann.token);
    const a = await joinWithSocketIo(server.url, ann.token, room.id);
    a.doc.getText(ROOTS.prompt).insert(0, 'hello world');
    addLayer(a.doc, { id: 'l1', src: await stripes(server, 16, 16, ['#ffffff']) });
    const b = await joinWithSocketIo(server.url, bob.token, room.id);
    b.doc.getText(ROOTS.prompt).delete(0, 6);
    await waitFor(() => a.doc.getText(ROOTS.prompt).toString() === 'world');
    await server.contributors.addContributor(room.id, gen.user.id);
    await server.contributors.addContributor(room.id, gen.user.id);

    a.provider.destroy();
    b.provider.destroy();
    await waitFor(() => server.registry.get(room.id) === undefined);
    const again = await joinWithSocketIo(server.url, ann.token, room.id);
    const work = await published(again.socket, room.id, { title: 'World' });
    expect(work.authors.map((u) => u.name)).toEqual(['Ann', 'Bob', 'Gen']);
  });

  it('whoever starts a generation in the room is credited, even with no edit of their own', async () => {
    const server = await startServer();
    const http = api(server.url);
    const [ann, gen] = await sessions(http, ['Ann', 'Gen'] as const);
    const { room } = await http.room(ann.token);
    const a = await joinWithSocketIo(server.url, ann.token, room.id);
    const g = await joinWithSocketIo(server.url, gen.token, room.id);
    addLayer(a.doc, { id: 'l1', src: await stripes(server, 16, 16, ['#ffffff']) });
    await waitFor(async () => (await server.contributors.list(room.id)).length === 1);
    await startJob(g.socket, room.id, { prompt: 'a small test image', size: '256x256', provider: 'local' });
    await waitFor(async () => (await server.contributors.list(room.id)).includes(gen.user.id));
    const work = await published(a.socket, room.id, { title: 'Generated' });
    expect(work.authors.map((u) => u.name)).toEqual(['Ann', 'Gen']);
  });

  it('server changes credit the user they name, but only in the prompt or the layers', async () => {
    const server = await startServer();
    const http = api(server.url);
    const [ann, ren, pat] = await sessions(http, ['Ann', 'Ren', 'Pat'] as const);
    const { room } = await http.room(ann.token);
    const src = await stripes(server, 16, 16, ['#ffffff']);
    await server.registry.withRoom(room.id, (live) => {
      // A rename (meta) and a generation result (candidates) are not authorship…
      live.transact((doc) => doc.getMap(ROOTS.meta).set('title', 'renamed'), 'room:rename', ren.user.id);
      live.transact((doc) => doc.getArray(ROOTS.candidates).push([new Y.Map()]), 'gen:result', ren.user.id);
      // …placing a layer on someone's behalf is.
      live.transact((doc) => pushLayer(doc, testLayer({ id: 'p1', name: 'p', src, createdBy: pat.user.id })), 'layer:place', pat.user.id);
    });
    expect(await server.contributors.list(room.id)).toEqual([pat.user.id]);
  });
});
