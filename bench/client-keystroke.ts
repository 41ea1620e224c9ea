// Keystroke to screen, in Debian's Chromium against a real server: two pages
// in one room, one types into the prompt at 5 keys/s, the other's editor shows
// each key. Latency runs from the writer page's `keydown` to the start of the
// frame in which the reader's editor first holds that key (a MutationObserver
// on the editor, then requestAnimationFrame), both on the machine's clock
// (performance.timeOrigin + now). Two phases: quiet, then while the fan-out
// load generator (what `npm run bench` drives) types in 50 other rooms.
//
//   node bench/client-keystroke.ts [--keys 100] [--rate 5] [--load-rooms 50]
//     [--load-transport websocket|socket.io] [--checkout DIR | --url http://…] [--json]
//
// --checkout DIR measures another checkout of Atelier (any commit, for a
// before/after: `git worktree add DIR COMMIT`, node_modules linked or
// installed there): its client is built if needed and its server runs in a
// child process, measured by this script and this checkout's load generator.
// --url measures a server started elsewhere (start it with the benchmark's
// rate limits, bench/lib/server-process.ts); the pages are that server's
// client. Without either, this checkout's server runs in a child process as
// `npm start` runs it.
import { type ChildProcess, fork, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { type Browser, chromium, type Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../tests/e2e/helpers/browser.ts';
import { ensureClientBuilt } from '../tests/e2e/helpers/client-build.ts';
import type { LoadMessage, LoadOptions } from './fanout-load.ts';
import { post } from './lib/http.ts';
import { machine } from './lib/proc-stats.ts';
import { type ServerProcess, startServerProcess } from './lib/server-process.ts';
import { ms, type Summary, summarize } from './lib/stats.ts';

const { values: args } = parseArgs({
  options: {
    keys: { type: 'string', default: '100' },
    rate: { type: 'string', default: '5' },
    'load-rooms': { type: 'string', default: '50' },
    'load-transport': { type: 'string', default: 'websocket' },
    url: { type: 'string' },
    checkout: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});
const KEYS = Number(args.keys);
const RATE = Number(args.rate);
const LOAD_ROOMS = Number(args['load-rooms']);
const LOAD_TRANSPORT = args['load-transport'] === 'socket.io' ? 'socket.io' : 'websocket';
const LOAD_WARMUP_SECONDS = 3;
const EDITOR = 'prompt-editor .cm-content';
const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

interface Phase {
  name: string;
  keys: number;
  /** Keys the reader never showed within 10 s of the last one. */
  missing: number;
  latencyMs: Summary;
  loadAverage: number[];
  /** The background rooms' own keystroke → observer latency, when there was load. */
  background?: { rooms: number; transport: string; latencyMs: Summary };
}

declare global {
  interface Window {
    atelierBenchSent?: number[];
    atelierBenchSeen?: Array<[number, number]>;
    atelierBenchLength?: () => number;
  }
}

async function openRoom(browser: Browser, url: string, roomId: string): Promise<Page> {
  const context = await browser.newContext({ baseURL: url, viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(`/r/${roomId}`);
  await page.locator(EDITOR).waitFor({ timeout: 30_000 });
  await page.locator('room-page .state', { hasText: 'Live' }).waitFor({ timeout: 30_000 });
  return page;
}

/**
 * The writer records each keydown's time; the reader the frame in which its
 * editor first held each length of text. Installed once per page; each phase
 * starts with empty lists.
 */
async function instrument(writer: Page, reader: Page): Promise<void> {
  await writer.evaluate(() => {
    const first = window.atelierBenchSent === undefined;
    window.atelierBenchSent = [];
    if (first) document.addEventListener('keydown', () => window.atelierBenchSent?.push(performance.timeOrigin + performance.now()), true);
  });
  const editor = await reader.locator(EDITOR).elementHandle();
  if (!editor) throw new Error('no prompt editor on the reader page');
  await editor.evaluate((el) => {
    const first = window.atelierBenchSeen === undefined;
    window.atelierBenchSeen = [];
    if (!first) return;
    // The document's text as shown: widgets (the placeholder, remote carets with their names) are contenteditable=false.
    const shownLength = () => {
      let length = 0;
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (!node.parentElement?.closest('[contenteditable="false"]')) length += node.textContent?.length ?? 0;
      }
      return length;
    };
    let longest = shownLength();
    new MutationObserver(() => {
      const length = shownLength();
      if (length <= longest) return;
      longest = length;
      requestAnimationFrame(() => window.atelierBenchSeen?.push([length, performance.timeOrigin + performance.now()]));
    }).observe(el, { subtree: true, childList: true, characterData: true });
    window.atelierBenchLength = shownLength;
  });
}

async function typePhase(name: string, writer: Page, reader: Page): Promise<Omit<Phase, 'background'>> {
  await writer.locator(EDITOR).click();
  await writer.keyboard.press('End');
  await instrument(writer, reader);
  const base = await reader.evaluate(() => window.atelierBenchLength?.() ?? 0);
  const start = performance.now();
  for (let i = 0; i < KEYS; i++) {
    const wait = start + (i * 1000) / RATE - performance.now();
    if (wait > 0) await sleep(wait);
    await writer.keyboard.press(LETTERS[i % LETTERS.length] ?? 'a');
  }
  const deadline = performance.now() + 10_000;
  while (performance.now() < deadline) {
    const seen = await reader.evaluate(() => window.atelierBenchSeen?.at(-1)?.[0] ?? 0);
    if (seen >= base + KEYS) break;
    await sleep(100);
  }
  const sent = await writer.evaluate(() => window.atelierBenchSent ?? []);
  const seen = await reader.evaluate(() => window.atelierBenchSeen ?? []);
  const latencies: number[] = [];
  for (let i = 0; i < sent.length; i++) {
    const shown = seen.find(([length]) => length >= base + i + 1);
    const at = sent[i];
    if (shown && at !== undefined) latencies.push(shown[1] - at);
  }
  return { name, keys: sent.length, missing: sent.length - latencies.length, latencyMs: summarize(latencies), loadAverage: loadavg() };
}

/** The fan-out load generator in its own process, typing in `rooms` rooms until its window ends. */
async function startLoad(url: string, seconds: number): Promise<{ load: ChildProcess; result: Promise<LoadMessage> }> {
  const load = fork(path.resolve(import.meta.dirname, 'fanout-load.ts'), [], { stdio: 'inherit' });
  const next = () => new Promise<LoadMessage>((resolve) => load.once('message', (m: LoadMessage) => resolve(m)));
  const options: LoadOptions = {
    urls: [url],
    rooms: LOAD_ROOMS,
    clients: 10,
    rate: 5,
    warmupSeconds: LOAD_WARMUP_SECONDS,
    seconds,
    transport: LOAD_TRANSPORT,
    observerRooms: Math.min(5, LOAD_ROOMS),
    observersPerRoom: 3,
  };
  load.send(options);
  const ready = await next();
  if (ready.type !== 'ready') throw new Error(ready.type === 'error' ? ready.message : 'load generator: unexpected message');
  const result = next();
  load.send('start');
  await sleep(LOAD_WARMUP_SECONDS * 1000);
  return { load, result };
}

/** The server/main.ts of the checkout to measure, its client built (this checkout's by default). */
async function serverMain(): Promise<string | undefined> {
  if (!args.checkout) {
    await ensureClientBuilt();
    return undefined;
  }
  const root = path.resolve(args.checkout);
  const main = path.join(root, 'server/main.ts');
  if (!existsSync(main)) throw new Error(`--checkout ${root}: no server/main.ts there`);
  const built = spawnSync(process.execPath, [path.join(root, 'scripts/ensure-client.ts')], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) throw new Error(`--checkout ${root}: building its client failed`);
  return main;
}

if (args.url && args.checkout) throw new Error('--url and --checkout exclude each other');
const server: ServerProcess | null = args.url ? null : await startServerProcess({}, [], await serverMain());
const url = args.url ?? server?.url ?? '';
const commitOf = (dir: string) => spawnSync('git', ['-C', dir, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).stdout.trim();
const measured = args.url ?? `${args.checkout ? path.resolve(args.checkout) : 'this checkout'} at ${commitOf(args.checkout ?? '.')}`;
const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
const phases: Phase[] = [];
try {
  const { token } = await post<{ token: string }>(url, '/api/session', { name: 'Keystroke bench' });
  const { room } = await post<{ room: { id: string } }>(url, '/api/rooms', { title: 'Keystroke to screen' }, token);
  const writer = await openRoom(browser, url, room.id);
  const reader = await openRoom(browser, url, room.id);
  phases.push(await typePhase('quiet', writer, reader));

  const { load, result } = await startLoad(url, KEYS / RATE + 5);
  try {
    const loaded: Phase = await typePhase(`while ${LOAD_ROOMS} other rooms type`, writer, reader);
    const background = await result;
    if (background.type === 'result') {
      loaded.background = { rooms: LOAD_ROOMS, transport: LOAD_TRANSPORT, latencyMs: summarize(background.latencies) };
    }
    phases.push(loaded);
  } finally {
    load.kill();
  }
} finally {
  await browser.close();
  await server?.stop();
}

if (args.json) {
  process.stdout.write(`${JSON.stringify({ machine: machine(), date: new Date().toISOString(), rate: RATE, measured, phases })}\n`);
} else {
  process.stdout.write(`Keystroke to screen (Chromium, two pages in one room, ${RATE} keys/s) — ${machine()}; measured: ${measured}\n`);
  for (const p of phases) {
    const l = p.latencyMs;
    process.stdout.write(
      `  ${p.name}: p50 ${ms(l.p50)} ms, p95 ${ms(l.p95)} ms, p99 ${ms(l.p99)} ms, max ${ms(l.max)} ms (n=${l.count}, ${p.missing} not shown); load average ${p.loadAverage.map((v) => v.toFixed(2)).join(' ')}\n`,
    );
    if (p.background) {
      const b = p.background.latencyMs;
      process.stdout.write(
        `    the ${p.background.rooms} other rooms (${p.background.transport}): keystroke → observer p50 ${ms(b.p50)} ms, p99 ${ms(b.p99)} ms (n=${b.count})\n`,
      );
    }
  }
}
