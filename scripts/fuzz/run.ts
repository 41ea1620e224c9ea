// `npm run fuzz -- [--seconds 60] [--seed 1] [--transport both|socket.io|websocket]
//                  [--attackers 2] [--http 1] [--rate 40] [--max-rss-mb 1024] [--crafts all|none|a,b] [--json report.json]
//                  [--scaled] [--craft-share 0.15]`  (two nodes on REDIS_URL and DATABASE_URL, or the local defaults)
// Prints the counts, the honest participants' latency and the server's memory;
// exits 1 on a crash, a handler or HTTP failure, a client exception, a divergence, amplification or memory past the bound.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Transport } from './clients.ts';
import { DEFAULT_OPTIONS, type FuzzReport, runFuzz } from './fuzz.ts';
import { startWatchdog } from './watchdog.ts';
import { CRAFTS, type Craft } from './yjs-craft.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string' },
    seed: { type: 'string' },
    transport: { type: 'string', default: 'both' },
    attackers: { type: 'string' },
    http: { type: 'string' },
    rate: { type: 'string' },
    'max-rss-mb': { type: 'string' },
    json: { type: 'string' },
    crafts: { type: 'string', default: 'all' },
    scaled: { type: 'boolean', default: false },
    'craft-share': { type: 'string' },
  },
});

const number = (name: string, value: string | undefined, fallback: number): number => {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) {
    process.stderr.write(`fuzz: --${name} must be a non-negative number\n`);
    process.exit(2);
  }
  return parsed;
};
const transports: Record<string, Transport[]> = { both: ['socket.io', 'websocket'], 'socket.io': ['socket.io'], websocket: ['websocket'] };
const chosen = transports[values.transport ?? 'both'];
if (!chosen) {
  process.stderr.write('fuzz: --transport is both, socket.io or websocket\n');
  process.exit(2);
}
const crafts = values.crafts === 'all' ? CRAFTS : values.crafts === 'none' ? [] : (values.crafts ?? '').split(',');
const unknownCraft = crafts.find((c) => !(CRAFTS as readonly string[]).includes(c));
if (unknownCraft !== undefined) {
  process.stderr.write(`fuzz: --crafts is all, none or a comma-separated list of ${CRAFTS.join(', ')} (not ${unknownCraft})\n`);
  process.exit(2);
}
const seed = number('seed', values.seed, Math.floor(Math.random() * 2 ** 31));
const out = (line = '') => process.stdout.write(`${line}\n`);
// Scaled mode's services: the run makes its own Redis key prefix and PostgreSQL database there, and removes them.
const scaled = values.scaled
  ? {
      redisUrl: process.env.REDIS_URL || 'redis://127.0.0.1:6379',
      databaseUrl: process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
    }
  : undefined;

// A run that does not finish is a finding too (something waits forever): say so rather than hang a CI job.
const seconds = number('seconds', values.seconds, DEFAULT_OPTIONS.seconds);
const watchdog = startWatchdog(
  (seconds + 180) * 1000,
  `fuzz: still running ${seconds + 180} s after the start: hung (seed ${seed}); FAILED`,
);
out(
  `fuzz: seed ${seed} (repeat with --seed ${seed}), ${number('seconds', values.seconds, DEFAULT_OPTIONS.seconds)} s, ${chosen.join(' + ')}${scaled ? ', scaled (two nodes)' : ''}`,
);
const report = await runFuzz({
  seconds: number('seconds', values.seconds, DEFAULT_OPTIONS.seconds),
  seed,
  transports: chosen,
  attackersPerKind: number('attackers', values.attackers, DEFAULT_OPTIONS.attackersPerKind),
  rate: number('rate', values.rate, DEFAULT_OPTIONS.rate),
  httpAttackers: number('http', values.http, DEFAULT_OPTIONS.httpAttackers),
  maxRssMb: number('max-rss-mb', values['max-rss-mb'], DEFAULT_OPTIONS.maxRssMb),
  crafts: crafts as Craft[],
  craftShare: Math.min(1, number('craft-share', values['craft-share'], DEFAULT_OPTIONS.craftShare)),
  scaled,
  progress: (line) => out(`  ${line}`),
  onServerStarted: (pid) => watchdog.watch(pid),
});
print(report);
if (values.json) writeFileSync(values.json, `${JSON.stringify(report, null, 2)}\n`);
process.exit(report.failed ? 1 : 0);

function print(r: FuzzReport): void {
  const table = (entries: [string, number][]) => entries.map(([k, n]) => `    ${String(n).padStart(8)}  ${k}`).join('\n');
  out();
  out(`messages sent: ${r.stats.sent.total}`);
  out(table(r.stats.sent.entries()));
  out(`refused (typed errors, close codes, disconnects): ${r.stats.refused.total}`);
  out(table(r.stats.refused.entries()));
  out(`hostile connections opened: ${r.stats.connections.total}`);
  out(table(r.stats.connections.entries()));
  out(
    `sync step 1s sent to hostile connections: ${r.asked.step1s} (amplification past ${r.asked.sent + r.asked.connections}, one a message or connection)`,
  );
  out(table(r.stats.asked.entries()));
  if (r.redisPings !== undefined) out(`Redis PINGs from the ${r.nodes} nodes: ${r.redisPings}`);
  out(`crashes (server exit): ${r.crash ? 1 : 0}${r.crash ? `  code ${r.crash.code} signal ${r.crash.signal}\n${r.crash.stderr}` : ''}`);
  out(`handler failures (caught by the last-resort guard): ${r.handlerFailures.length}`);
  for (const f of r.handlerFailures.slice(0, 10)) out(`    ${f.handler}: ${f.err}`);
  out(`HTTP failures (untyped or 5xx answers, hostile input taken): ${r.httpFailures.length}`);
  for (const f of r.httpFailures.slice(0, 10)) out(`    ${f}`);
  out(`server error lines: ${Object.values(r.errorLines).reduce((a, b) => a + b, 0)}`);
  out(table(Object.entries(r.errorLines).sort((a, b) => b[1] - a[1])));
  out(`divergences: ${r.divergences.length}`);
  for (const d of r.divergences) {
    out(`    room ${d.roomId} peer ${d.peer} (${d.transport}) ${d.firstDifference}\n      server  ${d.server}\n      replica ${d.replica}`);
  }
  out(`client exceptions: ${r.clientExceptions.length}`);
  for (const e of r.clientExceptions.slice(0, 5)) out(`    ${e.split('\n')[0]}`);
  const h = r.honest;
  out(`honest: ${h.peers} peers, ${h.edits} edits, ${h.samples} deliveries timed: p50 ${h.p50Ms} ms, p99 ${h.p99Ms} ms, max ${h.maxMs} ms`);
  for (const [transport, l] of Object.entries(h.byTransport)) {
    out(`    to ${transport} peers: ${l.samples} deliveries, p50 ${l.p50Ms} ms, p99 ${l.p99Ms} ms, max ${l.maxMs} ms`);
  }
  out(`server RSS: start ${r.rss.startMb} MB, peak ${r.rss.peakMb} MB, end ${r.rss.endMb} MB (bound ${r.options.maxRssMb} MB)`);
  for (const room of r.rooms) out(`room ${room.roomId}: ${room.updateBytes} bytes encoded, ${room.clients} client ids`);
  out(`fuzzer event-loop delay p99: ${r.fuzzerLoopDelayP99Ms} ms`);
  out(r.failed ? 'FAILED' : 'passed');
}
