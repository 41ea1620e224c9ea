import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type * as Y from 'yjs';
import { ROOTS } from '../../shared/doc-schema.ts';
import type { GalleryPage, PublishAck } from '../../shared/protocol.ts';
import type { Atelier } from '../../server/atelier.ts';
import { connectSocket, joinWithSocketIo } from '../helpers/clients.ts';
import { api, startServer, waitFor } from '../helpers/server.ts';
import { addLayer, publish, stripes, studio } from './helpers.ts';

/** Works, files and room contents must be exactly as before a refused publish. */
async function snapshot(server: Atelier) {
  const feed = await api(server.url).json<GalleryPage>('GET', '/api/gallery');
  return { works: feed.items.length, media: readdirSync(server.config.mediaDir).sort() };
}

function expectRefused(ack: PublishAck, code: string, message: string | RegExp): void {
  expect(ack.ok).toBe(false);
  if (ack.ok) return;
  expect(ack.error.code).toBe(code);
  expect(ack.error.message).toMatch(message);
}

const layerAt = (doc: Y.Doc, i: number) => doc.getArray<Y.Map<unknown>>(ROOTS.layers).get(i);

describe('publish refuses, storing nothing', () => {
  it('a room with no visible layer, a foreign or missing src, an out-of-range field', async () => {
    const server = await startServer();
    const ann = await studio(server, 'Ann');
    const before = await snapshot(server);

    layerAt(ann.doc, 0).set('visible', false);
    expectRefused(await publish(ann.socket, ann.roomId, { title: 'Hidden' }), 'bad_request', 'nothing to publish: no visible layer');
    layerAt(ann.doc, 0).set('visible', true);

    addLayer(ann.doc, { id: 'foreign', src: 'https://elsewhere.example/cat.png' });
    expectRefused(
      await publish(ann.socket, ann.roomId, { title: 'Foreign' }),
      'bad_request',
      /^layer "foreign": src: must be a \/media\/ file of this server/,
    );
    ann.doc.getArray(ROOTS.layers).delete(1);

    // Well-formed, but no such file here (hidden layers are checked too).
    addLayer(ann.doc, { id: 'ghost', src: `/media/${'e'.repeat(64)}.png`, visible: false });
    expectRefused(
      await publish(ann.socket, ann.roomId, { title: 'Ghost' }),
      'bad_request',
      'layer "ghost": src is not a media file of this server',
    );
    ann.doc.getArray(ROOTS.layers).delete(1);

    layerAt(ann.doc, 0).set('opacity', 1.5);
    expectRefused(await publish(ann.socket, ann.roomId, { title: 'Bright' }), 'bad_request', /^layer "l1": opacity: /);
    layerAt(ann.doc, 0).set('opacity', 1);
    layerAt(ann.doc, 0).set('blend', 'dissolve');
    expectRefused(await publish(ann.socket, ann.roomId, { title: 'Blend' }), 'bad_request', /^layer "l1": blend: /);
    layerAt(ann.doc, 0).set('blend', 'normal');
    layerAt(ann.doc, 0).set('scale', 0);
    expectRefused(await publish(ann.socket, ann.roomId, { title: 'Tiny' }), 'bad_request', /^layer "l1": scale: /);
    layerAt(ann.doc, 0).set('scale', 1);
    ann.doc.getArray(ROOTS.layers).push(['not a layer at all']);
    expectRefused(await publish(ann.socket, ann.roomId, { title: 'Junk' }), 'bad_request', /^layer "\?": /);
    ann.doc.getArray(ROOTS.layers).delete(1);

    expect(await snapshot(server)).toEqual(before);
    // And the room, once fixed, publishes.
    const ok = await publish(ann.socket, ann.roomId, { title: 'Fixed' });
    expect(ok.ok).toBe(true);
  });

  it('bad titles and descriptions, malformed arguments', async () => {
    const server = await startServer();
    const ann = await studio(server, 'Ann');
    const before = await snapshot(server);
    expectRefused(await publish(ann.socket, ann.roomId, { title: '' }), 'bad_request', /title/);
    expectRefused(await publish(ann.socket, ann.roomId, { title: '   ' }), 'bad_request', /title/);
    expectRefused(await publish(ann.socket, ann.roomId, { title: 'x'.repeat(121) }), 'bad_request', /title/);
    expectRefused(await publish(ann.socket, ann.roomId, { title: 'ok', description: 'd'.repeat(2001) }), 'bad_request', /description/);
    expectRefused(await publish(ann.socket, ann.roomId, { title: 'ok', extra: true }), 'bad_request', /work:publish takes/);
    expectRefused(await publish(ann.socket, ann.roomId, { title: 42 }), 'bad_request', /title/);
    const noBody = await new Promise<PublishAck>((resolve) => ann.socket.emit('work:publish', ann.roomId, undefined as never, resolve));
    expectRefused(noBody, 'bad_request', /work:publish takes/);
    expect(await snapshot(server)).toEqual(before);
    const longest = await publish(ann.socket, ann.roomId, { title: 'x'.repeat(120), description: 'd'.repeat(2000) });
    expect(longest.ok).toBe(true);
  });

  it('viewers, and sockets that have not joined the room', async () => {
    const server = await startServer();
    const http = api(server.url);
    const ann = await studio(server, 'Ann');
    await http.json('PATCH', `/api/rooms/${ann.roomId}`, { token: ann.token, body: { linkAccess: 'view' } });
    const vic = await http.session('Vic');
    const v = await joinWithSocketIo(server.url, vic.token, ann.roomId);
    expect(v.joined.role).toBe('viewer');
    expectRefused(await publish(v.socket, ann.roomId, { title: 'Mine now' }), 'forbidden', 'viewers cannot publish this room');
    const outsider = connectSocket(server.url, vic.token);
    expectRefused(await publish(outsider, ann.roomId, { title: 'Drive-by' }), 'forbidden', 'join the room first');
    const anonymous = connectSocket(server.url);
    expectRefused(await publish(anonymous, ann.roomId, { title: 'Anon' }), 'forbidden', 'join the room first');
    expect((await snapshot(server)).works).toBe(0);
  });

  it('without an acknowledgement, errors arrive as room:error', async () => {
    const server = await startServer();
    const ann = await studio(server, 'Ann');
    const errors: Array<[string, { code: string; message: string }]> = [];
    ann.socket.on('room:error', (roomId, error) => errors.push([roomId, error]));
    (ann.socket.emit as (...args: unknown[]) => void)('work:publish', ann.roomId, { title: '' });
    await waitFor(() => errors.length === 1);
    expect(errors[0]![0]).toBe(ann.roomId);
    expect(errors[0]![1].code).toBe('bad_request');
  });
});

describe('publish limits', () => {
  it('PUBLISHES_PER_MINUTE per user: rate_limited past it', async () => {
    const server = await startServer({ PUBLISHES_PER_MINUTE: '2' });
    const ann = await studio(server, 'Ann');
    await ann.publish('one');
    await ann.publish('two');
    expectRefused(await publish(ann.socket, ann.roomId, { title: 'three' }), 'rate_limited', 'at most 2 publishes a minute');
    const bob = await studio(server, 'Bob');
    expect((await publish(bob.socket, bob.roomId, { title: 'his first' })).ok).toBe(true);
  });

  it('PUBLISH_MAX_LAYERS: too_large past it', async () => {
    const server = await startServer({ PUBLISH_MAX_LAYERS: '2' });
    const ann = await studio(server, 'Ann');
    const src = await stripes(server, 8, 8, ['#000000']);
    addLayer(ann.doc, { id: 'l2', src });
    expect((await publish(ann.socket, ann.roomId, { title: 'two' })).ok).toBe(true);
    addLayer(ann.doc, { id: 'l3', src });
    expectRefused(
      await publish(ann.socket, ann.roomId, { title: 'three' }),
      'too_large',
      'a work may have at most 2 layers (this one has 3)',
    );
    expect((await snapshot(server)).works).toBe(1);
  });

  it('RENDER_MAX_SOURCE_PIXELS: bad_request naming the layer', async () => {
    const server = await startServer({ RENDER_MAX_SOURCE_PIXELS: '2000' });
    const ann = await studio(server, 'Ann'); // its layer is 32 × 32 = 1024 px
    addLayer(ann.doc, { id: 'huge', src: await stripes(server, 50, 50, ['#ffffff']) });
    const before = await snapshot(server);
    expectRefused(await publish(ann.socket, ann.roomId, { title: 'big' }), 'bad_request', 'layer "huge": src is over 2000 pixels');
    expect(await snapshot(server)).toEqual(before);
  });
});
