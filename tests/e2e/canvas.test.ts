// The canvas preview in Chromium draws what the server compositor draws: each
// blend mode at partial opacity matches the W3C maths (which tests/client/
// blend.test.ts ties to libvips), transforms land where the geometry says, and
// a published composite agrees with the canvas at a grid of points.
import sharp from 'sharp';
import { expect, test } from 'vitest';
import type { PublishAck } from '../../shared/protocol.ts';
import { BLEND_MODES, type Layer } from '../../shared/doc-schema.ts';
import { compositePixel, type Rgba } from '../../client/render/blend.ts';
import { contains } from '../../client/render/geometry.ts';
import { testLayer } from '../helpers/layers.ts';
import { WAIT_BUDGET_MS, waitFor } from '../helpers/server.ts';
import { canvasPixel, describeInBrowser, newPerson, shot } from './helpers/browser.ts';
import { addLayerMap, ownedRoom, solidImage } from './helpers/room-fixtures.ts';

const near = (a: readonly number[], b: readonly number[], tolerance: number) =>
  a.slice(0, 3).every((v, i) => Math.abs(v - b[i]!) <= tolerance);

describeInBrowser('canvas preview', (browser) => {
  test('blend modes, opacity and transforms match the compositor', async () => {
    const { atelier, owner, room, writer } = await ownedRoom();
    const base: Rgba = [40, 90, 200, 255];
    const top: Rgba = [230, 180, 20, 255];
    const layer = (id: string, src: string, extra: Partial<Layer>) => testLayer({ id, src, createdBy: owner.user.id, ...extra });
    addLayerMap(writer.doc, layer('base', await solidImage(atelier, 1024, 1024, [base[0], base[1], base[2]]), {}));
    addLayerMap(writer.doc, layer('top', await solidImage(atelier, 512, 512, [top[0], top[1], top[2]]), { x: 256, y: 256, opacity: 0.6 }));

    const viewer = await newPerson(browser(), atelier.url);
    await viewer.page.goto(`/r/${room.id}`);
    await viewer.page.locator('canvas-preview[data-rendered="2"]').waitFor();

    const topMap = () => writer.doc.getArray('layers').get(1) as import('yjs').Map<unknown>;
    for (const mode of BLEND_MODES) {
      topMap().set('blend', mode);
      const expected = compositePixel(base, top, mode, 0.6);
      await waitFor(async () => near(await canvasPixel(viewer.page, 512, 512), expected, 3), WAIT_BUDGET_MS, `${mode}: ${expected}`);
      // Outside the top layer only the base shows.
      expect(near(await canvasPixel(viewer.page, 100, 100), base, 1)).toBe(true);
    }
    await shot(viewer.page, 'canvas-01-blend-difference');

    // Half size, turned 45°, at (300, 200): the scaled 256 × 256 box centred at (428, 328).
    writer.doc.transact(() => {
      topMap().set('blend', 'normal');
      topMap().set('opacity', 1);
      topMap().set('scale', 0.5);
      topMap().set('rotation', 45);
      topMap().set('x', 300);
      topMap().set('y', 200);
    });
    const placement = { x: 300, y: 200, scale: 0.5, rotation: 45 };
    const probes = [
      { x: 428, y: 328 },
      { x: 428, y: 160 }, // above the centre, inside the turned square's top corner
      { x: 310, y: 210 }, // the unturned box's corner: outside once turned
      { x: 560, y: 328 },
      { x: 600, y: 328 }, // near the right corner, inside
      { x: 620, y: 328 }, // past it
    ];
    // (428, 160) lies outside the old placement and inside the new one.
    await waitFor(async () => near(await canvasPixel(viewer.page, 428, 160), top, 3), WAIT_BUDGET_MS, 'transform applied');
    for (const p of probes) {
      const inside = contains(placement, 512, 512, p);
      const pixel = await canvasPixel(viewer.page, p.x, p.y);
      expect(near(pixel, inside ? top : base, 3), `${p.x},${p.y} ${inside ? 'inside' : 'outside'}: ${pixel}`).toBe(true);
    }
    await shot(viewer.page, 'canvas-02-transform');

    // Published, the server's composite agrees with the canvas pixel for pixel
    // (away from the layer's edges, where resampling differs by design).
    writer.doc.transact(() => {
      topMap().set('blend', 'soft-light');
      topMap().set('opacity', 0.7);
    });
    await waitFor(
      async () => near(await canvasPixel(viewer.page, 428, 328), compositePixel(base, top, 'soft-light', 0.7), 3),
      WAIT_BUDGET_MS,
      'soft-light drawn',
    );
    const published = (await writer.socket.timeout(20_000).emitWithAck('work:publish', room.id, { title: 'Agreement' })) as PublishAck;
    if (!published.ok) throw new Error(published.error.message);
    const png = await sharp(Buffer.from(await (await fetch(atelier.url + published.work.imageUrl)).arrayBuffer()))
      .raw()
      .toBuffer({ resolveWithObject: true });
    const serverPixel = (x: number, y: number) => {
      const i = (y * png.info.width + x) * png.info.channels;
      return [png.data[i]!, png.data[i + 1]!, png.data[i + 2]!];
    };
    let compared = 0;
    for (let y = 16; y < 1024; y += 48) {
      for (let x = 16; x < 1024; x += 48) {
        const inside = contains(placement, 512, 512, { x, y });
        const nearEdge = [-6, 6].some(
          (d) => contains(placement, 512, 512, { x: x + d, y }) !== inside || contains(placement, 512, 512, { x, y: y + d }) !== inside,
        );
        if (nearEdge) continue;
        const client = await canvasPixel(viewer.page, x, y);
        expect(near(client, serverPixel(x, y), 4), `${x},${y}: canvas ${client} vs server ${serverPixel(x, y)}`).toBe(true);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(350);
    expect(viewer.errors).toEqual([]);
    await viewer.context.close();
  }, 120_000);
});
