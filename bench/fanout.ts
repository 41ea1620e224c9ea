// Fan-out benchmark: keystroke-to-remote-delivery latency, throughput, server
// CPU and memory, with the load generator in its own process.
//
//   npm run bench -- [--rooms 100] [--clients 10] [--rate 5] [--seconds 20]
//                    [--warmup 5] [--transport socket.io|websocket]
//                    [--observer-rooms 10] [--observers 3] [--url http://…] [--json]
import { fork } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { LoadMessage, LoadOptions } from './fanout-load.ts';
import { cpuShare, machine, type ProcSample, sampleProcess } from './lib/proc-stats.ts';
import { startServerProcess } from './lib/server-process.ts';
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
  },
});

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

const servers = args.url ? [] : [await startServerProcess({}, args['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir=bench-profiles'] : [])];
const urls = args.url ?? servers.map((s) => s.url);

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
if (result.type !== 'result') throw new Error(result.type === 'error' ? result.message : 'unexpected message');

const latency = summarize(result.latencies);
const serverCpu = before.servers.map((b: ProcSample, i) => cpuShare(b, after.servers[i]!));
const report = {
  machine: machine(),
  date: new Date().toISOString(),
  transport,
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
  serverRssMb: (args.url ? [] : peakRss).map((b) => b / 2 ** 20),
  loadCpuCores: cpuShare(before.load, after.load),
};

if (args.json) {
  process.stdout.write(JSON.stringify(report) + '\n');
} else {
  const f = (n: number) => Math.round(n).toLocaleString('en-US');
  process.stdout.write(
    [
      `Fan-out over ${transport}: ${options.rooms} rooms × ${options.clients} clients × ${options.rate} keystrokes/s, ${result.seconds.toFixed(1)} s measured`,
      `  machine: ${report.machine}`,
      `  joined ${report.clients} clients (${report.observers} full observers) in ${report.connectSeconds.toFixed(1)} s`,
      `  updates in ${f(report.updatesPerSecond)}/s, deliveries out ${f(report.deliveriesPerSecond)}/s (${(report.deliveredShare * 100).toFixed(1)}% of expected)`,
      `  latency keystroke → remote observer: p50 ${ms(latency.p50)} ms, p95 ${ms(latency.p95)} ms, p99 ${ms(latency.p99)} ms, max ${ms(latency.max)} ms (n=${latency.count})`,
      `  server CPU ${report.serverCpuCores.map((c) => `${(c * 100).toFixed(0)}%`).join(' + ')} of a core, peak RSS ${report.serverRssMb.map((m) => `${m.toFixed(0)} MB`).join(' + ')}`,
      `  load generator CPU ${(report.loadCpuCores * 100).toFixed(0)}% of a core`,
      '',
    ].join('\n'),
  );
}
for (const s of servers) await s.stop();
load.kill();
