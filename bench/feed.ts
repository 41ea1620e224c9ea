// GET /api/gallery with 10,000 works stored, under 50 concurrent connections
// (autocannon), against a bare express route answering a JSON body of the same
// size, in the same run. The servers run in a child process so the load
// generator does not share their event loop. Goals: ≥ 0.6× the bare route's
// throughput, p99 ≤ 25 ms.
//
// Scenarios: `bare` (res.json of the same page object, as a plain route
// would), `bareStatic` (the encoded body sent as is: the ceiling), `atelier`
// (anonymous: the shared page cache), `atelierSignedIn` (the caller's likes
// looked up and the page encoded per request), `atelierNoCache`
// (GALLERY_CACHE_MS=0: a database read per request).
//
//   npm run bench:feed [-- --works 10000 --seconds 10 --rounds 2]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import express from 'express';
import pino from 'pino';
import sharp from 'sharp';
import { startAtelier } from '../server/atelier.ts';
import { loadConfig } from '../server/config.ts';
import { randomId } from '../server/ids.ts';

const { values } = parseArgs({
  options: {
    serve: { type: 'boolean', default: false },
    works: { type: 'string', default: '10000' },
    seconds: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '2' },
    connections: { type: 'string', default: '50' },
  },
});

const SCENARIOS = ['bare', 'bareStatic', 'atelier', 'atelierSignedIn', 'atelierNoCache'] as const;
type Scenario = (typeof SCENARIOS)[number];

interface Targets {
  urls: Record<Scenario, string>;
  token: string;
  bodyBytes: number;
  seedSeconds: number;
}

if (values.serve) await serve(Number(values.works));
else await measure();

/** Child: an Atelier server holding N works, and a bare express app, both on port 0. */
async function serve(count: number): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'atelier-bench-feed-'));
  process.on('exit', () => rmSync(dataDir, { recursive: true, force: true }));
  const env = { PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'silent', HTTP_REQUESTS_PER_MINUTE: '1000000000' };
  const atelier = await startAtelier(loadConfig(env), pino({ level: 'silent' }));

  const started = performance.now();
  const { store } = atelier;
  const users: Array<{ user: { id: string }; token: string }> = [];
  for (let i = 0; i < 50; i++) users.push(await atelier.users.create(`Artist ${i}`));
  const room = await atelier.directory.create(users[0]!.user.id, { title: 'bench' });
  const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#8899aa' } })
    .png()
    .toBuffer();
  const webp = await sharp(png).webp().toBuffer();
  const [image, thumb] = await Promise.all([atelier.media.put(png, 'png'), atelier.media.put(webp, 'webp')]);
  const pick = (n: number) => users[n % users.length]!.user.id;
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const work = await store.gallery.insertWork({
      id: randomId(),
      roomId: room.room.id,
      remixOf: i > 0 && i % 7 === 0 ? ids[i - 1]! : null,
      publishedBy: pick(i),
      authorIds: [...new Set([pick(i), pick(i * 3 + 1), pick(i * 7 + 2)])],
      title: `Work number ${i}: a harbour at dawn, seen from the lighthouse`,
      description: 'Layered from three generations and a hand-placed photograph; the sky is multiplied over the sea.',
      prompt: 'a quiet harbour at dawn, fishing boats, mist over the water, soft pastel light, wide angle, 35mm film grain',
      width: 1024,
      height: 1024,
      imageUrl: image.url,
      thumbUrl: thumb.url,
      placeholder: '#8899aa',
      layers: [],
      state: new Uint8Array(64),
      createdAt: new Date(Date.UTC(2025, 0, 1) + i * 60_000).toISOString(),
      tags: ['harbour', 'dawn'],
      allowRemix: true,
      hidePrompt: false,
    });
    ids.push(work.id);
  }
  for (let i = 0; i < count / 2; i++) await store.gallery.like(ids[(i * 7919) % count]!, pick(i));
  const seedSeconds = (performance.now() - started) / 1000;

  const page = await fetch(`${atelier.url}/api/gallery`);
  const body: unknown = await page.json();
  const encoded = Buffer.from(JSON.stringify(body));
  const bare = express();
  bare.get('/api/gallery', (_req, res) => {
    res.json(body);
  });
  bare.get('/static', (_req, res) => {
    res.type('json').send(encoded);
  });
  const bareServer = bare.listen(0, '127.0.0.1');
  await new Promise((resolve) => bareServer.once('listening', resolve));
  const barePort = (bareServer.address() as AddressInfo).port;
  // A second server on the same database, without the page cache.
  const uncached = await startAtelier(loadConfig({ ...env, GALLERY_CACHE_MS: '0' }), pino({ level: 'silent' }));
  const targets: Targets = {
    urls: {
      bare: `http://127.0.0.1:${barePort}/api/gallery`,
      bareStatic: `http://127.0.0.1:${barePort}/static`,
      atelier: `${atelier.url}/api/gallery`,
      atelierSignedIn: `${atelier.url}/api/gallery`,
      atelierNoCache: `${uncached.url}/api/gallery`,
    },
    token: users[1]!.token,
    bodyBytes: encoded.length,
    seedSeconds: +seedSeconds.toFixed(1),
  };
  process.stdout.write(`${JSON.stringify(targets)}\n`);
  // Runs until the parent closes our stdin.
  process.stdin.resume();
  process.stdin.on('end', () => {
    bareServer.close();
    void Promise.all([atelier.close(), uncached.close()]).then(() => process.exit(0));
  });
}

/** Parent: start the child, then load both routes in turn. */
async function measure(): Promise<void> {
  const child = spawn(process.execPath, [import.meta.filename, '--serve', '--works', String(values.works)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  const targets = JSON.parse(line) as Targets;
  const seconds = Number(values.seconds);
  const connections = Number(values.connections);
  const run = (scenario: Scenario, duration: number) =>
    autocannon({
      url: targets.urls[scenario],
      connections,
      duration,
      headers: scenario === 'atelierSignedIn' ? { authorization: `Bearer ${targets.token}` } : {},
    });

  // Warm each (JIT, SQLite page cache) before measuring.
  for (const scenario of SCENARIOS) await run(scenario, 2);
  const results = Object.fromEntries(SCENARIOS.map((s) => [s, [] as autocannon.Result[]])) as Record<Scenario, autocannon.Result[]>;
  for (let round = 0; round < Number(values.rounds); round++) {
    // Interleaved rounds, so drift in the machine's load hits every scenario alike.
    for (const scenario of SCENARIOS) results[scenario].push(await run(scenario, seconds));
  }
  const summary = (list: autocannon.Result[]) => ({
    requestsPerSecond: Math.round(list.reduce((s, r) => s + r.requests.average, 0) / list.length),
    latencyMs: {
      p50: Math.max(...list.map((r) => r.latency.p50)),
      p99: Math.max(...list.map((r) => r.latency.p99)),
    },
    errors: list.reduce((s, r) => s + r.errors + r.non2xx, 0),
  });
  const measured = Object.fromEntries(SCENARIOS.map((s) => [s, summary(results[s])])) as Record<Scenario, ReturnType<typeof summary>>;
  const ratio = (s: Scenario) => +(measured[s].requestsPerSecond / measured.bare.requestsPerSecond).toFixed(2);
  const report = {
    works: Number(values.works),
    seedSeconds: targets.seedSeconds,
    bodyBytes: targets.bodyBytes,
    connections,
    seconds: `${Number(values.rounds)} × ${seconds}`,
    ...measured,
    throughputVsBare: {
      atelier: ratio('atelier'),
      atelierSignedIn: ratio('atelierSignedIn'),
      atelierNoCache: ratio('atelierNoCache'),
      bareStatic: ratio('bareStatic'),
    },
    goals: { throughputVsBare: '≥ 0.6', p99Ms: '≤ 25' },
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  child.stdin!.end();
  await new Promise((resolve) => child.once('exit', resolve));
}
