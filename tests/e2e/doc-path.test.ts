// The room page's one connection, in real Chromium: each page opens exactly
// one WebSocket to the server, /yjs/:roomId with `?events=1` (counted by CDP's
// Network.webSocketCreated), and makes no /socket.io/ request, while the
// prompt syncs between two pages, a job started on one shows its progress on
// the other, and a notification reaches the header's bell, all over it. Other
// pages keep Socket.IO: going to the gallery and back within the app opens it
// there and closes it again in the room.
import type { CDPSession, Page } from 'playwright-core';
import { expect, test } from 'vitest';
import { ROOTS } from '../../shared/doc-schema.ts';
import { FAKE_KEY, startFakeOpenAi } from '../generation/fake-openai.ts';
import { api, startServer, WAIT_BUDGET_MS, waitFor } from '../helpers/server.ts';
import { describeInBrowser, newPerson, PHONE, type Person, shot } from './helpers/browser.ts';

interface Connections {
  /** Every WebSocket the page opened, by URL (CDP). */
  webSockets: URL[];
  /** The ones still open, by CDP request id. */
  open: Map<string, URL>;
  /** Every HTTP request to /socket.io/ (its polling transport, or an upgrade attempt). */
  socketIo: string[];
  cdp: CDPSession;
}

/** Watches a page's connections from before it loads. */
async function watchConnections(page: Page): Promise<Connections> {
  const cdp = await page.context().newCDPSession(page);
  const seen: Connections = { webSockets: [], open: new Map(), socketIo: [], cdp };
  cdp.on('Network.webSocketCreated', ({ requestId, url }) => {
    seen.webSockets.push(new URL(url));
    seen.open.set(requestId, new URL(url));
  });
  cdp.on('Network.webSocketClosed', ({ requestId }) => seen.open.delete(requestId));
  await cdp.send('Network.enable');
  page.on('request', (req) => {
    if (new URL(req.url()).pathname.startsWith('/socket.io/')) seen.socketIo.push(req.url());
  });
  return seen;
}

async function signedIn(person: Person, token: string): Promise<void> {
  await person.context.addInitScript((t) => localStorage.setItem('atelier.token', t), token);
}

const promptText = (page: Page) => page.locator('prompt-editor .cm-content').innerText();

describeInBrowser('the room page’s one connection', (browser) => {
  test('one WebSocket per page and no Socket.IO: typing, a job’s progress and a notification travel on it', async () => {
    const fake = await startFakeOpenAi();
    const atelier = await startServer({ OPENAI_API_KEY: FAKE_KEY, OPENAI_BASE_URL: fake.baseUrl });
    const http = api(atelier.url);
    const [ann, bob, carl] = await Promise.all([http.session('Ann'), http.session('Bob'), http.session('Carl')]);
    const { room, invites } = await http.room(ann.token, { title: 'One connection' });

    const a = await newPerson(browser(), atelier.url, { width: 1280, height: 800 });
    const b = await newPerson(browser(), atelier.url, PHONE);
    await signedIn(a, ann.token);
    await signedIn(b, bob.token);
    const aWire = await watchConnections(a.page);
    const bWire = await watchConnections(b.page);
    await a.page.goto(`/r/${room.id}`);
    await b.page.goto(`/r/${room.id}?invite=${invites.edit}`);
    for (const person of [a, b]) await person.page.locator('room-page .state', { hasText: 'Live' }).waitFor();

    // Typing, both ways.
    await a.page.locator('prompt-editor .cm-content').click();
    await a.page.keyboard.type('a lighthouse at dusk');
    await waitFor(async () => (await promptText(b.page)).includes('a lighthouse at dusk'), WAIT_BUDGET_MS, 'B sees A’s text');
    await b.page.locator('prompt-editor .cm-content').click();
    await b.page.keyboard.press('End');
    await b.page.keyboard.type(', oil');
    await waitFor(async () => (await promptText(a.page)).includes('a lighthouse at dusk, oil'), WAIT_BUDGET_MS, 'A sees B’s text');
    // A control character in the prompt (a slide's soft line break, pasted) shows as a mark: generation would refuse it.
    const prompt = () => atelier.registry.get(room.id)!.doc.getText(ROOTS.prompt);
    atelier.registry.get(room.id)!.transact(() => prompt().insert(1, '\u000b'), 'test');
    await a.page.locator('prompt-editor .cm-specialChar').waitFor();
    atelier.registry.get(room.id)!.transact(() => prompt().delete(1, 1), 'test');
    await a.page.locator('prompt-editor .cm-specialChar').waitFor({ state: 'detached' });
    // So does a bidirectional control CodeMirror's own set leaves out (U+202A, left-to-right embedding).
    atelier.registry.get(room.id)!.transact(() => prompt().insert(1, '\u202a'), 'test');
    await a.page.locator('prompt-editor .cm-specialChar').waitFor();
    atelier.registry.get(room.id)!.transact(() => prompt().delete(1, 1), 'test');
    await a.page.locator('prompt-editor .cm-specialChar').waitFor({ state: 'detached' });

    // A generates (the fake provider holds the image): B watches it run, then finish.
    fake.hold();
    await a.page.locator('generation-panel select[name="provider"]').selectOption('openai');
    await a.page.getByRole('button', { name: 'Generate' }).click();
    const running = b.page.locator('job-card [data-status="running"] [role="progressbar"]');
    await running.waitFor();
    await running.scrollIntoViewIfNeeded();
    await shot(b.page, 'one-connection-01-phone-390-sees-job-running');
    fake.release();
    await b.page.locator('job-card [data-status="succeeded"]').waitFor();
    await b.page.locator('candidate-tray [data-candidate-id]').waitFor();

    // Carl follows both: each bell, in the room page's header, shows it without reloading.
    for (const token of [ann.token, bob.token]) {
      const { id } = (await http.json<{ user: { id: string } }>('GET', '/api/session', { token })).user;
      const followed = await http.request('POST', `/api/users/${id}/follow`, { token: carl.token });
      expect(followed.ok).toBe(true);
    }
    for (const person of [a, b]) await person.page.locator('notification-bell .badge', { hasText: '1' }).waitFor();
    await shot(a.page, 'one-connection-02-desktop-1280');
    await b.page.locator('notification-bell button.bell').click();
    await b.page.locator('notification-bell .panel').getByText('followed you').waitFor();
    const panel = await b.page.locator('notification-bell .panel').boundingBox();
    const header = await b.page.locator('room-page header').first().boundingBox();
    // On a phone the panel opens below the room's two-row header, within the screen.
    expect(panel && header && panel.y >= header.y + header.height - 1 && panel.x >= 0 && panel.x + panel.width <= PHONE.width).toBe(true);
    await shot(b.page, 'one-connection-03-phone-390-bell');
    await b.page.keyboard.press('Escape');
    expect(await b.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);

    for (const [name, wire] of [
      ['A', aWire],
      ['B', bWire],
    ] as const) {
      expect(
        wire.webSockets.map((url) => url.pathname),
        `${name}'s WebSockets`,
      ).toEqual([`/yjs/${room.id}`]);
      expect(wire.webSockets[0]?.searchParams.get('events'), `${name} opted in`).toBe('1');
      expect(wire.socketIo, `${name}'s /socket.io/ requests`).toEqual([]);
    }

    // A goes to the gallery within the app: Socket.IO there, and the room's WebSocket closes.
    const paths = (wire: Connections) => [...wire.open.values()].map((url) => url.pathname);
    await a.page.locator('room-page a.home').click();
    await a.page.locator('gallery-page').waitFor();
    await waitFor(() => paths(aWire).join() === '/socket.io/', WAIT_BUDGET_MS, 'only Socket.IO open on the gallery');
    // And back: one WebSocket again, the room's, and the page works on it.
    await a.page.goBack();
    await a.page.locator('room-page .state', { hasText: 'Live' }).waitFor();
    await waitFor(() => paths(aWire).join() === `/yjs/${room.id}`, WAIT_BUDGET_MS, 'only the room’s WebSocket open in the room');
    await a.page.locator('prompt-editor .cm-content').click();
    await a.page.keyboard.press('End');
    await a.page.keyboard.type(' again');
    await waitFor(async () => (await promptText(b.page)).includes('oil again'), WAIT_BUDGET_MS, 'B sees A’s text after the round trip');

    expect(a.errors).toEqual([]);
    expect(b.errors).toEqual([]);
    await a.context.close();
    await b.context.close();
  }, 120_000);
});
