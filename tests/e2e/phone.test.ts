// The room on a phone (390 × 844, touch): nothing wider than the screen, a tap
// in the layer list selects, and a finger dragging on the canvas moves the
// layer, one undoable change in everyone's document.
import { expect, test } from 'vitest';
import { WAIT_BUDGET_MS, waitFor } from '../helpers/server.ts';
import { describeInBrowser, shot } from './helpers/browser.ts';
import { addLayerMap, ownedRoom, solidImage } from './helpers/room-fixtures.ts';

const PHONE = { width: 390, height: 844 };

describeInBrowser('the room on a phone', (browser) => {
  test('fits the screen; tap to select, drag with a finger to move', async () => {
    const { atelier, room, writer } = await ownedRoom();
    const src = await solidImage(atelier, 400, 300, [40, 160, 90]);
    addLayerMap(writer.doc, {
      id: 'green',
      name: 'green field',
      src,
      visible: true,
      opacity: 1,
      blend: 'normal',
      x: 100,
      y: 100,
      scale: 1,
      rotation: 0,
      createdBy: 'owner',
    });
    const layer = () => writer.doc.getArray('layers').toJSON()[0] as { x: number; y: number };

    const context = await browser().newContext({
      baseURL: atelier.url,
      viewport: PHONE,
      deviceScaleFactor: 1,
      isMobile: true,
      hasTouch: true,
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    // The owner's own link: the phone edits as the owner.
    await page.goto(`/r/${room.id}`);
    await page.locator('canvas-preview[data-rendered="1"]').waitFor();

    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(PHONE.width);
    // The header shows the owner's avatar once (the user menu's); the people button says "Just you".
    await page.locator('participant-list li.alone').waitFor();
    expect(await page.locator('participant-list li.me').isVisible()).toBe(false);
    await shot(page, 'phone-00-room-header');

    await page.locator('layer-panel li[data-layer-id="green"] button.name').tap();
    await page.locator('layer-panel li[data-layer-id="green"] button.name[aria-pressed="true"]').waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);

    // The layer's centre on screen: the stage is drawn at `fit` CSS pixels per document pixel.
    const stage = page.locator('canvas-preview .stage');
    await stage.scrollIntoViewIfNeeded();
    const box = await stage.boundingBox();
    if (!box) throw new Error('the canvas is not on screen');
    const fit = box.width / 1024;
    const start = { x: box.x + (100 + 200) * fit, y: box.y + (100 + 150) * fit };
    const cdp = await context.newCDPSession(page);
    // The touches carry their own times (seconds, all before the taps that follow), so the drag has
    // the same pace however loaded the machine is: ten moves a frame apart, a rest, the lift.
    let time = Date.now() / 1000 - 1;
    const touch = (type: 'touchStart' | 'touchMove' | 'touchEnd', at: { x: number; y: number } | null, after: number) => {
      time += after;
      return cdp.send('Input.dispatchTouchEvent', { type, touchPoints: at ? [{ x: at.x, y: at.y }] : [], timestamp: time });
    };
    await touch('touchStart', start, 0);
    for (let step = 1; step <= 10; step++) await touch('touchMove', { x: start.x + step * 6, y: start.y + step * 3 }, 0.016);
    await touch('touchMove', { x: start.x + 60, y: start.y + 30 }, 0.3);
    await touch('touchEnd', null, 0.016);

    // 60 × 30 CSS pixels is 60/fit × 30/fit document pixels.
    await waitFor(
      () => Math.abs(layer().x - (100 + 60 / fit)) <= 2 && Math.abs(layer().y - (100 + 30 / fit)) <= 2,
      WAIT_BUDGET_MS,
      'the layer moved',
    );
    await shot(page, 'phone-01-moved');

    await page.getByRole('button', { name: 'Undo' }).tap();
    await waitFor(() => layer().x === 100 && layer().y === 100, WAIT_BUDGET_MS, 'the move undone');
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);

  test('the smallest phones (320 px): the header’s tools, the bell among them, fit without overflow', async () => {
    const { atelier, room } = await ownedRoom();
    const context = await browser().newContext({
      baseURL: atelier.url,
      viewport: { width: 320, height: 640 },
      isMobile: true,
      hasTouch: true,
    });
    const page = await context.newPage();
    await page.goto(`/r/${room.id}`);
    await page.locator('room-page .state', { hasText: 'Live' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
    for (const selector of ['room-page notification-bell', 'room-page user-menu']) {
      const box = await page.locator(selector).boundingBox();
      expect(box && box.x >= 0 && box.x + box.width <= 320, selector).toBe(true);
    }
    // The publish button keeps its name without its label.
    await page.getByRole('button', { name: 'Publish' }).waitFor();
    await shot(page, 'phone-02-header-320');
    await context.close();
  }, 60_000);

  test('the app bar on phones keeps its way to Live, within the screen, at 320, 390 and 600 px', async () => {
    const { atelier } = await ownedRoom();
    for (const width of [320, 390, 600]) {
      const context = await browser().newContext({
        baseURL: atelier.url,
        viewport: { width, height: 700 },
        isMobile: true,
        hasTouch: true,
      });
      const page = await context.newPage();
      await page.goto('/');
      await page.locator('atelier-app user-menu').waitFor();
      const live = page.locator('atelier-app header').getByRole('link', { name: 'Live' });
      expect(await live.isVisible(), `Live at ${width} px`).toBe(true);
      for (const control of [live, page.locator('atelier-app header notification-bell'), page.locator('atelier-app header user-menu')]) {
        const box = await control.boundingBox();
        expect(box && box.x >= 0 && box.x + box.width <= width && box.width >= 44, `${control} at ${width} px`).toBe(true);
      }
      await shot(page, `phone-03-app-bar-${width}`);
      await context.close();
    }
  }, 60_000);
});
