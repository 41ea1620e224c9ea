// Fan-out benchmark: keystroke-to-remote-delivery latency, throughput, server
// CPU and memory, with the load generator in its own process.
//
//   npm run bench -- [--rooms 100] [--clients 10] [--rate 5] [--seconds 20]
//                    [--warmup 5] [--transport socket.io|websocket]
//                    [--observer-rooms 10] [--observers 3] [--url http://…] [--json]
//                    [--nodes 2]
//
// --nodes N (N > 1) runs twice: first one node as `npm start` runs it (the
// baseline), then N nodes sharing Redis (REDIS_URL or redis://127.0.0.1:6379)
// and PostgreSQL (DATABASE_URL or postgres://postgres@127.0.0.1:5432/postgres),
// every room's clients and observers spread over the nodes, and reports both.
import { fork } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { LoadMessage, LoadOptions } from './fanout-load.ts';
import { cpuShare, machine, type ProcSample, sampleProcess } from './lib/proc-stats.ts';
import { createScaledEnv } from './lib/scaled-env.ts';
import { type ServerProcess, startServerProcess } from './lib/server-process.ts';
import { ms, summarize } from './lib/stats.ts';

const { values: args } = parseArgs({
  options: {
    rooms: { type: 'string', default: '100' },
    clients: { type: 'string', default: '10' },
    rate: { type: 'string', default: '5' },
    seconds: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '5' },
    transport: { type: 'string', default: 'socket.io' },
    'observer-rooms': { type: 'string', default: '10' },
    observers: { type: 'string', default: '3' },
    url: { type: 'string', multiple: true },
    json: { type: 'boolean', default: false },
    'cpu-prof': { type: 'boolean', default: false },
    nodes: { type: 'string', default: '1' },
  },
});
const nodes = Number(args.nodes);

const transport = args.transport === 'websocket' ? 'websocket' : 'socket.io';
const options: Omit<LoadOptions, 'urls'> = {
  rooms: Number(args.rooms),
  clients: Number(args.clients),
  rate: Number(args.rate),
  seconds: Number(args.seconds),
  warmupSeconds: Number(args.warmup),
  transport,
  observerRooms: Math.min(Number(args['observer-rooms']), Number(args.rooms)),
  observersPerRoom: Math.min(Number(args.observers), Number(args.clients)),
};

async function measure(servers: ServerProcess[], urls: string[]) {
  const load = fork(path.resolve(import.meta.dirname, 'fanout-load.ts'), [], { stdio: 'inherit' });
  const next = () => new Promise<LoadMessage>((resolve) => load.once('message', (m: LoadMessage) => resolve(m)));
  load.send({ ...options, urls } satisfies LoadOptions);

  const ready = await next();
  if (ready.type !== 'ready') throw new Error(ready.type === 'error' ? ready.message : 'unexpected message');

  const sample = () => ({ servers: servers.map((s) => sampleProcess(s.pid)), load: sampleProcess(load.pid!) });
  load.send('start');
  await new Promise((r) => setTimeout(r, options.warmupSeconds * 1000));
  const before = sample();
  let peakRss = before.servers.map((s) => s.rssBytes);
  const rssTimer = setInterval(() => {
    peakRss = servers.map((s, i) => Math.max(peakRss[i] ?? 0, sampleProcess(s.pid).rssBytes));
  }, 500);
  const result = await next();
  const after = sample();
  clearInterval(rssTimer);
  load.kill();
  if (result.type !== 'result') throw new Error(result.type === 'error' ? result.message : 'unexpected message');

  const latency = summarize(result.latencies);
  const serverCpu = before.servers.map((b: ProcSample, i) => cpuShare(b, after.servers[i]!));
  return {
    machine: machine(),
    date: new Date().toISOString(),
    transport,
    nodes: urls.length,
    rooms: options.rooms,
    clientsPerRoom: options.clients,
    keystrokesPerSecond: options.rate,
    clients: ready.clients,
    observers: ready.observers,
    connectSeconds: ready.connectSeconds,
    measuredSeconds: result.seconds,
    updatesPerSecond: result.sent / result.seconds,
    deliveriesPerSecond: result.delivered / result.seconds,
    deliveredShare: result.delivered / result.expectedDeliveries,
    latencyMs: latency,
    serverCpuCores: serverCpu,
    serverRssMb: servers.map((_, i) => (peakRss[i] ?? 0) / 2 ** 20),
    loadCpuCores: cpuShare(before.load, after.load),
  };
}
type Report = Awaited<ReturnType<typeof measure>>;

const nodeArgs = args['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir=bench-profiles'] : [];
const reports: Report[] = [];
if (args.url) {
  reports.push(await measure([], args.url));
} else {
  const baseline = [await startServerProcess({}, nodeArgs)];
  reports.push(
    await measure(
      baseline,
      baseline.map((s) => s.url),
    ),
  );
  for (const s of baseline) await s.stop();
  if (nodes > 1) {
    const scaled = await createScaledEnv(process.env.REDIS_URL || undefined, process.env.DATABASE_URL || undefined);
    try {
      const servers = await Promise.all(
        Array.from({ length: nodes }, (_, i) => startServerProcess({ ...scaled.env, NODE_ID: `bench-${i + 1}` }, nodeArgs)),
      );
      reports.push(
        await measure(
          servers,
          servers.map((s) => s.url),
        ),
      );
      for (const s of servers) await s.stop();
    } finally {
      await scaled.cleanup();
    }
  }
}

const f = (n: number) => Math.round(n).toLocaleString('en-US');
const describe = (report: Report) =>
  [
    `Fan-out over ${transport} on ${report.nodes === 1 ? 'one node' : `${report.nodes} nodes (Redis + PostgreSQL)`}: ${options.rooms} rooms × ${options.clients} clients × ${options.rate} keystrokes/s, ${report.measuredSeconds.toFixed(1)} s measured`,
    `  machine: ${report.machine}`,
    `  joined ${report.clients} clients (${report.observers} full observers) in ${report.connectSeconds.toFixed(1)} s`,
    `  updates in ${f(report.updatesPerSecond)}/s, frames out ${f(report.deliveriesPerSecond)}/s (${(report.deliveredShare * 100).toFixed(1)}% of one per keystroke and recipient; a room's keystrokes of one turn go out as one frame)`,
    `  latency keystroke → remote observer: p50 ${ms(report.latencyMs.p50)} ms, p95 ${ms(report.latencyMs.p95)} ms, p99 ${ms(report.latencyMs.p99)} ms, max ${ms(report.latencyMs.max)} ms (n=${report.latencyMs.count})`,
    `  server CPU ${report.serverCpuCores.map((c) => `${(c * 100).toFixed(0)}%`).join(' + ')} of a core, peak RSS ${report.serverRssMb.map((m) => `${m.toFixed(0)} MB`).join(' + ')}`,
    `  load generator CPU ${(report.loadCpuCores * 100).toFixed(0)}% of a core`,
    '',
  ].join('\n');

if (args.json) {
  for (const report of reports) process.stdout.write(`${JSON.stringify(report)}\n`);
} else {
  for (const report of reports) process.stdout.write(describe(report));
  const [single, scaled] = reports;
  if (single && scaled) {
    process.stdout.write(
      `p99 on ${scaled.nodes} nodes / p99 on one node: ${(scaled.latencyMs.p99 / single.latencyMs.p99).toFixed(2)}× (goal ≤ 2×)\n`,
    );
  }
}
