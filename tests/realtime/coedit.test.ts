import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ROOTS } from '../../shared/doc-schema.ts';
import { pushLayer, testLayer } from '../helpers/layers.ts';
import { joinWithSocketIo, joinWithYWebsocket } from '../helpers/clients.ts';
import { api, startServer, waitFor } from '../helpers/server.ts';

function addLayer(doc: Y.Doc, id: string, name: string): void {
  pushLayer(doc, testLayer({ id, name }));
}

const layerNames = (doc: Y.Doc) =>
  doc
    .getArray<Y.Map<unknown>>(ROOTS.layers)
    .toArray()
    .map((l) => l.get('name'));

describe('co-editing over Socket.IO', () => {
  it('two participants co-edit the prompt and the layers; a late joiner receives everything', async () => {
    const server = await startServer();
    const http = api(server.url);
    const ann = await http.session('Ann');
    const bob = await http.session('Bob');
    const { room } = await http.room(ann.token, { title: 'Sea' });

    const a = await joinWithSocketIo(server.url, ann.token, room.id);
    const b = await joinWithSocketIo(server.url, bob.token, room.id);
    expect(a.joined.role).toBe('owner');
    expect(b.joined.role).toBe('editor');
    expect(b.joined.room).toMatchObject({ id: room.id, title: 'Sea', ownerId: ann.user.id, linkAccess: 'edit' });
    expect(b.doc.getMap(ROOTS.meta).toJSON()).toEqual({ title: 'Sea', width: 1024, height: 1024, background: '#ffffff' });

    // Keystroke by keystroke, from both sides at once.
    const promptA = a.doc.getText(ROOTS.prompt);
    const promptB = b.doc.getText(ROOTS.prompt);
    for (const ch of 'a lighthouse') promptA.insert(promptA.length, ch);
    await waitFor(() => promptB.toString() === 'a lighthouse');
    promptB.insert(0, 'storm, ');
    promptA.insert(promptA.length, ' at dusk');
    await waitFor(() => promptA.toString() === promptB.toString() && promptA.length === 'storm, a lighthouse at dusk'.length);
    expect(promptA.toString()).toBe('storm, a lighthouse at dusk');

    addLayer(a.doc, 'l1', 'sky');
    addLayer(b.doc, 'l2', 'sea');
    await waitFor(() => layerNames(a.doc).length === 2 && layerNames(b.doc).length === 2);
    expect(layerNames(a.doc)).toEqual(layerNames(b.doc));
    b.doc.getArray<Y.Map<unknown>>(ROOTS.layers).get(0).set('opacity', 0.5);
    await waitFor(() => a.doc.getArray<Y.Map<unknown>>(ROOTS.layers).get(0).get('opacity') === 0.5);

    const carol = await http.session('Carol');
    const c = await joinWithSocketIo(server.url, carol.token, room.id);
    expect(Y.encodeStateAsUpdate(c.doc)).toEqual(Y.encodeStateAsUpdate(a.doc));
    expect(c.doc.getText(ROOTS.prompt).toString()).toBe('storm, a lighthouse at dusk');
    expect(layerNames(c.doc)).toEqual(layerNames(a.doc));
  });

  it('the y-websocket provider edits the same room as Socket.IO participants, both ways', async () => {
    const server = await startServer();
    const http = api(server.url);
    const ann = await http.session('Ann');
    const wes = await http.session('Wes');
    const { room } = await http.room(ann.token);

    const a = await joinWithSocketIo(server.url, ann.token, room.id);
    a.doc.getText(ROOTS.prompt).insert(0, 'hello');
    const w = await joinWithYWebsocket(server.url, wes.token, room.id);
    await waitFor(() => w.doc.getText(ROOTS.prompt).toString() === 'hello');

    w.doc.getText(ROOTS.prompt).insert(5, ' world');
    await waitFor(() => a.doc.getText(ROOTS.prompt).toString() === 'hello world');
    addLayer(w.doc, 'w1', 'from ws');
    addLayer(a.doc, 'a1', 'from socket.io');
    await waitFor(() => layerNames(w.doc).length === 2 && layerNames(a.doc).length === 2);
    expect(layerNames(w.doc)).toEqual(layerNames(a.doc));
    expect(Y.encodeStateVector(w.doc)).toEqual(Y.encodeStateVector(a.doc));
  });
});
