// The work page's making-of player in Chromium against a real server: a work
// made by a real client plays back frame by frame (scrub with the keyboard and
// the slider, play to the end), on a desktop and on a phone with touch.
import type { Page } from 'playwright-core';
import { expect, test } from 'vitest';
import { startServer } from '../helpers/server.ts';
import { makeAWork, STILL } from '../timeline/helpers.ts';
import { describeInBrowser, newPerson, shot, unnamedControls } from './helpers/browser.ts';

/** One pixel of the player's canvas, in document coordinates, as [r, g, b]. */
function playerPixel(page: Page, x: number, y: number): Promise<number[]> {
  return page.locator('making-of-player canvas').evaluate(
    (canvas: HTMLCanvasElement, [px, py]) => {
      const zoom = canvas.width / 64;
      const ctx = canvas.getContext('2d');
      if (!ctx) throw new Error('no 2d context');
      return [...ctx.getImageData(Math.floor(px! * zoom), Math.floor(py! * zoom), 1, 1).data.slice(0, 3)];
    },
    [x, y],
  );
}

/** Waits until the player shows frame `index` with every image drawn. */
const showing = (page: Page, index: number) => page.locator(`making-of-player canvas[data-frame="${index}"][data-pending="0"]`).waitFor();
const prompt = (page: Page) => page.locator('making-of-player [data-prompt]').innerText();

const BACKGROUND = [0xff, 0xee, 0xdd];
const SKY = [0x33, 0x66, 0xaa];

describeInBrowser('making-of player', (browser) => {
  test('scrubs with the keyboard and the slider, and plays to the end (desktop)', async () => {
    const atelier = await startServer(STILL);
    const { work } = await makeAWork(atelier);
    const viewer = await newPerson(browser(), atelier.url);
    const { page } = viewer;
    await page.goto(`/g/${work.id}`);
    // It opens on the finished piece: the last frame, the publish.
    await showing(page, 6);
    await page.locator('making-of-player', { hasText: 'Ann published the work' }).waitFor();
    expect(await prompt(page)).toBe('a red fox at dusk');
    await page.locator('making-of-player').scrollIntoViewIfNeeded();
    await shot(page, 'making-of-01-desktop');

    // Home on the slider: the first frame, nothing placed yet, the prompt's first words.
    const slider = page.getByRole('slider', { name: 'Making-of frame' });
    await slider.focus();
    await page.keyboard.press('Home');
    await showing(page, 0);
    expect(await prompt(page)).toBe('a red');
    expect(await playerPixel(page, 4, 4)).toEqual(BACKGROUND);
    expect(await page.locator('making-of-player ol.stack li').count()).toBe(0);
    // Two steps on: the sky is placed, the prompt has grown.
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await showing(page, 2);
    await page.locator('making-of-player', { hasText: 'Ann placed a layer' }).waitFor();
    expect(await prompt(page)).toBe('a red fox');
    expect(await playerPixel(page, 4, 4)).toEqual(SKY);
    expect(await page.locator('making-of-player ol.stack li').allInnerTexts()).toEqual([expect.stringContaining('sky')]);
    await shot(page, 'making-of-02-desktop-scrubbed');

    // The slider set by pointer: frame 4 has both layers.
    await slider.fill('4');
    await showing(page, 4);
    expect(await page.locator('making-of-player ol.stack li').count()).toBe(2);

    // Play runs from here to the end and stops there.
    await page.getByRole('button', { name: 'Play the making-of' }).click();
    await page.getByRole('button', { name: 'Pause the making-of' }).waitFor();
    await page.getByRole('button', { name: 'Play the making-of' }).waitFor();
    await showing(page, 6);
    expect(await unnamedControls(page)).toEqual([]);
    expect(viewer.errors).toEqual([]);
  });

  test('a piece made in the browser plays back: typed, generated, placed, published', async () => {
    const atelier = await startServer(STILL);
    const maker = await newPerson(browser(), atelier.url);
    const { page } = maker;
    await page.goto('/');
    await page.getByRole('button', { name: 'Start a room' }).first().click();
    await page.waitForURL(/\/r\//);
    await page.locator('prompt-editor .cm-content').click();
    await page.keyboard.type('a harbour at dawn');
    await page.getByRole('button', { name: 'Generate' }).click();
    await page.locator('candidate-tray [data-candidate-id]').waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: /^Place as layer/ }).click();
    await page.locator('canvas-preview[data-rendered="1"]').waitFor();
    await page.getByRole('button', { name: 'Publish' }).click();
    await page.locator('publish-dialog input[name="title"]').fill('Harbour');
    await page.locator('publish-dialog button', { hasText: 'Publish' }).click();
    await page.waitForURL(/\/g\/[A-Za-z0-9_-]{22}$/);

    await showing(page, 3);
    const slider = page.getByRole('slider', { name: 'Making-of frame' });
    const seen: string[] = [];
    for (let frame = 0; frame < 4; frame++) {
      await slider.fill(String(frame));
      await showing(page, frame);
      seen.push(`${await page.locator('making-of-player .who').innerText()} | ${await prompt(page)}`);
      if (frame === 1) {
        expect(await page.getByRole('img', { name: /^Generated image/ }).count()).toBeGreaterThan(0);
        await page.locator('making-of-player').scrollIntoViewIfNeeded();
        await shot(page, 'making-of-04-generated');
      }
    }
    const name = await page.locator('user-menu .name').innerText();
    expect(seen.map((line) => line.replace(/\s+/g, ' ').replace(/ [A-Z][a-z]{2} \d.*\|/, ' |'))).toEqual([
      `${name} wrote the prompt | a harbour at dawn`,
      `${name} generated images | a harbour at dawn`,
      `${name} placed a layer | a harbour at dawn`,
      `${name} published the work | a harbour at dawn`,
    ]);
    expect(maker.errors).toEqual([]);
  });

  test('plays on a phone with touch, without overflowing the screen', async () => {
    const atelier = await startServer(STILL);
    const { work } = await makeAWork(atelier);
    const context = await browser().newContext({
      baseURL: atelier.url,
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
    });
    const page = await context.newPage();
    await page.goto(`/g/${work.id}`);
    await showing(page, 6);
    await page.locator('making-of-player').scrollIntoViewIfNeeded();
    // Tap to play from the start (at the end, play starts over), tap again to pause.
    await page.getByRole('button', { name: 'Play the making-of' }).tap();
    await showing(page, 1);
    await page.getByRole('button', { name: 'Pause the making-of' }).tap();
    await page.getByRole('button', { name: 'Play the making-of' }).waitFor();
    const frame = Number(await page.locator('making-of-player canvas').getAttribute('data-frame'));
    expect(frame).toBeGreaterThanOrEqual(1);
    await page.locator('making-of-player canvas').scrollIntoViewIfNeeded();
    await shot(page, 'making-of-03-phone');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const box = await page.getByRole('button', { name: 'Play the making-of' }).boundingBox();
    expect(box?.height).toBeGreaterThanOrEqual(44);
    await context.close();
  });
});
