// The mask brush: paint a mask over a layer (mouse, keyboard, finger), pick
// "Edit with prompt", and the edit arrives as a candidate. The mask travels as
// a hidden layer whose image is transparent where the brush went.
import sharp from 'sharp';
import { expect, test } from 'vitest';
import type { Atelier } from '../../server/atelier.ts';
import { describeInBrowser, newPerson, shot, unnamedControls } from './helpers/browser.ts';
import { addLayerMap, ownedRoom, solidImage } from './helpers/room-fixtures.ts';

const LAYER = {
  id: 'red',
  name: 'red square',
  visible: true,
  opacity: 1,
  blend: 'normal',
  x: 112,
  y: 112,
  scale: 2,
  rotation: 0,
  createdBy: 'owner',
};

async function roomWithLayer() {
  const fixture = await ownedRoom();
  const src = await solidImage(fixture.atelier, 400, 400, [210, 40, 40]);
  addLayerMap(fixture.writer.doc, { ...LAYER, src });
  return fixture;
}

/** The mask layer the edit added, and its image's alpha at a few points of the layer image (400 × 400). */
async function maskOf(atelier: Atelier, layers: Array<Record<string, unknown>>, points: Array<[number, number]>) {
  const mask = layers.find((l) => String(l.name).startsWith('Mask · '));
  if (!mask) throw new Error('no mask layer');
  const png = await atelier.media.readUrl(String(mask.src));
  const { data, info } = await sharp(png!).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { mask, size: [info.width, info.height], alpha: points.map(([x, y]) => data[(y * info.width + x) * 4 + 3]) };
}

describeInBrowser('the mask brush', (browser) => {
  test('paint with the mouse, redo it from the keyboard, edit with a prompt: the edit lands as a candidate', async () => {
    const { atelier, room, writer } = await roomWithLayer();
    const a = await newPerson(browser(), atelier.url);
    await a.page.goto(`/r/${room.id}`);
    await a.page.locator('canvas-preview[data-rendered="1"]').waitFor();
    await a.page.locator('layer-panel li[data-layer-id="red"] button.name').click();
    await a.page.getByRole('button', { name: 'Mask & edit' }).click();
    await a.page.locator('mask-toolbar form').waitFor();
    expect(await a.page.getByRole('button', { name: 'Edit with prompt' }).isDisabled()).toBe(true);

    // The layer covers document pixels 112–912; paint its left third with the mouse.
    const box = (await a.page.locator('canvas-preview .stage').boundingBox())!;
    const fit = box.width / 1024;
    const at = (x: number, y: number) => ({ x: box.x + x * fit, y: box.y + y * fit });
    await a.page.mouse.move(at(200, 200).x, at(200, 200).y);
    await a.page.mouse.down();
    for (let y = 200; y <= 820; y += 40) await a.page.mouse.move(at(250, y).x, at(250, y).y);
    await a.page.mouse.up();
    await a.page.locator('mask-toolbar .status', { hasText: 'will be redrawn' }).waitFor();
    await shot(a.page, 'mask-01-painted-desktop');

    // Clear it, and paint from the keyboard instead: the brush starts at the layer's centre; Space held paints while arrows move it.
    await a.page.getByRole('button', { name: 'Clear' }).click();
    await a.page.locator('mask-toolbar .status', { hasText: 'Paint over red square' }).waitFor();
    await a.page.locator('canvas-preview .stage').focus();
    await a.page.keyboard.press(']');
    await a.page.keyboard.down('Space');
    for (let i = 0; i < 12; i++) await a.page.keyboard.press('Shift+ArrowRight');
    await a.page.keyboard.up('Space');
    await a.page.locator('mask-toolbar .status', { hasText: 'will be redrawn' }).waitFor();
    await shot(a.page, 'mask-02-keyboard-stroke');

    await a.page.getByLabel('What should change').fill('a field of yellow flowers');
    expect(await unnamedControls(a.page)).toEqual([]);
    await a.page.getByRole('button', { name: 'Edit with prompt' }).click();
    await a.page.locator('mask-toolbar').waitFor({ state: 'detached' });
    await a.page.locator('candidate-tray [data-candidate-id]').waitFor();
    await a.page.locator('job-card [data-status="succeeded"]').waitFor();
    await shot(a.page, 'mask-03-candidate');

    const [job] = await atelier.generation.roomJobs(room.id);
    expect(job).toMatchObject({
      status: 'succeeded',
      prompt: 'a field of yellow flowers',
      params: { editLayerId: 'red', size: '1024x1024' },
    });
    const layers = writer.doc.getArray('layers').toJSON() as Array<Record<string, unknown>>;
    // The keyboard stroke ran from the centre (200, 200 in the layer's pixels) to the right, 96 document px a press = 48 layer px.
    const { mask, size, alpha } = await maskOf(atelier, layers, [
      [200, 200],
      [380, 200],
      [200, 20],
      [30, 380],
    ]);
    expect(mask).toMatchObject({ visible: false, x: 112, y: 112, scale: 2 });
    expect(job!.params.maskLayerId).toBe(mask.id);
    expect(size).toEqual([400, 400]);
    expect(alpha).toEqual([0, 0, 255, 255]);
    // The edit changed the stroke, and kept the layer's red where no paint went.
    const [candidate] = writer.doc.getArray('candidates').toJSON() as Array<{ src: string; jobId: string }>;
    expect(candidate!.jobId).toBe(job!.id);
    const edited = await sharp((await atelier.media.readUrl(candidate!.src))!)
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    const pixel = (x: number, y: number) => [...edited.data.subarray((y * edited.info.width + x) * 3, (y * edited.info.width + x) * 3 + 3)];
    const red = (p: number[]) => Math.abs((p[0] ?? 0) - 210) <= 4 && Math.abs((p[1] ?? 0) - 40) <= 4 && Math.abs((p[2] ?? 0) - 40) <= 4;
    expect(red(pixel(60, 60))).toBe(true);
    expect(red(pixel(800, 512))).toBe(false);
    expect(a.errors).toEqual([]);
    await a.context.close();
  }, 120_000);

  test('on a phone: tap Mask & edit, paint with a finger, edit with a prompt', async () => {
    const { atelier, room, writer } = await roomWithLayer();
    const context = await browser().newContext({
      baseURL: atelier.url,
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 1,
      isMobile: true,
      hasTouch: true,
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(`/r/${room.id}`);
    await page.locator('canvas-preview[data-rendered="1"]').waitFor();
    await page.locator('layer-panel li[data-layer-id="red"] button.name').tap();
    await page.getByRole('button', { name: 'Mask & edit' }).tap();
    await page.locator('mask-toolbar form').waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

    const stage = page.locator('canvas-preview .stage');
    await stage.scrollIntoViewIfNeeded();
    const box = (await stage.boundingBox())!;
    const fit = box.width / 1024;
    const cdp = await context.newCDPSession(page);
    let time = Date.now() / 1000 - 1;
    const touch = (type: 'touchStart' | 'touchMove' | 'touchEnd', at: { x: number; y: number } | null, after = 0.016) => {
      time += after;
      return cdp.send('Input.dispatchTouchEvent', { type, touchPoints: at ? [{ x: at.x, y: at.y }] : [], timestamp: time });
    };
    // A finger stroke across the lower half of the layer (document y 700, x 200 → 820).
    await touch('touchStart', { x: box.x + 200 * fit, y: box.y + 700 * fit });
    for (let x = 240; x <= 820; x += 40) await touch('touchMove', { x: box.x + x * fit, y: box.y + 700 * fit });
    // The finger rests before it lifts, as a painter's does: no fling is left running to swallow the next tap.
    await touch('touchMove', { x: box.x + 820 * fit, y: box.y + 700 * fit }, 0.3);
    await touch('touchEnd', null);
    await page.locator('mask-toolbar .status', { hasText: 'will be redrawn' }).waitFor();
    await page.getByLabel('What should change').fill('calm water');
    await shot(page, 'mask-04-phone-painted');
    await page.getByRole('button', { name: 'Edit with prompt' }).tap();
    await page.locator('candidate-tray [data-candidate-id]').waitFor();
    await shot(page, 'mask-05-phone-candidate');

    const layers = writer.doc.getArray('layers').toJSON() as Array<Record<string, unknown>>;
    // Document y 700 is layer row (700 − 112) / 2 = 294.
    const { alpha } = await maskOf(atelier, layers, [
      [250, 294],
      [250, 60],
    ]);
    expect(alpha).toEqual([0, 255]);
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);
});
