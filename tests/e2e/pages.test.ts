// Pages a newcomer reaches by URL, in Chromium against a real server: a tag
// page lists only the works with that tag (opened directly and through a chip
// on the gallery), and an unknown path shows the client's "Nothing here" page
// with a 404 instead of raw JSON; a room closed by a moderator or invite-only
// says which to a visitor; a room owner sees the whole room title.
import { expect, test } from 'vitest';
import { ROOTS } from '../../shared/doc-schema.ts';
import type { PublishAck } from '../../shared/protocol.ts';
import { testLayer } from '../helpers/layers.ts';
import { api } from '../helpers/server.ts';
import { describeInBrowser, newPerson, phonePerson, shot } from './helpers/browser.ts';
import { addLayerMap, ownedRoom, solidImage } from './helpers/room-fixtures.ts';

describeInBrowser('pages by URL', (browser) => {
  test('a tag page lists only the works with that tag; an unknown path is the client 404 page', async () => {
    const { atelier, owner, room, writer } = await ownedRoom({ GALLERY_CACHE_MS: '0' });
    writer.doc.transact(() => {
      writer.doc.getMap(ROOTS.meta).set('width', 64);
      writer.doc.getMap(ROOTS.meta).set('height', 64);
    });
    addLayerMap(writer.doc, testLayer({ id: 'dot', src: await solidImage(atelier, 64, 64, [30, 90, 160]), createdBy: owner.user.id }));
    for (const body of [{ title: 'Tagged harbour', tags: ['harbour'] }, { title: 'Untagged field' }]) {
      const res = (await writer.socket.timeout(10_000).emitWithAck('work:publish', room.id, body)) as PublishAck;
      expect(res.ok).toBe(true);
    }
    const visitor = await newPerson(browser(), atelier.url);
    const feedRequests: string[] = [];
    visitor.page.on('request', (req) => {
      if (new URL(req.url()).pathname === '/api/gallery') feedRequests.push(new URL(req.url()).search);
    });

    // Opened by URL: only the tagged work, and the feed was asked for that tag only.
    await visitor.page.goto('/t/harbour');
    await visitor.page.locator('work-card h3', { hasText: 'Tagged harbour' }).waitFor();
    await visitor.page.getByText('That is everything').waitFor();
    expect(await visitor.page.locator('work-card h3').allInnerTexts()).toEqual(['Tagged harbour']);
    expect(feedRequests.length).toBeGreaterThan(0);
    expect(feedRequests.every((search) => new URLSearchParams(search).get('tag') === 'harbour')).toBe(true);
    await shot(visitor.page, 'pages-01-tag');

    // Through the chip on the gallery (client-side navigation): the same.
    await visitor.page.goto('/');
    await visitor.page.locator('work-card h3', { hasText: 'Untagged field' }).waitFor();
    await visitor.page.locator('gallery-page a[href="/t/harbour"]').click();
    await visitor.page.waitForURL('**/t/harbour');
    await visitor.page.locator('gallery-page h1', { hasText: '#harbour' }).waitFor();
    await visitor.page.getByText('That is everything').waitFor();
    expect(await visitor.page.locator('work-card h3').allInnerTexts()).toEqual(['Tagged harbour']);

    // A tag nobody used: the empty state, not the whole gallery.
    await visitor.page.goto('/t/nothing-here');
    await visitor.page.getByText('No works tagged #nothing-here').waitFor();
    expect(await visitor.page.locator('work-card').count()).toBe(0);

    // An unknown path: the app's own page, with a 404 status for the document.
    const res = await visitor.page.goto('/no/such/page');
    expect(res?.status()).toBe(404);
    await visitor.page.getByRole('heading', { name: 'Nothing here' }).waitFor();
    await shot(visitor.page, 'pages-02-unknown-path');
    // API clients still get the JSON error.
    const api = await fetch(`${atelier.url}/no/such/page`);
    expect(api.status).toBe(404);
    expect(await api.json()).toEqual({ error: { code: 'not_found', message: 'no such route' } });

    expect(visitor.errors.filter((e) => !e.includes('/no/such/page'))).toEqual([]);
    await visitor.context.close();
  }, 180_000);

  test('a room closed by a moderator says so, and an invite-only room says it is', async () => {
    const { atelier, owner, room: closed } = await ownedRoom();
    const http = api(atelier.url);
    await atelier.store.social.moderation.setHidden('room', closed.id, new Date().toISOString());
    const { room: privateRoom } = await http.room(owner.token);
    await http.json('PATCH', `/api/rooms/${privateRoom.id}`, { token: owner.token, body: { linkAccess: 'none' }, expect: 200 });
    const visitor = await phonePerson(browser(), atelier.url);
    for (const [room, reason] of [
      [closed, 'This room was closed by a moderator.'],
      [privateRoom, 'This room is invite-only.'],
    ] as const) {
      await visitor.page.goto(`/r/${room.id}`);
      await visitor.page.getByRole('heading', { name: 'You cannot enter this room' }).waitFor();
      await visitor.page.getByText(reason, { exact: true }).waitFor();
      await visitor.page.getByRole('link', { name: 'Go to the gallery' }).waitFor();
    }
    await shot(visitor.page, 'pages-04-room-invite-only');
    await visitor.context.close();
  }, 60_000);

  test("the owner's room title is shown whole when there is room for it", async () => {
    const { atelier } = await ownedRoom();
    const owner = await newPerson(browser(), atelier.url);
    await owner.page.goto('/');
    await owner.page.getByRole('button', { name: 'Start a room' }).first().click();
    await owner.page.waitForURL(/\/r\//);
    const title = owner.page.locator('room-page .title-button', { hasText: 'Untitled room' });
    await title.waitFor();
    // An ellipsis shows exactly when the text is wider than the button.
    const { scroll, client } = await title.evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
    expect(scroll).toBeLessThanOrEqual(client);
    await shot(owner.page, 'pages-03-room-title');
    expect(owner.errors).toEqual([]);
    await owner.context.close();
  }, 120_000);
});
