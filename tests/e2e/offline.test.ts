// Losing the connection: the offline banner shows, edits made offline stay
// and reach the others after the automatic reconnect and resync.
import { expect, test } from 'vitest';
import { WAIT_BUDGET_MS, waitFor } from '../helpers/server.ts';
import { ownedRoom } from './helpers/room-fixtures.ts';
import { describeInBrowser, newPerson, shot } from './helpers/browser.ts';

describeInBrowser('offline and back', (browser) => {
  test('banner while offline, offline edits sync on reconnect', async () => {
    const { atelier, room, writer: other } = await ownedRoom();

    const a = await newPerson(browser(), atelier.url);
    await a.page.goto(`/r/${room.id}`);
    await a.page.locator('prompt-editor .cm-content').click();
    await a.page.keyboard.type('online words');
    await waitFor(() => other.doc.getText('prompt').toString() === 'online words', WAIT_BUDGET_MS, 'online edit arrives');

    // Cut every connection of A's browser: the page notices (the browser says it is offline) and the banner shows.
    await a.context.setOffline(true);
    await a.page.locator('connection-banner [data-offline]').waitFor({ timeout: 30_000 });
    await a.page.keyboard.type(' and offline ones');
    await shot(a.page, 'offline-01-banner');
    expect(other.doc.getText('prompt').toString()).toBe('online words');

    // Back online: reconnect, rejoin, resync; the banner goes away.
    await a.context.setOffline(false);
    await waitFor(() => other.doc.getText('prompt').toString() === 'online words and offline ones', 30_000, 'offline edits arrive');
    await a.page.locator('connection-banner [data-offline]').waitFor({ state: 'detached' });
    await a.page.locator('room-page .state', { hasText: 'Live' }).waitFor();
    await shot(a.page, 'offline-02-back');
    expect(a.errors.filter((e) => !e.includes('ERR_INTERNET_DISCONNECTED'))).toEqual([]);
    await a.context.close();
  }, 120_000);
});
