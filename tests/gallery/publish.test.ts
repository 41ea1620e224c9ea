import sharp from 'sharp';
import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { ROOTS } from '../../shared/doc-schema.ts';
import type { Work } from '../../shared/protocol.ts';
import { connectSocket, joinWithSocketIo } from '../helpers/clients.ts';
import { api, startServer, waitFor } from '../helpers/server.ts';
import { addLayer, pixels, published, setCanvas, stripes } from './helpers.ts';

type RGB = [number, number, number];
const rgb = (hex: string): RGB => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as RGB;

/**
 * The reference composite, written from the documented semantics alone (no
 * server code): scale about the top-left at (x, y), then turn clockwise about
 * the scaled image's centre; multiply per W3C: (1 − α)·Cb + α·Cb·Cs.
 */
function sourcePoint(layer: { x: number; y: number; scale: number; rotation: number; w: number; h: number }, px: number, py: number) {
  const cx = layer.x + (layer.w * layer.scale) / 2;
  const cy = layer.y + (layer.h * layer.scale) / 2;
  const a = (-layer.rotation * Math.PI) / 180;
  const dx = px - cx;
  const dy = py - cy;
  return {
    u: layer.w / 2 + (dx * Math.cos(a) - dy * Math.sin(a)) / layer.scale,
    v: layer.h / 2 + (dx * Math.sin(a) + dy * Math.cos(a)) / layer.scale,
  };
}
function canvasPoint(layer: { x: number; y: number; scale: number; rotation: number; w: number; h: number }, u: number, v: number) {
  const a = (layer.rotation * Math.PI) / 180;
  const dx = (u - layer.w / 2) * layer.scale;
  const dy = (v - layer.h / 2) * layer.scale;
  return {
    x: Math.round(layer.x + (layer.w * layer.scale) / 2 + dx * Math.cos(a) - dy * Math.sin(a)),
    y: Math.round(layer.y + (layer.h * layer.scale) / 2 + dx * Math.sin(a) + dy * Math.cos(a)),
  };
}

describe('publishing a room', () => {
  it('composites two layers (one at 0.4 opacity, multiply, offset, scaled, rotated) as the reference does, credits both contributors and tells subscribers', async () => {
    const server = await startServer();
    const http = api(server.url);
    const ann = await http.session('Ann');
    const bob = await http.session('Bob');
    const cid = await http.session('Cid');
    const { room } = await http.room(ann.token, { title: 'Harbour' });

    const background = '#336699';
    const base = { colours: ['#ff0000', '#00ff00', '#0000ff'], w: 300, h: 200, x: 40, y: 30, scale: 1, rotation: 0 };
    const top = { colours: ['#ff8000', '#00c0ff'], w: 100, h: 60, x: 220, y: 120, scale: 1.5, rotation: 30, opacity: 0.4 };
    const baseSrc = await stripes(server, base.w, base.h, base.colours);
    const topSrc = await stripes(server, top.w, top.h, top.colours);

    const watcher = connectSocket(server.url); // anonymous: the gallery is public
    const seen: Work[] = [];
    watcher.on('gallery:published', (work) => seen.push(work));
    await new Promise((resolve) => watcher.emit('gallery:subscribe', resolve));

    const a = await joinWithSocketIo(server.url, ann.token, room.id);
    const b = await joinWithSocketIo(server.url, bob.token, room.id);
    const c = await joinWithSocketIo(server.url, cid.token, room.id);
    a.doc.getText(ROOTS.prompt).insert(0, 'a harbour at dawn');
    addLayer(a.doc, { id: 'base', src: baseSrc, x: base.x, y: base.y });
    // Bob stacks his layer on top once he has Ann's (concurrent pushes would order by client id).
    await waitFor(() => b.doc.getArray(ROOTS.layers).length === 1);
    addLayer(b.doc, {
      id: 'top',
      src: topSrc,
      blend: 'multiply',
      opacity: top.opacity,
      x: top.x,
      y: top.y,
      scale: top.scale,
      rotation: top.rotation,
    });
    // Cid only changes the canvas settings: that is not authorship.
    setCanvas(c.doc, 480, 320, background);
    await waitFor(() => a.doc.getArray(ROOTS.layers).length === 2 && a.doc.getMap(ROOTS.meta).get('width') === 480);

    const work = await published(b.socket, room.id, { title: 'Harbour at dawn', description: 'Two layers' });
    expect(work).toMatchObject({
      title: 'Harbour at dawn',
      description: 'Two layers',
      prompt: 'a harbour at dawn',
      width: 480,
      height: 320,
      roomId: room.id,
      remixOf: null,
      remixOfWork: null,
      likes: 0,
      publishedBy: bob.user.id,
    });
    // Authors are public users: a session's private settings (shareSignals) are not among them.
    expect(work.authors).toEqual([ann.user, bob.user].map(({ id, name, color }) => ({ id, name, color })));
    expect(work.placeholder).toMatch(/^#[0-9a-f]{6}$/);

    const png = new Uint8Array(await (await fetch(server.url + work.imageUrl)).arrayBuffer());
    const image = await pixels(png);
    expect([image.width, image.height]).toEqual([480, 320]);
    expect((await sharp(png).metadata()).format).toBe('png');

    const reference = (px: number, py: number): RGB => {
      let colour = rgb(background);
      const inBase = sourcePoint({ ...base }, px + 0.5, py + 0.5);
      if (inBase.u >= 0 && inBase.u < base.w && inBase.v >= 0 && inBase.v < base.h) {
        colour = rgb(base.colours[Math.floor(inBase.u / (base.w / base.colours.length))]!);
      }
      const inTop = sourcePoint({ ...top }, px + 0.5, py + 0.5);
      if (inTop.u >= 0 && inTop.u < top.w && inTop.v >= 0 && inTop.v < top.h) {
        const cs = rgb(top.colours[Math.floor(inTop.u / (top.w / top.colours.length))]!);
        colour = colour.map((cb, i) => (1 - top.opacity) * cb + top.opacity * ((cb * cs[i]!) / 255)) as RGB;
      }
      return colour;
    };
    // Points well inside each region: the middle of each of the top layer's stripes (over a stripe of the
    // base, and over the background), each base stripe, and bare background.
    const samples = [
      canvasPoint(top, 25, 30),
      canvasPoint(top, 75, 30),
      canvasPoint(top, 75, 10),
      canvasPoint(top, 20, 50),
      { x: 90, y: 100 },
      { x: 190, y: 60 },
      { x: 300, y: 60 },
      { x: 10, y: 10 },
      { x: 470, y: 310 },
    ];
    const colours = new Set<string>();
    for (const { x, y } of samples) {
      const want = reference(x, y);
      const got = image.at(x, y);
      colours.add(got.join());
      for (let i = 0; i < 3; i++) expect(Math.abs(got[i]! - want[i]!), `pixel ${x},${y}: ${got} vs ${want}`).toBeLessThanOrEqual(3);
    }
    expect(colours.size).toBeGreaterThanOrEqual(6); // the samples do tell the regions apart

    const thumb = await fetch(server.url + work.thumbUrl);
    expect(thumb.headers.get('content-type')).toBe('image/webp');
    const thumbMeta = await sharp(new Uint8Array(await thumb.arrayBuffer())).metadata();
    expect(thumbMeta.format).toBe('webp');
    expect(Math.max(thumbMeta.width, thumbMeta.height)).toBeLessThanOrEqual(512);
    expect(thumbMeta.width / thumbMeta.height).toBeCloseTo(480 / 320, 1);

    await waitFor(() => seen.length === 1);
    expect(seen[0]).toEqual(work);
    expect(await http.json('GET', `/api/works/${work.id}`)).toEqual(work);
  });

  it('shrinks a large canvas to a 512 px thumbnail and keeps the full size in the PNG', async () => {
    const server = await startServer();
    const http = api(server.url);
    const ann = await http.session('Ann');
    const { room } = await http.room(ann.token);
    const a = await joinWithSocketIo(server.url, ann.token, room.id);
    setCanvas(a.doc, 1536, 1024, '#ffffff');
    addLayer(a.doc, { id: 'l1', src: await stripes(server, 64, 64, ['#123456']), scale: 4 });
    const work = await published(a.socket, room.id, { title: 'Wide' });
    const png = await sharp(new Uint8Array(await (await fetch(server.url + work.imageUrl)).arrayBuffer())).metadata();
    const thumb = await sharp(new Uint8Array(await (await fetch(server.url + work.thumbUrl)).arrayBuffer())).metadata();
    expect([png.width, png.height]).toEqual([1536, 1024]);
    expect([thumb.width, thumb.height]).toEqual([512, 341]);
    // Mostly white canvas: the dominant colour says so (to a histogram bin).
    for (const i of [1, 3, 5]) expect(parseInt(work.placeholder.slice(i, i + 2), 16)).toBeGreaterThanOrEqual(0xe0);
  });
  it('counts a layer once when two people moved it at the same time (the upper copy wins, as in the client)', async () => {
    const server = await startServer();
    const http = api(server.url);
    const [ann, bob] = await Promise.all([http.session('Ann'), http.session('Bob')]);
    const { room } = await http.room(ann.token);
    const a = await joinWithSocketIo(server.url, ann.token, room.id);
    const b = await joinWithSocketIo(server.url, bob.token, room.id);
    setCanvas(a.doc, 64, 64, '#ffffff');
    for (const [id, colour] of [
      ['red', '#ff0000'],
      ['green', '#00ff00'],
      ['blue', '#0000ff'],
    ] as const) {
      addLayer(a.doc, { id, src: await stripes(server, 64, 64, [colour]) });
    }
    await waitFor(() => b.doc.getArray(ROOTS.layers).length === 3);
    // Both move `red` while neither has seen the other's move: a move is a
    // delete plus a re-inserted copy, so two copies of `red` survive the merge.
    const move = (doc: Y.Doc, to: number, opacity: number) => {
      const layers = doc.getArray<Y.Map<unknown>>(ROOTS.layers);
      const copy = new Y.Map<unknown>();
      for (const [key, value] of layers.get(0).entries()) copy.set(key, value);
      copy.set('opacity', opacity);
      doc.transact(() => {
        layers.delete(0, 1);
        layers.insert(to, [copy]);
      });
    };
    // In one synchronous step, so neither client can hear the other's first.
    move(a.doc, 1, 0.5);
    move(b.doc, 2, 0.9);
    await waitFor(() => a.doc.getArray(ROOTS.layers).length === 4 && b.doc.getArray(ROOTS.layers).length === 4);
    const ids = a.doc.getArray<Y.Map<unknown>>(ROOTS.layers).map((m) => m.get('id'));
    expect(ids.filter((id) => id === 'red')).toHaveLength(2);

    const work = await published(a.socket, room.id, { title: 'Moved twice' });
    const { layers } = (await server.store.gallery.getWorkSource(work.id))!;
    expect(layers.map((l) => l.id).sort()).toEqual(['blue', 'green', 'red']);
    const upper = a.doc
      .getArray<Y.Map<unknown>>(ROOTS.layers)
      .toArray()
      .findLast((m) => m.get('id') === 'red')!;
    expect(layers.find((l) => l.id === 'red')!.opacity).toBe(upper.get('opacity'));
  });
});
