// Two people (and a viewer) in one room, in real Chromium against a real
// server: the shared prompt with named cursors, generating (progress seen by
// both), placing the result as a layer, opacity changes reaching the other
// canvas, undo, direct manipulation, and the read-only viewer.
import { expect, test } from 'vitest';
import { api, startServer, WAIT_BUDGET_MS, waitFor } from '../helpers/server.ts';
import { joinWithSocketIo } from '../helpers/clients.ts';
import { canvasPixel, describeInBrowser, newPerson, shot, unnamedControls } from './helpers/browser.ts';
import { FAKE_KEY, startFakeOpenAi } from '../generation/fake-openai.ts';

/** The fake OpenAI server's images are #3366cc. */
const BLUE: [number, number, number] = [0x33, 0x66, 0xcc];
const isColour = (pixel: readonly number[], rgb: readonly number[], tolerance = 3) =>
  rgb.every((v, i) => Math.abs(v - pixel[i]!) <= tolerance);

describeInBrowser('room in the browser', (browser) => {
  test('co-edit the prompt, generate, place, change opacity, undo, publish; a viewer cannot type', async () => {
    const fake = await startFakeOpenAi();
    const atelier = await startServer({ OPENAI_API_KEY: FAKE_KEY, OPENAI_BASE_URL: fake.baseUrl });
    const a = await newPerson(browser(), atelier.url);
    const b = await newPerson(browser(), atelier.url);
    const viewer = await newPerson(browser(), atelier.url);

    // A starts a room from the home page.
    await a.page.goto('/');
    await a.page.getByRole('button', { name: 'Start a room' }).first().click();
    await a.page.waitForURL(/\/r\/[A-Za-z0-9_-]{22}$/);
    const roomId = new URL(a.page.url()).pathname.split('/')[2]!;
    await a.page.locator('prompt-editor .cm-content').waitFor();
    await shot(a.page, 'room-01-a-new-room');

    // A copies the links from the share dialog.
    await a.page.getByRole('button', { name: 'Share' }).click();
    const editLink = await a.page.locator('share-dialog input[name="edit-link"]').inputValue();
    const viewLink = await a.page.locator('share-dialog input[name="view-link"]').inputValue();
    expect(editLink).toMatch(new RegExp(`/r/${roomId}\\?invite=`));
    expect(viewLink).not.toBe(editLink);
    await a.page.getByRole('button', { name: 'Copy edit link' }).click();
    await a.page.locator('share-dialog button', { hasText: 'Copied' }).waitFor();
    expect(await a.page.evaluate(() => navigator.clipboard.readText())).toBe(editLink);
    await shot(a.page, 'room-02-a-share-dialog');
    await a.page.keyboard.press('Escape');

    // B and the viewer open their links.
    await b.page.goto(editLink);
    await viewer.page.goto(viewLink);
    await b.page.locator('prompt-editor .cm-content').waitFor();
    await viewer.page.locator('prompt-editor .cm-content').waitFor();

    // A types; B sees the text and A's named cursor.
    const aName = await a.page.locator('user-menu .name').innerText();
    await a.page.locator('prompt-editor .cm-content').click();
    await a.page.keyboard.type('a lighthouse at dusk, ');
    await waitFor(
      async () => (await b.page.locator('prompt-editor .cm-content').innerText()).includes('a lighthouse at dusk'),
      WAIT_BUDGET_MS,
      'B sees the prompt',
    );
    await b.page.locator('prompt-editor .cm-ySelectionInfo', { hasText: aName }).waitFor();
    await waitFor(
      async () => (await b.page.locator(`participant-list [data-participant="${aName}"]`).count()) === 1,
      WAIT_BUDGET_MS,
      'B lists A',
    );
    await shot(b.page, 'room-03-b-sees-a-typing');

    // B types too: both edits survive.
    await b.page.locator('prompt-editor .cm-content').click();
    await b.page.keyboard.press('End');
    await b.page.keyboard.type('oil painting');
    await waitFor(
      async () => (await a.page.locator('prompt-editor .cm-content').innerText()).includes('a lighthouse at dusk, oil painting'),
      WAIT_BUDGET_MS,
      'A sees B',
    );
    // A (the owner) renames the room; B's header follows.
    await a.page.locator('room-page .title-button').click();
    await a.page.locator('room-page .title-input').fill('Lighthouse study');
    await a.page.keyboard.press('Enter');
    await b.page.locator('room-page .title h1', { hasText: 'Lighthouse study' }).waitFor();

    // B pauses: A stops seeing "is typing".
    await waitFor(
      async () => (await a.page.locator('participant-list .typing-note').innerText()).trim() === '',
      WAIT_BUDGET_MS,
      'typing ends',
    );

    // B generates with the (fake, held) OpenAI provider: both watch the job run.
    const outsider = await joinWithSocketIo(
      atelier.url,
      (await api(atelier.url).session('Observer')).token,
      roomId,
      new URL(viewLink).searchParams.get('invite')!,
    );
    fake.hold();
    await b.page.locator('generation-panel select[name="provider"]').selectOption('openai');
    await b.page.getByRole('button', { name: 'Generate' }).click();
    for (const person of [a, b]) await person.page.locator('job-card [data-status="running"] [role="progressbar"]').waitFor();
    await shot(a.page, 'room-04-a-sees-b-generating');
    // A long prompt is cut short inside the card: nothing of the job sticks out of it.
    const [card, bar] = await Promise.all([
      a.page.locator('job-card .job').first().boundingBox(),
      a.page.locator('job-card [role="progressbar"]').first().boundingBox(),
    ]);
    expect(bar!.x + bar!.width).toBeLessThanOrEqual(card!.x + card!.width);
    await waitFor(() => fake.held === 1, WAIT_BUDGET_MS, 'the provider got the request');
    fake.release();
    for (const person of [a, b]) {
      await person.page.locator('job-card [data-status="succeeded"]').waitFor();
      await person.page.locator('candidate-tray [data-candidate-id]').waitFor();
    }
    const prompt = 'a lighthouse at dusk, oil painting';
    await shot(b.page, 'room-05-b-candidate');

    // The local renderer (the room default) too: two images, which A discards.
    await b.page.locator('generation-panel select[name="provider"]').selectOption('local');
    await b.page.locator('generation-panel select[name="count"]').selectOption('2');
    await b.page.getByRole('button', { name: 'Generate' }).click();
    await waitFor(async () => (await a.page.locator('candidate-tray [data-candidate-id]').count()) === 3, 20_000, 'two local candidates');
    await shot(a.page, 'room-05b-a-three-candidates');
    // Newest first: the two local ones lead the tray.
    for (let i = 0; i < 2; i++) await a.page.locator('candidate-tray button', { hasText: 'Discard' }).first().click();
    await waitFor(
      async () => (await b.page.locator('candidate-tray [data-candidate-id]').count()) === 1,
      WAIT_BUDGET_MS,
      'discarded for B too',
    );

    // A places it: it fills the canvas (1024 × 1024), in the fake's blue.
    await a.page.getByRole('button', { name: `Place as layer: ${prompt}` }).click();
    await b.page.locator('layer-panel li[data-layer-id]').waitFor();
    await waitFor(async () => isColour(await canvasPixel(b.page, 512, 512), BLUE), WAIT_BUDGET_MS, "B's canvas shows the layer");
    await waitFor(
      async () => (await b.page.locator('candidate-tray [data-candidate-id]').count()) === 0,
      WAIT_BUDGET_MS,
      'the tray empties',
    );

    // A lowers its opacity to 40 %: B's canvas shows blue at 0.4 over white.
    await a.page.locator('layer-panel input[name="opacity"]').fill('40');
    await waitFor(
      async () => isColour(await canvasPixel(b.page, 512, 512), [173, 194, 235]),
      WAIT_BUDGET_MS,
      "B's canvas shows the layer at 40 %",
    );
    await shot(a.page, 'room-06-a-opacity-40');
    await shot(b.page, 'room-07-b-canvas-follows');

    // Undo (outside the prompt) takes back A's own opacity change, for everyone.
    await a.page.locator('canvas-preview .stage').focus();
    await a.page.keyboard.press('Control+z');
    await waitFor(async () => isColour(await canvasPixel(b.page, 512, 512), BLUE), WAIT_BUDGET_MS, 'the undo reaches B');
    // B's undo history holds none of A's changes.
    expect(await b.page.getByRole('button', { name: 'Undo' }).isDisabled()).toBe(true);

    // A drags the layer 120 px to the right on the canvas, then turns it 15° from the keyboard.
    const stage = (await a.page.locator('canvas-preview .stage').boundingBox())!;
    const fit = stage.width / 1024;
    const start = { x: stage.x + 512 * fit, y: stage.y + 512 * fit };
    await a.page.mouse.move(start.x, start.y);
    await a.page.mouse.down();
    for (let i = 1; i <= 6; i++) await a.page.mouse.move(start.x + i * 20, start.y);
    await a.page.mouse.up();
    const layerMap = () => outsider.doc.getArray('layers').get(0) as import('yjs').Map<unknown>;
    await waitFor(() => Math.abs(Number(layerMap().get('x')) - 120 / fit) <= 2, WAIT_BUDGET_MS, 'the drag reaches the others');
    await a.page.keyboard.press('Shift+BracketRight');
    await waitFor(() => layerMap().get('rotation') === 15, WAIT_BUDGET_MS, 'the rotation reaches the others');
    await waitFor(
      async () => isColour(await canvasPixel(b.page, 40, 512), [255, 255, 255]),
      WAIT_BUDGET_MS,
      "B's canvas shows the moved layer",
    );
    expect(isColour(await canvasPixel(b.page, 600, 512), BLUE)).toBe(true);
    await shot(b.page, 'room-08-b-sees-move-and-turn');

    // A cancels a job B started: both see it cancelled, nothing lands in the tray.
    fake.hold();
    await b.page.locator('generation-panel select[name="provider"]').selectOption('openai');
    await b.page.getByRole('button', { name: 'Generate' }).click();
    await a.page.locator('job-card [data-status="running"]').waitFor();
    await a.page.getByRole('button', { name: 'Cancel this job' }).click();
    await b.page.locator('job-card [data-status="cancelled"]').waitFor();
    fake.release();
    expect(await b.page.locator('candidate-tray [data-candidate-id]').count()).toBe(0);

    // Every control in the room has an accessible name.
    expect(await unnamedControls(a.page)).toEqual([]);

    // A publishes and lands on the work's page; B's gallery shows it first.
    await a.page.getByRole('button', { name: 'Publish' }).click();
    await a.page.locator('publish-dialog input[name="title"]').fill('Lighthouse, together');
    await a.page.locator('publish-dialog button', { hasText: 'Publish' }).click();
    await a.page.waitForURL(/\/g\/[A-Za-z0-9_-]{22}$/);
    const workId = new URL(a.page.url()).pathname.split('/')[2]!;
    await a.page.locator('work-page h1', { hasText: 'Lighthouse, together' }).waitFor();
    await shot(a.page, 'room-09-a-published');
    const galleryTab = await b.context.newPage();
    await galleryTab.goto('/');
    await galleryTab.locator('work-card article').first().waitFor();
    expect(await galleryTab.locator('work-card article').first().getAttribute('data-work-id')).toBe(workId);
    await shot(galleryTab, 'room-10-b-gallery-shows-it-first');

    // The viewer sees everything but cannot type or change layers.
    await viewer.page.locator('prompt-editor .cm-content', { hasText: 'oil painting' }).waitFor();
    expect(await viewer.page.locator('prompt-editor .cm-content').getAttribute('contenteditable')).toBe('false');
    await viewer.page.locator('prompt-editor .cm-content').click();
    await viewer.page.keyboard.type('vandalism');
    expect(await viewer.page.locator('prompt-editor .cm-content').innerText()).not.toContain('vandalism');
    expect(await viewer.page.getByRole('button', { name: 'Publish' }).isDisabled()).toBe(true);
    expect(await viewer.page.locator('layer-panel button[aria-label^="Delete"]').first().isDisabled()).toBe(true);
    await viewer.page.getByText('You are watching this room').waitFor();
    await shot(viewer.page, 'room-11-viewer-read-only');
    expect(outsider.doc.getText('prompt').toString()).not.toContain('vandalism');

    for (const person of [a, b, viewer]) expect(person.errors).toEqual([]);
    await Promise.all([a.context.close(), b.context.close(), viewer.context.close()]);
  }, 120_000);

  test('an unknown room and a private room say so', async () => {
    const atelier = await startServer();
    const http = api(atelier.url);
    const owner = await http.session('Owner');
    const { room, invites } = await http.room(owner.token, { linkAccess: 'none' });
    const visitor = await newPerson(browser(), atelier.url);
    await visitor.page.goto('/r/AAAAAAAAAAAAAAAAAAAAAA');
    await visitor.page.getByRole('heading', { name: 'This room does not exist' }).waitFor();
    await visitor.page.goto(`/r/${room.id}`);
    await visitor.page.getByRole('heading', { name: 'You cannot enter this room' }).waitFor();
    await visitor.page.getByText('This room is invite-only.', { exact: true }).waitFor();
    await shot(visitor.page, 'room-12-private');
    // With the view invite the same person gets in, read-only.
    await visitor.page.goto(`/r/${room.id}?invite=${invites.view}`);
    await visitor.page.getByText('You are watching this room').waitFor();
    expect(visitor.errors).toEqual([]);
    await visitor.context.close();
  }, 60_000);
});
