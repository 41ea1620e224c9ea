// The app shell for keyboard users and people who are not moderators, in
// Chromium against a real server: a "Skip to content" link is the first Tab
// stop (visible only when focused) and moves focus past the header, on a
// desktop and on a phone; /moderation tells a non-moderator so without an
// HTTP error (the client asks whether it moderates instead of being refused).
import { expect, test } from 'vitest';
import { startServer } from '../helpers/server.ts';
import { describeInBrowser, newPerson, PHONE, type Person, phonePerson, shot } from './helpers/browser.ts';

/** The element focused inside the app's shadow root, by id or tag. */
async function focused(person: Person): Promise<string> {
  return person.page.evaluate(() => {
    const el = document.querySelector('atelier-app')?.shadowRoot?.activeElement;
    return el ? el.id || el.className || el.tagName : 'none';
  });
}

describeInBrowser('app shell', (browser) => {
  test('Skip to content: first Tab stop, hidden until focused, moves focus past the header (desktop and phone)', async () => {
    const atelier = await startServer();
    for (const [person, name] of [
      [await newPerson(browser(), atelier.url), 'desktop'],
      [await phonePerson(browser(), atelier.url), 'phone'],
    ] as const) {
      await person.page.goto('/live');
      await person.page.getByRole('heading', { name: 'Live now' }).waitFor();
      const skip = person.page.getByRole('link', { name: 'Skip to content' });
      const hidden = await skip.boundingBox();
      expect(hidden && hidden.y + hidden.height <= 0).toBe(true);
      await person.page.keyboard.press('Tab');
      expect(await focused(person)).toBe('skip');
      const shown = await skip.boundingBox();
      expect(shown && shown.y >= 0 && shown.x + shown.width <= (name === 'phone' ? PHONE.width : 1440)).toBe(true);
      await shot(person.page, `shell-skip-link-${name}`);
      await person.page.keyboard.press('Enter');
      expect(await focused(person)).toBe('content');
      expect(person.page.url()).not.toContain('#');
      expect(person.errors).toEqual([]);
      await person.context.close();
    }
  });

  test('a non-moderator opening /moderation is told so, with no HTTP error', async () => {
    const atelier = await startServer();
    const visitor = await newPerson(browser(), atelier.url);
    await visitor.page.goto('/moderation');
    await visitor.page.getByText('Only moderators can see this page.').waitFor();
    await visitor.page.getByRole('heading', { level: 1, name: 'Moderation' }).waitFor();
    expect(visitor.errors).toEqual([]);
    await visitor.context.close();
  });
});
