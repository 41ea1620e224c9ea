// The pages someone scrolls on a phone (390 × 844, touch), measured as drawn:
// every control a finger's size (44 px each way), every text 4.5:1 against its
// background (3:1 when large), nothing wider than the screen; the room's
// notification panel opens below its (taller, on touch) header.
import { expect, test } from 'vitest';
import { joinWithSocketIo } from '../helpers/clients.ts';
import { testLayer } from '../helpers/layers.ts';
import { api, startServer } from '../helpers/server.ts';
import { describeInBrowser, PHONE, type Person, phonePerson, shot, unnamedControls, whoAmI } from './helpers/browser.ts';
import { clippedSelects, lowContrastText, sidewaysScroll, smallTapTargets } from './helpers/page-audit.ts';
import { addLayerMap, solidImage } from './helpers/room-fixtures.ts';
import { realWork } from './helpers/work-fixtures.ts';

/** Everything the helpers find on the page as it is now, by check, for one expect that names them all. */
async function problems(person: Person): Promise<Record<string, unknown>> {
  const found = {
    taps: await smallTapTargets(person.page),
    contrast: await lowContrastText(person.page),
    sideways: await sidewaysScroll(person.page),
    cutSelects: await clippedSelects(person.page),
    unnamed: await unnamedControls(person.page),
  };
  return Object.fromEntries(Object.entries(found).filter(([, v]) => (Array.isArray(v) ? v.length > 0 : v !== 0)));
}

describeInBrowser('pages on a touch phone', (browser) => {
  test('gallery, work, report, profile, search, settings and room: finger-sized controls, readable text, no sideways scroll', async () => {
    const atelier = await startServer({ GALLERY_CACHE_MS: '0' });
    const http = api(atelier.url);
    const phone = await phonePerson(browser(), atelier.url);
    await phone.page.goto('/');
    await phone.page.locator('user-menu .name').waitFor({ state: 'attached' });
    const me = await whoAmI(phone);
    const bob = await http.session('Bob');
    const work = await realWork(atelier, me, { title: 'Harbour lights' });
    await http.json('POST', `/api/users/${me.id}/follow`, { token: bob.token, expect: 200 });
    await http.json('POST', `/api/works/${work.id}/comments`, { token: bob.token, body: { body: 'The light on the water' } });
    await http.json('POST', `/api/works/${work.id}/comments`, { token: me.token, body: { body: 'Thank you' } });

    const pages: Array<{ url: string; ready: string; name: string }> = [
      { url: '/', ready: 'work-card', name: 'gallery' },
      { url: `/g/${work.id}`, ready: 'comment-section .body', name: 'work' },
      { url: `/u/${me.id}`, ready: 'profile-page work-card', name: 'profile' },
      { url: '/search?q=harbour', ready: 'search-page work-card', name: 'search' },
      { url: '/search?q=bob&type=users', ready: 'search-page person-row', name: 'search-people' },
      { url: '/settings', ready: 'notification-settings input', name: 'settings' },
    ];
    for (const { url, ready, name } of pages) {
      await phone.page.goto(url);
      await phone.page.locator(ready).first().waitFor();
      expect({ page: name, ...(await problems(phone)) }).toEqual({ page: name });
    }

    // The report dialog's reasons, and the notifications panel.
    await phone.page.goto(`/g/${work.id}`);
    await phone.page.locator('comment-section .body').first().waitFor();
    await phone.page.locator('work-page').getByRole('button', { name: 'Report' }).first().tap();
    await phone.page.getByRole('radio', { name: 'Spam' }).waitFor();
    expect({ page: 'report', ...(await problems(phone)) }).toEqual({ page: 'report' });
    await shot(phone.page, 'touch-01-report');
    await phone.page.keyboard.press('Escape');
    await phone.page.getByRole('button', { name: /Notifications/ }).tap();
    await phone.page.locator('notification-bell .panel li').first().waitFor();
    expect({ page: 'notifications', ...(await problems(phone)) }).toEqual({ page: 'notifications' });

    // The room with a layer selected (its slider, blend, rename), and its people panel; the header's two
    // rows grow with the targets, and the bell's panel opens below them.
    const { room } = await http.room(me.token);
    const writer = await joinWithSocketIo(atelier.url, me.token, room.id);
    addLayerMap(writer.doc, testLayer({ id: 'sea', src: await solidImage(atelier, 64, 64, [30, 90, 160]), createdBy: me.id }));
    await phone.page.goto(`/r/${room.id}`);
    await phone.page.locator('room-page .state', { hasText: 'Live' }).waitFor();
    await phone.page.locator('generation-panel select').first().waitFor();
    // The prompt, where a room starts, is whole on the first screen, under the canvas.
    const prompt = await phone.page.locator('prompt-editor .cm-content').boundingBox();
    expect(prompt!.y + prompt!.height).toBeLessThanOrEqual(PHONE.height);
    await shot(phone.page, 'touch-02-room');
    await phone.page.locator('layer-panel li[data-layer-id="sea"] button.name').tap();
    await phone.page.locator('layer-panel input[type="range"]').waitFor();
    expect({ page: 'room', ...(await problems(phone)) }).toEqual({ page: 'room' });
    await phone.page.locator('participant-list button.people').tap();
    await phone.page.locator('participant-list .panel').waitFor();
    await shot(phone.page, 'touch-03-room-people');
    expect({ page: 'room-people', ...(await problems(phone)) }).toEqual({ page: 'room-people' });
    await phone.page.locator('participant-list button.people').tap();
    // The share dialog: its links, the listing and who the plain link lets in.
    await phone.page.getByRole('button', { name: 'Share' }).tap();
    await phone.page.locator('share-dialog select').waitFor();
    expect({ page: 'share', ...(await problems(phone)) }).toEqual({ page: 'share' });
    await phone.page.keyboard.press('Escape');
    await phone.page.getByRole('button', { name: /Notifications/ }).tap();
    const panel = await phone.page.locator('notification-bell .panel').boundingBox();
    const header = await phone.page.locator('room-page header').first().boundingBox();
    expect(panel!.y).toBeGreaterThanOrEqual(header!.y + header!.height);
    await shot(phone.page, 'touch-04-room-notifications');
    expect(phone.errors).toEqual([]);

    // The smallest phones: the app bar's finger-sized controls still fit.
    await phone.page.setViewportSize({ width: 320, height: 640 });
    await phone.page.goto('/');
    await phone.page.locator('work-card').first().waitFor();
    expect(await sidewaysScroll(phone.page)).toBe(0);
    for (const control of ['notification-bell', 'user-menu']) {
      const box = await phone.page.locator(control).boundingBox();
      expect(box!.x + box!.width, control).toBeLessThanOrEqual(320);
    }
    await shot(phone.page, 'touch-05-app-bar-320');
    await phone.context.close();
  }, 180_000);
});
