// Live previews are drawn on a worker thread (server/live/preview-worker.ts):
// on a real server, a watched listed room's preview shows its layers and
// background, follows an edit, and keeps coming after the thread is killed;
// behind the thread waits only the latest request per room, and few rooms;
// a thread that dies again and again is started again later each time, up to
// a cap, and at once again after it has lived a healthy while.
import pino from 'pino';
import sharp from 'sharp';
import type * as Y from 'yjs';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { ROOTS } from '../../shared/doc-schema.ts';
import type { Atelier } from '../../server/atelier.ts';
import { PreviewSuperseded, PreviewWorker, type RestartBackoff } from '../../server/live/preview-worker.ts';
import type { Scene } from '../../server/render/compositor.ts';
import { pixels } from '../gallery/helpers.ts';
import { pushLayer, testLayer } from '../helpers/layers.ts';
import { api, startServer } from '../helpers/server.ts';
import { joinRoom, listeningSocket, nextPreview } from './helpers.ts';

const RED: [number, number, number] = [255, 0, 0];

async function watchedRoom(server: Atelier): Promise<{ roomId: string; doc: Y.Doc }> {
  const http = api(server.url);
  const [owner, watcher] = await Promise.all([http.session('Owner'), http.session('Watcher')]);
  const { room } = await http.room(owner.token);
  await http.json('PATCH', `/api/rooms/${room.id}`, { token: owner.token, body: { listed: true } });
  expect((await joinRoom(listeningSocket(server.url, owner.token).socket, room.id)).ok).toBe(true);
  // A spectator is what keeps previews wanted.
  expect((await joinRoom(listeningSocket(server.url, watcher.token).socket, room.id, { watch: true })).ok).toBe(true);
  const loaded = server.registry.get(room.id);
  if (!loaded) throw new Error('room not loaded');
  return { roomId: room.id, doc: loaded.doc };
}

/** Ticks until the board holds a preview of the room not seen before; its decoded pixels. */
async function nextPreviewPixels(server: Atelier, roomId: string, seen: Set<string>) {
  const url = await nextPreview(server, roomId, seen);
  const bytes = await server.media.readUrl(url);
  if (!bytes) throw new Error(`preview ${url} not in the media store`);
  return pixels(bytes);
}

/** WebP at the previews' quality moves a flat colour by a few levels. */
function expectColour(actual: [number, number, number], expected: readonly [number, number, number]): void {
  for (let c = 0; c < 3; c++) expect(Math.abs(actual[c]! - expected[c]!)).toBeLessThan(24);
}

describe('live previews on the worker thread', () => {
  it('draws layers and background, follows edits, and survives the thread being killed', async () => {
    const server = await startServer({ LIVE_PREVIEW_MS: '250' });
    const { roomId, doc } = await watchedRoom(server);
    const png = await sharp({ create: { width: 512, height: 512, channels: 3, background: '#ff0000' } })
      .png()
      .toBuffer();
    const src = (await server.media.put(png, 'png')).url;
    // In the middle of the 1024-pixel canvas (x, y place its top-left corner): the preview's corner stays background.
    pushLayer(doc, testLayer({ id: 'red', src, x: 256, y: 256 }));
    const seen = new Set<string>();

    const first = await nextPreviewPixels(server, roomId, seen);
    expect(Math.max(first.width, first.height)).toBe(server.config.live.previewSide);
    expectColour(first.at(first.width >> 1, first.height >> 1), RED);
    expectColour(first.at(2, 2), [255, 255, 255]);

    doc.getMap(ROOTS.meta).set('background', '#0000ff');
    const edited = await nextPreviewPixels(server, roomId, seen);
    expectColour(edited.at(edited.width >> 1, edited.height >> 1), RED);
    expectColour(edited.at(2, 2), [0, 0, 255]);

    await server.live.previewWorker.kill();
    doc.getMap(ROOTS.meta).set('background', '#00ff00');
    const restarted = await nextPreviewPixels(server, roomId, seen);
    expectColour(restarted.at(restarted.width >> 1, restarted.height >> 1), RED);
    expectColour(restarted.at(2, 2), [0, 255, 0]);

    // Killed while a draw may be on the thread: that one fails, a later tick draws the room again.
    doc.getMap(ROOTS.meta).set('background', '#000000');
    const tick = server.live.rooms.tick();
    await server.live.previewWorker.kill();
    await tick;
    const again = await nextPreviewPixels(server, roomId, seen);
    expectColour(again.at(2, 2), [0, 0, 0]);
    await server.close();
  });
});

describe('the preview worker queue', () => {
  const scene = (background: string): Scene => ({ width: 8, height: 8, background, layers: [] });
  const options = { compositor: { maxSourcePixels: 1 << 20, batchBytes: 1 << 20 }, logger: pino({ level: 'silent' }) };
  /** Settles at once, so a rejection is never unhandled while the test awaits something else. */
  const outcome = (drawing: Promise<Buffer>) =>
    drawing.then(
      (webp) => ({ webp }),
      (err: unknown) => ({ err }),
    );

  // Each test asks in one synchronous step: the thread starts asynchronously, so all requests wait.
  it('keeps only the latest request of a room waiting, in its place', async () => {
    const worker = new PreviewWorker({ ...options, queueLimit: 4 });
    const first = outcome(worker.draw('a', scene('#ff0000'), new Map()));
    const other = outcome(worker.draw('b', scene('#00ff00'), new Map()));
    const latest = outcome(worker.draw('a', scene('#0000ff'), new Map()));
    expect(worker.waiting).toBe(2);
    expect(await first).toEqual({ err: expect.any(PreviewSuperseded) });
    const drawnA = await latest;
    const drawnB = await other;
    if (!('webp' in drawnA) || !('webp' in drawnB)) throw new Error('a preview was not drawn');
    expectColour((await pixels(drawnA.webp)).at(4, 4), [0, 0, 255]);
    expectColour((await pixels(drawnB.webp)).at(4, 4), [0, 255, 0]);
    await worker.close();
  });

  it('refuses a new room past the limit, never a newer request of a waiting one', async () => {
    const worker = new PreviewWorker({ ...options, queueLimit: 1 });
    const waiting = outcome(worker.draw('a', scene('#ff0000'), new Map()));
    const refused = outcome(worker.draw('b', scene('#00ff00'), new Map()));
    const newer = outcome(worker.draw('a', scene('#0000ff'), new Map()));
    expect(await refused).toEqual({ err: expect.objectContaining({ code: 'unavailable' }) });
    expect(await waiting).toEqual({ err: expect.any(PreviewSuperseded) });
    const drawn = await newer;
    if (!('webp' in drawn)) throw new Error('the newer preview was not drawn');
    expectColour((await pixels(drawn.webp)).at(4, 4), [0, 0, 255]);
    await worker.close();
    expect(await outcome(worker.draw('a', scene('#ff0000'), new Map()))).toEqual({
      err: expect.objectContaining({ code: 'unavailable' }),
    });
  });
});

describe('restarting the preview thread', () => {
  const scene: Scene = { width: 8, height: 8, background: '#ff0000', layers: [] };
  const backoff: RestartBackoff = { firstMs: 1000, maxMs: 4000, healthyMs: 10_000 };
  /** A thread whose module throws as it loads, as a broken build would. */
  const DIES_ON_START = new URL('data:text/javascript,throw new Error("broken build")');
  const outcome = (drawing: Promise<Buffer>) =>
    drawing.then(
      (webp) => ({ webp }),
      (err: unknown) => ({ err }),
    );
  const exitedError = { err: expect.objectContaining({ message: expect.stringContaining('exited') }) };

  /** The logger's lines, parsed; and only the restart timers are fake (the thread's own life is real). */
  function setUp() {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    onTestFinished(() => void vi.useRealTimers());
    const logged: Array<{ msg: string; restartInMs?: number; deaths?: number }> = [];
    const logger = pino({ level: 'error' }, { write: (line: string) => void logged.push(JSON.parse(line)) });
    const restarts = () => logged.filter((line) => line.msg === 'preview worker exited; restarting it').map((line) => line.restartInMs);
    return { logger, restarts };
  }

  it('waits longer after each death in a row, up to the cap, and logs each wait', async () => {
    const { logger, restarts } = setUp();
    const worker = new PreviewWorker({
      compositor: { maxSourcePixels: 1 << 20, batchBytes: 1 << 20 },
      queueLimit: 4,
      logger,
      backoff,
      entry: DIES_ON_START,
    });
    const draw = () => outcome(worker.draw('a', scene, new Map()));
    // A first death: the next request starts a thread at once.
    expect(await draw()).toEqual(exitedError);
    expect(worker.restartDelayMs).toBe(0);
    expect(await draw()).toEqual(exitedError);
    expect(worker.starts).toBe(2);
    for (const delay of [1000, 2000, 4000, 4000]) {
      expect(worker.restartDelayMs).toBe(delay);
      const starts = worker.starts;
      const drawing = draw();
      // The request waits out the delay: no thread starts before it ends.
      vi.advanceTimersByTime(delay - 1);
      expect(worker.starts).toBe(starts);
      vi.advanceTimersByTime(1);
      expect(worker.starts).toBe(starts + 1);
      expect(await drawing).toEqual(exitedError);
    }
    expect(worker.deaths).toBe(6);
    expect(restarts()).toEqual([0, 1000, 2000, 4000, 4000, 4000]);

    // Closed while a request waits for the restart: it is refused, and no thread starts.
    const waiting = draw();
    await worker.close();
    expect(await waiting).toEqual({ err: expect.objectContaining({ code: 'unavailable' }) });
    const starts = worker.starts;
    vi.advanceTimersByTime(backoff.maxMs);
    expect(worker.starts).toBe(starts);
  });

  it('forgets the deaths once a thread has lived a healthy while', async () => {
    const { logger, restarts } = setUp();
    const worker = new PreviewWorker({ compositor: { maxSourcePixels: 1 << 20, batchBytes: 1 << 20 }, queueLimit: 4, logger, backoff });
    onTestFinished(() => worker.close());
    const draw = () => outcome(worker.draw('a', scene, new Map()));
    expect(await draw()).toHaveProperty('webp');
    await worker.kill();
    expect(await draw()).toHaveProperty('webp');
    await worker.kill();
    // Two deaths in a row: the next thread waits.
    expect(worker.restartDelayMs).toBe(backoff.firstMs);
    const drawing = draw();
    vi.advanceTimersByTime(backoff.firstMs);
    expect(await drawing).toHaveProperty('webp');
    expect(worker.deaths).toBe(2);

    // Alive for the healthy stretch: a death now is a first death again.
    vi.advanceTimersByTime(backoff.healthyMs);
    expect(worker.deaths).toBe(0);
    await worker.kill();
    expect(worker.restartDelayMs).toBe(0);
    const starts = worker.starts;
    const again = draw();
    expect(worker.starts).toBe(starts + 1);
    expect(await again).toHaveProperty('webp');
    expect(restarts()).toEqual([0, backoff.firstMs, 0]);
  });
});
