// The gallery, publishing and the work page in Chromium against a real
// server: an empty gallery, a piece made and published in a room landing on
// its page and live at the top of someone else's gallery, likes, sorting,
// remixing into a new room, lineage, and infinite scroll.
import { expect, test } from 'vitest';
import { ROOTS } from '../../shared/doc-schema.ts';
import type { PublishAck } from '../../shared/protocol.ts';
import { testLayer } from '../helpers/layers.ts';
import { startServer, WAIT_BUDGET_MS, waitFor } from '../helpers/server.ts';
import { describeInBrowser, newPerson, shot, unnamedControls } from './helpers/browser.ts';
import { addLayerMap, ownedRoom, solidImage } from './helpers/room-fixtures.ts';

const SERVER_ENV = { GALLERY_CACHE_MS: '0', PUBLISHES_PER_MINUTE: '1000' };

describeInBrowser('gallery and works', (browser) => {
  test('publish lands on the work page and live at the top of the gallery; like, sort, remix, lineage', async () => {
    const atelier = await startServer(SERVER_ENV);
    const a = await newPerson(browser(), atelier.url);
    const b = await newPerson(browser(), atelier.url);

    // B watches an empty gallery.
    await b.page.goto('/');
    await b.page.getByText('No works yet').waitFor();
    await shot(b.page, 'gallery-01-empty');

    // A starts a room, writes a prompt, generates with the local renderer, places the image.
    await a.page.goto('/');
    await a.page.getByRole('button', { name: 'Start a room' }).first().click();
    await a.page.waitForURL(/\/r\//);
    await a.page.locator('prompt-editor .cm-content').click();
    await a.page.keyboard.type('a harbour at dawn, boats & gulls');
    await a.page.getByRole('button', { name: 'Generate' }).click();
    await a.page.locator('candidate-tray [data-candidate-id]').waitFor({ timeout: 30_000 });
    await a.page.getByRole('button', { name: /^Place as layer/ }).click();
    await a.page.locator('canvas-preview[data-rendered="1"]').waitFor();

    // A publishes: the dialog lands on the new work's page.
    await a.page.getByRole('button', { name: 'Publish' }).click();
    await a.page.locator('publish-dialog input[name="title"]').fill('Harbour <at> dawn & "gulls"');
    await a.page.locator('publish-dialog textarea[name="description"]').fill('Made in a shared room.');
    await shot(a.page, 'gallery-02-publish-dialog');
    await a.page.locator('publish-dialog button', { hasText: 'Publish' }).click();
    await a.page.waitForURL(/\/g\/[A-Za-z0-9_-]{22}$/);
    const workId = new URL(a.page.url()).pathname.split('/')[2]!;
    await a.page.locator('work-page h1', { hasText: 'Harbour <at> dawn & "gulls"' }).waitFor();
    await a.page.locator('work-page blockquote', { hasText: 'a harbour at dawn, boats & gulls' }).waitFor();
    const aName = await a.page.locator('user-menu .name').innerText();
    await a.page.locator('work-page ul.authors', { hasText: aName }).waitFor();
    await shot(a.page, 'gallery-03-work-page');
    expect(await unnamedControls(a.page)).toEqual([]);

    // B's gallery shows it first, live, without a reload.
    await b.page.locator(`work-card [data-work-id="${workId}"]`).waitFor();
    expect(await b.page.locator('work-card article').first().getAttribute('data-work-id')).toBe(workId);
    await b.page.locator(`work-card [data-work-id="${workId}"] img.ready`).waitFor();
    await shot(b.page, 'gallery-04-b-sees-it-live');
    expect(await unnamedControls(b.page)).toEqual([]);

    // B likes it; A's page shows the like after a reload.
    await b.page.getByRole('button', { name: /^Like Harbour/ }).click();
    await b.page.getByRole('button', { name: /^Unlike Harbour.*1 likes/ }).waitFor();
    await a.page.reload();
    await a.page.locator('work-page .actions button', { hasText: '1 like' }).waitFor();

    // B opens it and remixes it into a new room holding the published prompt and layer.
    await b.page.locator(`work-card [data-work-id="${workId}"] a.image`).click();
    await b.page.waitForURL(`**/g/${workId}`);
    await b.page.getByRole('button', { name: 'Remix in a new room' }).click();
    await b.page.waitForURL(/\/r\/[A-Za-z0-9_-]{22}$/);
    await b.page.locator('prompt-editor .cm-content', { hasText: 'a harbour at dawn, boats & gulls' }).waitFor();
    await b.page.locator('layer-panel li[data-layer-id]').waitFor();
    await b.page.locator('room-page a.origin').waitFor();
    await shot(b.page, 'gallery-05-remix-room');

    // B publishes the remix: its page links back, the original lists it.
    await b.page.getByRole('button', { name: 'Publish' }).click();
    await b.page.locator('publish-dialog input[name="title"]').fill('Harbour, remixed');
    await b.page.locator('publish-dialog button', { hasText: 'Publish' }).click();
    await b.page.waitForURL(/\/g\//);
    await b.page.locator('work-page .lineage a', { hasText: 'Harbour <at> dawn' }).waitFor();
    await b.page.locator('work-page .lineage a').click();
    await b.page.waitForURL(`**/g/${workId}`);
    await b.page.locator('work-page .remixes a', { hasText: 'Harbour, remixed' }).waitFor();
    await shot(b.page, 'gallery-06-lineage');

    // Sorting: the liked original leads "Most liked", the remix leads "Newest".
    await b.page.goto('/');
    await b.page.locator('work-card article').first().waitFor();
    expect(await b.page.locator('work-card h3').first().innerText()).toBe('Harbour, remixed');
    await b.page.getByRole('button', { name: 'Most liked' }).click();
    await waitFor(
      async () => (await b.page.locator('work-card h3').first().innerText()) === 'Harbour <at> dawn & "gulls"',
      WAIT_BUDGET_MS,
      'top sort',
    );
    await shot(b.page, 'gallery-07-top');

    // The server-rendered work page for a newcomer (no session yet) becomes the app.
    const c = await newPerson(browser(), atelier.url);
    await c.page.goto(`/g/${workId}`);
    await c.page.locator('work-page h1', { hasText: 'Harbour <at> dawn' }).waitFor();
    for (const person of [a, b, c]) expect(person.errors).toEqual([]);
    await Promise.all([a.context.close(), b.context.close(), c.context.close()]);
  }, 180_000);

  test('infinite scroll loads the next pages of the feed', async () => {
    const { atelier, owner, room, writer } = await ownedRoom(SERVER_ENV);
    // A small canvas keeps each composite cheap.
    writer.doc.transact(() => {
      writer.doc.getMap(ROOTS.meta).set('width', 64);
      writer.doc.getMap(ROOTS.meta).set('height', 64);
    });
    addLayerMap(writer.doc, testLayer({ id: 'dot', src: await solidImage(atelier, 64, 64, [200, 120, 40]), createdBy: owner.user.id }));
    const TOTAL = 30;
    for (let i = 1; i <= TOTAL; i++) {
      const res = (await writer.socket.timeout(10_000).emitWithAck('work:publish', room.id, { title: `Study ${i}` })) as PublishAck;
      expect(res.ok).toBe(true);
    }
    const viewer = await newPerson(browser(), atelier.url, { width: 1200, height: 700 });
    await viewer.page.goto('/');
    await viewer.page.locator('work-card').first().waitFor();
    expect(await viewer.page.locator('work-card h3').first().innerText()).toBe(`Study ${TOTAL}`);
    const firstPage = await viewer.page.locator('work-card').count();
    expect(firstPage).toBeLessThan(TOTAL);
    await viewer.page.mouse.wheel(0, 20_000);
    await waitFor(async () => (await viewer.page.locator('work-card').count()) === TOTAL, 15_000, 'every work loaded');
    await viewer.page.getByText('That is everything').waitFor();
    expect(await viewer.page.locator('work-card h3').last().innerText()).toBe('Study 1');
    await shot(viewer.page, 'gallery-08-scrolled-to-the-end');
    expect(viewer.errors).toEqual([]);
    await viewer.context.close();
  }, 180_000);
});
