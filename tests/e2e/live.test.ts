// Live rooms in Chromium: the owner lists an invite-only room; a second
// person, on a phone, sees it in "Live now", opens it, watches the prompt
// being typed, asks to edit, is let in and types; a third watches on a desktop.
// A list the server marks stale (scaled mode, Redis away) is shown with a note
// until a later read is not.
import { expect, test } from 'vitest';
import { startServer, WAIT_BUDGET_MS, waitFor } from '../helpers/server.ts';
import { describeInBrowser, newPerson, phonePerson, shot, unnamedControls } from './helpers/browser.ts';

describeInBrowser('live rooms in the browser', (browser) => {
  test('list a room; a watcher finds it in Live now, watches it typed live, asks to edit, is granted and types', async () => {
    const atelier = await startServer({ LIVE_PREVIEW_MS: '500' });
    const owner = await newPerson(browser(), atelier.url);
    const watcher = await phonePerson(browser(), atelier.url);
    const fan = await newPerson(browser(), atelier.url);

    // Nothing is live yet: the strip and the page say so.
    await watcher.page.goto('/');
    await watcher.page.locator('live-strip').getByText('Nobody is making anything in the open right now').waitFor();
    await fan.page.goto('/live');
    await fan.page.getByText('Nothing is live right now').waitFor();

    // The owner starts a room, makes it invite-only and lists it.
    await owner.page.goto('/');
    await owner.page.getByRole('button', { name: 'Start a room' }).first().click();
    await owner.page.waitForURL(/\/r\/[A-Za-z0-9_-]{22}$/);
    const roomId = new URL(owner.page.url()).pathname.split('/')[2] ?? '';
    await owner.page.locator('prompt-editor .cm-content').waitFor();
    // On a desktop the people button shows your own avatar (a phone leaves it to the user menu).
    await owner.page.locator('participant-list li.me').waitFor();
    expect(await owner.page.locator('participant-list li.alone').isVisible()).toBe(false);
    await owner.page.getByRole('button', { name: 'Share' }).click();
    await owner.page.locator('share-dialog select').selectOption('none');
    await owner.page.locator('share-dialog input[name="listed"]').check();
    await waitFor(async () => (await atelier.store.live.isListed(roomId)) === true, WAIT_BUDGET_MS, 'the listing');
    await shot(owner.page, 'live-01-owner-lists-the-room');
    await owner.page.keyboard.press('Escape');
    await owner.page.locator('prompt-editor .cm-content').click();
    await owner.page.keyboard.type('a lighthouse');

    // The watcher sees it arrive in "Live now" without reloading, and the fan on /live.
    const tile = watcher.page.locator(`live-strip live-tile a[data-room="${roomId}"]`);
    await tile.waitFor({ timeout: 15_000 });
    await fan.page.locator(`live-page live-tile a[data-room="${roomId}"]`).waitFor({ timeout: 15_000 });
    await fan.page.locator(`live-page live-tile img`).waitFor({ timeout: 15_000 });
    await shot(watcher.page, 'live-02-phone-live-now-strip');
    await shot(fan.page, 'live-03-desktop-live-page');
    expect(await unnamedControls(fan.page)).toEqual([]);

    // The watcher opens it: read-only, the prompt as typed so far.
    await tile.click();
    await watcher.page.waitForURL(new RegExp(`/r/${roomId}\\?watch=1$`));
    await watcher.page.getByText('You are watching this room.').waitFor();
    const watcherPrompt = watcher.page.locator('prompt-editor .cm-content');
    await waitFor(async () => (await watcherPrompt.innerText()).includes('a lighthouse'), WAIT_BUDGET_MS, 'the prompt so far');
    expect(await watcherPrompt.getAttribute('contenteditable')).toBe('false');
    await owner.page.keyboard.type(' at dusk');
    await waitFor(async () => (await watcherPrompt.innerText()).includes('a lighthouse at dusk'), WAIT_BUDGET_MS, 'typing seen live');
    await fan.page.locator(`live-page live-tile a[data-room="${roomId}"]`).click();
    await fan.page.getByText('You are watching this room.').waitFor();
    await owner.page.locator('participant-list [data-watching="2"]').waitFor({ timeout: 10_000 });
    // The people button counts makers and watchers, as the header does.
    await owner.page.getByRole('button', { name: 'People in this room: 1 making · 2 watching' }).waitFor();
    await fan.page.getByRole('button', { name: 'People in this room: 1 making · 2 watching' }).waitFor({ timeout: 10_000 });
    await shot(watcher.page, 'live-04-phone-spectating');
    await shot(fan.page, 'live-05-desktop-spectating');

    // Ask to edit; the owner lets them in; they type.
    await watcher.page.getByRole('button', { name: 'Ask to edit' }).click();
    await watcher.page.getByText('Asked — the owner decides.').waitFor();
    const request = owner.page.locator('edit-access [data-request]');
    await request.getByText('asks to edit').waitFor();
    await shot(owner.page, 'live-06-owner-sees-the-request');
    await request.getByRole('button', { name: 'Let them edit' }).click();
    await waitFor(async () => (await watcherPrompt.getAttribute('contenteditable')) === 'true', WAIT_BUDGET_MS, 'editing granted');
    await watcherPrompt.click();
    await watcher.page.keyboard.press('End');
    await watcher.page.keyboard.type(', gulls');
    const ownerPrompt = owner.page.locator('prompt-editor .cm-content');
    await waitFor(async () => (await ownerPrompt.innerText()).includes('gulls'), WAIT_BUDGET_MS, 'the new editor types');
    await shot(watcher.page, 'live-07-phone-granted-and-typing');
  });

  test('a stale list shows a note until a later read of it is fresh', async () => {
    const atelier = await startServer();
    const viewer = await newPerson(browser(), atelier.url);
    // What a node cut off from Redis answers (tests/scale/live-outage.test.ts): the server's page, marked stale, until Redis is back.
    let redisAway = true;
    await viewer.page.route(
      (url) => url.pathname === '/api/live',
      async (route) => {
        const response = await route.fetch();
        if (!redisAway) return route.fulfill({ response });
        return route.fulfill({ response, json: { ...(await response.json()), stale: true } });
      },
    );
    await viewer.page.goto('/');
    const strip = viewer.page.locator('live-strip');
    const note = strip.getByText('Some rooms may be missing or out of date for a moment.');
    await note.waitFor();
    await strip.getByText('Nobody is making anything in the open right now').waitFor();
    // Read again on its own while stale: the note goes once a read is not.
    redisAway = false;
    await note.waitFor({ state: 'detached', timeout: 30_000 });
  });
});
