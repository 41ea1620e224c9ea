// First render of a room with 20 layers, in Debian's Chromium against a real
// server: from navigation start to the canvas preview having drawn every
// layer (its `atelier:canvas-complete` performance mark), each run in a fresh
// browser context (empty cache, new session). Budget: ≤ 1 s.
//
// Images: `local` (default) are what the product generates offline, 1024 ×
// 1024 WebP from the local renderer; `heavy` are 1024 × 1024 PNGs of noisy
// texture (~1.1 MB each), a stress case like large uploads.
//
//   node bench/client-render.ts [--runs 7] [--layers 20] [--images local|heavy] [--json]
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { chromium } from 'playwright-core';
import sharp from 'sharp';
import { io } from 'socket.io-client';
import * as Y from 'yjs';
import { startAtelier } from '../server/atelier.ts';
import { LocalProvider } from '../server/generation/local-provider.ts';
import { loadConfig } from '../server/config.ts';
import { BLEND_MODES, ROOTS } from '../shared/doc-schema.ts';
import { type AtelierClientSocket, SocketIoProvider } from '../client/realtime/socketio-provider.ts';
import { CHROMIUM, CHROMIUM_ARGS } from '../tests/e2e/helpers/browser.ts';
import { ensureClientBuilt } from '../tests/e2e/helpers/client-build.ts';
import { summarize } from './lib/stats.ts';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '7' },
    layers: { type: 'string', default: '20' },
    images: { type: 'string', default: 'local' },
    json: { type: 'boolean', default: false },
  },
});
const RUNS = Number(args.runs);
const LAYERS = Number(args.layers);
const BUDGET_MS = 1000;

await ensureClientBuilt();
const dataDir = mkdtempSync(path.join(tmpdir(), 'atelier-bench-render-'));
const atelier = await startAtelier(
  loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    SESSIONS_PER_MINUTE: '100000',
    HTTP_REQUESTS_PER_MINUTE: '100000',
  }),
  pino({ level: 'silent' }),
);
const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
try {
  const session = await atelier.users.create('Bench');
  const { room } = await atelier.directory.create(session.user.id, { title: 'Twenty layers' });

  const sources: string[] = [];
  const PROMPTS = [
    'a lighthouse at dusk, oil painting',
    'red poppies in a green field',
    'a quiet harbour with boats at dawn',
    'neon city in the rain',
    'mountains above a misty lake',
  ];
  if (args.images === 'local') {
    const provider = new LocalProvider();
    for (let i = 0; i < LAYERS; i++) {
      const [image] = await provider.generate(
        {
          jobId: `bench-${i}`,
          prompt: PROMPTS[i % PROMPTS.length]!,
          size: '1024x1024',
          width: 1024,
          height: 1024,
          count: 1,
          seed: 1000 + i,
          model: 'procedural-v1',
          user: 'bench',
        },
        { signal: new AbortController().signal, onProgress: () => {} },
      );
      sources.push((await atelier.media.put(image!.data, image!.ext)).url);
    }
  }
  // Heavy: gradients, shapes and a full-size feTurbulence texture as PNG.
  for (let i = 0; args.images === 'heavy' && i < LAYERS; i++) {
    const hue = (i * 37) % 360;
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1024" height="1024">
      <defs>
        <linearGradient id="g" x2="1" y2="1"><stop offset="0" stop-color="hsl(${hue},70%,55%)"/><stop offset="1" stop-color="hsl(${(hue + 120) % 360},60%,40%)"/></linearGradient>
        <filter id="t"><feTurbulence type="fractalNoise" baseFrequency="${0.004 + i * 0.0007}" numOctaves="4" seed="${i}"/><feColorMatrix type="saturate" values="0.4"/><feComponentTransfer><feFuncA type="linear" slope="0.45"/></feComponentTransfer></filter>
      </defs>
      <rect width="1024" height="1024" fill="url(#g)"/>
      <circle cx="${260 + i * 21}" cy="${380 + i * 11}" r="${150 + i * 6}" fill="hsla(${(hue + 200) % 360},80%,70%,0.65)"/>
      <rect x="${120 + i * 13}" y="${620 - i * 9}" width="${300 + i * 4}" height="${160 + i * 3}" rx="40" fill="hsla(${(hue + 60) % 360},70%,35%,0.55)"/>
      <rect width="1024" height="1024" filter="url(#t)"/>
    </svg>`;
    const png = await sharp(Buffer.from(svg)).png().toBuffer();
    sources.push((await atelier.media.put(png, 'png')).url);
  }

  const socket: AtelierClientSocket = io(atelier.url, { auth: { token: session.token }, transports: ['websocket'], forceNew: true });
  const doc = new Y.Doc();
  const provider = new SocketIoProvider(socket, room.id, doc);
  await provider.whenSynced();
  doc.transact(() => {
    const layers = doc.getArray<Y.Map<unknown>>(ROOTS.layers);
    sources.forEach((src, i) => {
      const map = new Y.Map<unknown>();
      const fields = {
        id: `layer-${i}`,
        name: `Layer ${i + 1}`,
        src,
        visible: true,
        opacity: i === 0 ? 1 : 0.5 + (i % 5) / 10,
        blend: BLEND_MODES[i % BLEND_MODES.length]!,
        x: (i * 23) % 300,
        y: (i * 41) % 300,
        scale: 0.8 + (i % 4) / 10,
        rotation: ((i * 13) % 90) - 45,
        createdBy: session.user.id,
      };
      for (const [k, v] of Object.entries(fields)) map.set(k, v);
      layers.push([map]);
    });
  });

  const loadBefore = loadavg()[0]!;
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${atelier.url}/r/${room.id}`);
    await page.locator(`canvas-preview[data-rendered="${LAYERS}"]`).waitFor({ timeout: 30_000 });
    const marks = await page.evaluate(() => {
      const at = (name: string) => Math.round(performance.getEntriesByName(name)[0]?.startTime ?? NaN);
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
      return {
        domContentLoaded: Math.round(nav?.domContentLoadedEventEnd ?? NaN),
        session: at('atelier:session'),
        roomChunk: at('atelier:room-chunk'),
        sessionReady: at('atelier:session-ready'),
        roomSynced: at('atelier:room-synced'),
        complete: performance.getEntriesByName('atelier:canvas-complete')[0]?.startTime ?? NaN,
        decoded: Math.round(Math.max(...performance.getEntriesByName('atelier:image-decoded').map((e) => e.startTime))),
        drawMs: Number(
          (
            document
              .querySelector('atelier-app')
              ?.shadowRoot?.querySelector('room-page')
              ?.shadowRoot?.querySelector('canvas-preview') as HTMLElement | null
          )?.dataset.drawMs,
        ),
        images: performance.getEntriesByType('resource').filter((r) => r.name.includes('/media/')).length,
        imagesStart: Math.round(
          Math.min(
            ...performance
              .getEntriesByType('resource')
              .filter((r) => r.name.includes('/media/'))
              .map((r) => r.startTime),
          ),
        ),
        imagesEnd: Math.round(
          Math.max(
            ...performance
              .getEntriesByType('resource')
              .filter((r) => r.name.includes('/media/'))
              .map((r) => (r as PerformanceResourceTiming).responseEnd),
          ),
        ),
        imageKB: Math.round(
          performance
            .getEntriesByType('resource')
            .filter((r) => r.name.includes('/media/'))
            .reduce((s, r) => s + (r as PerformanceResourceTiming).encodedBodySize, 0) / 1024,
        ),
      };
    });
    times.push(marks.complete);
    if (!args.json) process.stdout.write(`  run ${run + 1}: ${JSON.stringify({ ...marks, complete: Math.round(marks.complete) })}\n`);
    await context.close();
  }
  provider.destroy();
  socket.disconnect();

  const s = summarize(times);
  const load = `${loadBefore.toFixed(1)} → ${loadavg()[0]!.toFixed(1)}`;
  const result = {
    layers: LAYERS,
    images: args.images,
    runs: RUNS,
    loadAverage: load,
    firstRenderMs: { p50: Math.round(s.p50), max: Math.round(s.max), min: Math.round(Math.min(...times)) },
    budgetMs: BUDGET_MS,
  };
  if (args.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else {
    process.stdout.write(
      `first render of a room with ${LAYERS} layers of ${args.images} images (navigation start → every layer drawn), ${RUNS} cold runs\n`,
    );
    process.stdout.write(
      `  p50 ${result.firstRenderMs.p50} ms   min ${result.firstRenderMs.min} ms   max ${result.firstRenderMs.max} ms   (budget ${BUDGET_MS} ms; 1-min load average ${load})\n`,
    );
  }
  if (!(s.p50 <= BUDGET_MS)) {
    process.stderr.write(`over budget: p50 ${Math.round(s.p50)} ms > ${BUDGET_MS} ms\n`);
    process.exitCode = 1;
  }
} finally {
  await browser.close();
  await atelier.close();
  rmSync(dataDir, { recursive: true, force: true });
}
