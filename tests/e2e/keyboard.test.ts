// The app from the keyboard, in Chromium: a panel that opens from a button
// closes on Escape wherever focus is inside it, and gives focus back to the
// button that opened it.
import { expect, test } from 'vitest';
import { describeInBrowser, newPerson, shot } from './helpers/browser.ts';
import { ownedRoom } from './helpers/room-fixtures.ts';

describeInBrowser('the keyboard', (browser) => {
  test("the room's people panel closes on Escape from a name inside it, focus back on its button", async () => {
    const { atelier, room } = await ownedRoom();
    const person = await newPerson(browser(), atelier.url);
    await person.page.goto(`/r/${room.id}`);
    const button = person.page.locator('participant-list button.people');
    await button.waitFor();
    await button.focus();
    await person.page.keyboard.press('Enter');
    const panel = person.page.locator('participant-list .panel');
    await panel.waitFor();
    await person.page.keyboard.press('Tab');
    const inPanel = await person.page.evaluate(() => {
      const host = document
        .querySelector('atelier-app')
        ?.shadowRoot?.querySelector('room-page')
        ?.shadowRoot?.querySelector('participant-list');
      return host?.shadowRoot?.activeElement?.closest('.panel') != null;
    });
    expect(inPanel).toBe(true);
    await shot(person.page, 'keyboard-01-people-panel');
    await person.page.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });
    expect(await button.evaluate((el) => (el.getRootNode() as ShadowRoot).activeElement === el)).toBe(true);
    expect(person.errors).toEqual([]);
    await person.context.close();
  }, 60_000);
});
