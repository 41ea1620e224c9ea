// The app shell for keyboard users and people who are not moderators, in
// Chromium against a real server: a "Skip to content" link is the first Tab
// stop (visible only when focused) and moves focus past the header, on a
// desktop and on a phone; /moderation tells a non-moderator so without an
// HTTP error (the client asks whether it moderates instead of being refused).
import { expect, test } from 'vitest';
import { api, startServer } from '../helpers/server.ts';
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

  test("a moderator's queue links in the app's accent colour, not the browser's blue", async () => {
    // The moderator is named by id, so the server starts again once the account exists.
    const first = await startServer();
    const modSession = await api(first.url).session('Mod');
    await first.close();
    const atelier = await startServer({ DATA_DIR: first.config.dataDir, MODERATORS: modSession.user.id });
    const http = api(atelier.url);
    const mod = await newPerson(browser(), atelier.url);
    await mod.context.addInitScript((token) => localStorage.setItem('atelier.token', token), modSession.token);
    const ann = await http.session('Ann');
    await http.json('POST', '/api/reports', {
      token: ann.token,
      body: { target: { type: 'user', id: modSession.user.id }, reason: 'spam' },
      expect: 201,
    });
    await mod.page.goto('/moderation');
    const link = mod.page.locator('moderation-page .item a', { hasText: 'Ann' });
    await link.waitFor();
    const colours = await link.evaluate((a) => ({
      link: getComputedStyle(a).color,
      accent: getComputedStyle(a).getPropertyValue('--accent'),
    }));
    const probe = await mod.page.evaluate((accent) => {
      const el = document.createElement('span');
      el.style.color = accent;
      document.body.append(el);
      const rgb = getComputedStyle(el).color;
      el.remove();
      return rgb;
    }, colours.accent.trim());
    expect(colours.link).toBe(probe);
    await shot(mod.page, 'shell-moderation-links');
    expect(mod.errors).toEqual([]);
    await mod.context.close();

    // The same on a phone, and the search page's heading there.
    const phone = await phonePerson(browser(), atelier.url);
    await phone.context.addInitScript((token) => localStorage.setItem('atelier.token', token), modSession.token);
    await phone.page.goto('/moderation');
    await phone.page.locator('moderation-page .item a', { hasText: 'Ann' }).waitFor();
    expect(await phone.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await shot(phone.page, 'shell-moderation-phone');
    await phone.page.goto('/search?q=harbour');
    await phone.page.getByRole('heading', { level: 1, name: 'Search: “harbour”' }).waitFor();
    await shot(phone.page, 'shell-search-phone');
    expect(phone.errors).toEqual([]);
    await phone.context.close();
  });
});
