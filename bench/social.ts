// The social layer under load, on a generated data set (10,000 users, 100,000
// works, 1,000,000 follows, 500,000 comments by default), on SQLite and on
// PostgreSQL: two server processes (node A and node B) over Redis share the
// store; autocannon's 50 connections read `sort=following` feeds, searches
// and comment pages on node A, each request a different user, query or work;
// likes posted on node A are timed until the author's `notification` arrives
// on node B. Goals: following p99 ≤ 25 ms, search p99 ≤ 50 ms, comment page
// p99 ≤ 15 ms, like → notification p99 ≤ 50 ms. Reports the data set's build
// time, each figure's median over rounds with the spread, the servers' and
// the generator's CPU, and how busy the rest of the machine was.
//
//   npm run bench:social [-- --stores sqlite,postgres --rounds 3 --seconds 10 --scale 1]
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { TokenSigner } from '../server/auth/tokens.ts';
import { machineCores, sampleMachine } from './peers/lib/machine-cpu.ts';
import { cpuShare, machine, sampleProcess } from './lib/proc-stats.ts';
import { createScaledEnv } from './lib/scaled-env.ts';
import { type ServerProcess, startServerProcess } from './lib/server-process.ts';
import { generate, rng } from './social/dataset.ts';
import { loadPostgres, loadSqlite } from './social/load.ts';
import { likeToNotification, type ReadRound, readRound } from './social/measure.ts';

const { values } = parseArgs({
  options: {
    stores: { type: 'string', default: 'sqlite,postgres' },
    rounds: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    scale: { type: 'string', default: '1' },
  },
});
const scale = Number(values.scale);
const size = {
  users: Math.round(10_000 * scale),
  works: Math.round(100_000 * scale),
  follows: Math.round(1_000_000 * scale),
  comments: Math.round(500_000 * scale),
};
const rounds = Number(values.rounds);
const seconds = Number(values.seconds);
const connections = Number(values.connections);
const GOALS = { following: 25, search: 50, comments: 15, notification: 50 };

const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!;
const spread = (list: number[]) => `${Math.min(...list).toFixed(1)}–${Math.max(...list).toFixed(1)}`;

for (const store of values.stores.split(',')) await runStore(store as 'sqlite' | 'postgres');

async function runStore(kind: 'sqlite' | 'postgres'): Promise<void> {
  process.stderr.write(`\n== ${kind}: generating and loading ${JSON.stringify(size)}\n`);
  const data = generate(size);
  const scaled = await createScaledEnv();
  const secret = scaled.env.SESSION_SECRET!;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'atelier-bench-social-'));
  const mediaDir = path.join(dataDir, 'media');
  mkdirSync(mediaDir);
  const started = performance.now();
  const parts = kind === 'sqlite' ? await loadSqlite(dataDir, data) : await loadPostgres(scaled.env.DATABASE_URL!, data);
  const buildSeconds = +((performance.now() - started) / 1000).toFixed(1);
  process.stderr.write(`   built in ${buildSeconds} s ${JSON.stringify(parts)}\n`);

  const env: Record<string, string> = { ...scaled.env, MEDIA_DIR: mediaDir, GALLERY_CACHE_MS: '1000' };
  if (kind === 'sqlite') delete env.DATABASE_URL;
  const nodes: ServerProcess[] = [];
  try {
    for (const nodeId of ['a', 'b']) nodes.push(await startServerProcess({ ...env, NODE_ID: nodeId, DATA_DIR: dataDir }));
    const [a, b] = nodes as [ServerProcess, ServerProcess];
    const signer = new TokenSigner(secret);
    // Each user has one session whose id is theirs (bench/social/load.ts).
    const tokens = data.users.map((u) => signer.sign(u.id));
    const random = rng(7);
    const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
    const commented = data.works.slice(0, Math.min(data.works.length, 20_000));
    const scenarios = {
      following: () => ({ path: '/api/gallery?sort=following&limit=24', token: pick(tokens) }),
      search: () => {
        const words = random() < 0.5 ? [pick(data.words)] : [pick(data.words), pick(data.words).slice(0, 3)];
        return { path: `/api/search?q=${encodeURIComponent(words.join(' '))}&limit=24` };
      },
      comments: () => ({ path: `/api/works/${pick(commented).id}/comments?limit=50` }),
    };
    const results: Record<string, ReadRound[]> = { following: [], search: [], comments: [] };
    const cpu: Record<string, { servers: number[]; generator: number[]; rest: number[] }> = {};
    // Warm-up: JIT, page caches.
    for (const next of Object.values(scenarios)) await readRound(a.url, connections, 3, next);
    for (let round = 0; round < rounds; round++) {
      for (const [name, next] of Object.entries(scenarios)) {
        const before = { server: sampleProcess(a.pid), machine: sampleMachine(), self: process.cpuUsage(), at: performance.now() };
        results[name]!.push(await readRound(a.url, connections, seconds, next));
        const serverShare = cpuShare(before.server, sampleProcess(a.pid));
        const elapsed = (performance.now() - before.at) / 1000;
        const own = process.cpuUsage(before.self);
        const generator = (own.user + own.system) / 1e6 / elapsed;
        const total = machineCores(before.machine, sampleMachine());
        cpu[name] ??= { servers: [], generator: [], rest: [] };
        const entry = cpu[name];
        entry.servers.push(serverShare);
        entry.generator.push(generator);
        entry.rest.push(Math.max(0, total - serverShare - generator));
      }
    }

    // Like → notification across nodes: the authors of the most followed people's works listen on B.
    const byAuthor = new Map<string, string>();
    for (const work of data.works) if (!byAuthor.has(work.publishedBy) && byAuthor.size < 50) byAuthor.set(work.publishedBy, work.id);
    const index = new Map(data.users.map((u, i) => [u.id, i]));
    const targets = data.works
      .filter((w) => byAuthor.has(w.publishedBy))
      .slice(0, 2000)
      .map((w) => ({ workId: w.id, authorId: w.publishedBy, authorToken: tokens[index.get(w.publishedBy)!]! }));
    const likers = data.users.slice(-5000).map((u) => ({ id: u.id, token: tokens[index.get(u.id)!]! }));
    const notify = [];
    for (let round = 0; round < rounds; round++) {
      notify.push(await likeToNotification(a.url, b.url, targets, likers, { concurrency: connections, seconds, seed: 100 + round }));
    }

    const report = {
      store: kind,
      machine: machine(),
      loadAverage: os.loadavg().map((l) => +l.toFixed(2)),
      dataset: size,
      buildSeconds,
      buildParts: parts,
      connections,
      rounds: `${rounds} × ${seconds} s`,
      reads: Object.fromEntries(
        Object.entries(results).map(([name, list]) => [
          name,
          {
            p99Ms: { median: median(list.map((r) => r.p99)), spread: spread(list.map((r) => r.p99)) },
            p50Ms: median(list.map((r) => r.p50)),
            requestsPerSecond: median(list.map((r) => r.requestsPerSecond)),
            errors: list.reduce((s, r) => s + r.errors, 0),
            goalP99Ms: GOALS[name as keyof typeof GOALS],
            serverCpu: median(cpu[name]!.servers).toFixed(2),
            generatorCpu: median(cpu[name]!.generator).toFixed(2),
            restOfMachineCpu: median(cpu[name]!.rest).toFixed(2),
          },
        ]),
      ),
      likeToNotification: {
        p99Ms: { median: +median(notify.map((r) => r.p99)).toFixed(1), spread: spread(notify.map((r) => r.p99)) },
        p50Ms: +median(notify.map((r) => r.p50)).toFixed(1),
        likesPerRound: notify.map((r) => r.likes),
        delivered: notify.map((r) => r.delivered),
        goalP99Ms: GOALS.notification,
      },
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } finally {
    for (const node of nodes) await node.stop();
    await scaled.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
