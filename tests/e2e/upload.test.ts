// Images from the computer: the file picker and drag-and-drop onto the canvas
// upload through POST /api/rooms/:id/media and become layers; then reorder,
// hide and delete them from the layer panel, and undo the delete.
import sharp from 'sharp';
import { expect, test } from 'vitest';
import { WAIT_BUDGET_MS, waitFor } from '../helpers/server.ts';
import { ownedRoom } from './helpers/room-fixtures.ts';
import { canvasPixel, describeInBrowser, newPerson, shot } from './helpers/browser.ts';

const png = (rgb: [number, number, number]) =>
  sharp({ create: { width: 400, height: 300, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } })
    .png()
    .toBuffer();

describeInBrowser('uploads and the layer panel', (browser) => {
  test('file picker and drop upload layers; reorder, hide, delete, undo', async () => {
    const { atelier, room, writer: watcher } = await ownedRoom();
    const names = () =>
      watcher.doc
        .getArray('layers')
        .toJSON()
        .map((l: { name: string }) => l.name);

    const a = await newPerson(browser(), atelier.url);
    await a.page.goto(`/r/${room.id}`);
    await a.page.locator('layer-panel .empty').waitFor();

    // The file picker.
    await a.page
      .locator('input[type="file"]')
      .setInputFiles({ name: 'green field.png', mimeType: 'image/png', buffer: await png([0, 200, 0]) });
    await waitFor(() => names().join() === 'green field', WAIT_BUDGET_MS, 'uploaded layer');

    // Drag and drop a file onto the canvas.
    const buffer = [...(await png([200, 0, 200]))];
    const data = await a.page.evaluateHandle((bytes) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([new Uint8Array(bytes)], 'magenta.png', { type: 'image/png' }));
      return transfer;
    }, buffer);
    await a.page.locator('canvas-preview .stage').dispatchEvent('dragover', { dataTransfer: data });
    await a.page.locator('canvas-preview .stage').dispatchEvent('drop', { dataTransfer: data });
    await waitFor(() => names().join() === 'green field,magenta', WAIT_BUDGET_MS, 'dropped layer on top');
    await waitFor(
      async () => {
        const [r, g, b] = await canvasPixel(a.page, 512, 512);
        return r > 190 && g < 10 && b > 190;
      },
      10_000,
      'magenta on top',
    );
    await shot(a.page, 'upload-01-two-layers');

    // Send the top layer backward from the keyboard: green is on top now.
    await a.page.locator('layer-panel li[data-layer-id]', { hasText: 'magenta' }).locator('button.name').focus();
    await a.page.keyboard.press('Alt+ArrowDown');
    await waitFor(() => names().join() === 'magenta,green field', WAIT_BUDGET_MS, 'reordered');
    await waitFor(async () => (await canvasPixel(a.page, 512, 512))[1] > 190, WAIT_BUDGET_MS, 'green on top');

    // Hide green: magenta shows again.
    await a.page.getByRole('button', { name: 'Hide green field' }).click();
    await waitFor(async () => (await canvasPixel(a.page, 512, 512))[0] > 190, WAIT_BUDGET_MS, 'green hidden');

    // Delete magenta, then undo the delete.
    await a.page.getByRole('button', { name: 'Delete magenta' }).click();
    await waitFor(() => names().join() === 'green field', WAIT_BUDGET_MS, 'deleted');
    await a.page.getByRole('button', { name: 'Undo' }).click();
    await waitFor(() => names().join() === 'magenta,green field', WAIT_BUDGET_MS, 'restored by undo');
    await shot(a.page, 'upload-02-after-undo');

    // Something that is not an image is refused with a message, nothing added.
    await a.page.locator('input[type="file"]').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
    await a.page.locator('room-page .toast.error').waitFor();
    expect(names()).toHaveLength(2);
    expect(a.errors).toEqual([]);
    await a.context.close();
  }, 120_000);
});
