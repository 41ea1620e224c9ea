// The heartbeat's turns while N idle client-path connections (the Yjs
// WebSocket with `?events=1`, in rooms of 10) are held by a child process.
// The server runs in this process, so ws's ping is wrapped: the pings made in
// one turn are counted and timed from the first one's start to the last one's
// end (the heartbeat's turn, whichever build). Beside it, how late a 1 ms
// timer in the server's loop runs: on an otherwise quiet machine the loop's
// longest turns are the heartbeat's. The window should cover at least two
// ping intervals (30 s by default), so every socket is pinged twice.
//
//   node bench/heartbeat.ts [--connections 2000] [--seconds 65] [--ping-ms 30000]
//
// --ping-ms sets WS_PING_INTERVAL_MS (a build without that setting pings every 30 s whatever it says).
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { WebSocket } from 'ws';
import { startAtelier } from '../server/atelier.ts';
import { loadConfig } from '../server/config.ts';
import { machine } from './lib/proc-stats.ts';

const ROOM_SIZE = 10;
/** A timer this much late is listed. */
const LATE_MS = 3;

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    connections: { type: 'string', default: '2000' },
    seconds: { type: 'string', default: '65' },
    'ping-ms': { type: 'string', default: '30000' },
  },
});
const N = Number(args.connections);

if (positionals[0] === 'connect') {
  // The child: opens the connections, a few at a time, and holds them; ws answers pings by itself.
  const [, url = '', token = '', ...roomIds] = positionals;
  const { WebSocket } = await import('ws');
  const held: unknown[] = [];
  const BATCH = 50;
  for (let i = 0; i < N; i += BATCH) {
    await Promise.all(
      Array.from({ length: Math.min(BATCH, N - i) }, (_, j) => {
        const roomId = roomIds[Math.floor((i + j) / ROOM_SIZE) % roomIds.length];
        const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/yjs/${roomId}?token=${encodeURIComponent(token)}&events=1`);
        held.push(ws);
        return new Promise<void>((resolve, reject) => {
          ws.once('message', () => resolve());
          ws.once('error', reject);
        });
      }),
    );
  }
  process.send?.('ready');
  await new Promise(() => {});
}

// Pings per turn, and the time from the turn's first ping to the end of its last.
const pingTurns: Array<{ pings: number; ms: number }> = [];
let turn: { first: number; last: number; pings: number } | null = null;
const ping = WebSocket.prototype.ping;
WebSocket.prototype.ping = function (this: WebSocket, ...args: Parameters<WebSocket['ping']>) {
  const started = performance.now();
  if (!turn) {
    const current = { first: started, last: started, pings: 0 };
    turn = current;
    setImmediate(() => {
      pingTurns.push({ pings: current.pings, ms: current.last - current.first });
      turn = null;
    });
  }
  ping.apply(this, args);
  turn.pings++;
  turn.last = performance.now();
};

const dataDir = mkdtempSync(path.join(tmpdir(), 'atelier-bench-heartbeat-'));
const atelier = await startAtelier(
  loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    WS_PING_INTERVAL_MS: args['ping-ms'],
  }),
  pino({ level: 'silent' }),
);
const session = await atelier.users.create('Bench');
const roomIds: string[] = [];
for (let i = 0; i < Math.ceil(N / ROOM_SIZE); i++) {
  const { room } = await atelier.directory.create(session.user.id, { title: `Idle ${i}` });
  roomIds.push(room.id);
}
// After `--`: a room id may begin with `-`.
const child = fork(import.meta.filename, [`--connections=${N}`, '--', 'connect', atelier.url, session.token, ...roomIds], {
  execArgv: [],
});
await new Promise((resolve, reject) => {
  child.once('message', resolve);
  child.once('exit', (code) => reject(new Error(`the connecting child exited (${code}) before it was ready`)));
});
await sleep(2000);

// How late a 1 ms timer runs, in the server's loop, over the window.
const lateness: number[] = [];
const late: Array<[number, number]> = [];
const start = performance.now();
let last = start;
const probe = setInterval(() => {
  const now = performance.now();
  const ms = now - last - 1;
  last = now;
  lateness.push(ms);
  if (ms >= LATE_MS) late.push([Math.round(now - start), ms]);
}, 1);
const cpuBefore = process.cpuUsage();
pingTurns.length = 0;
await sleep(Number(args.seconds) * 1000);
clearInterval(probe);
const cpu = process.cpuUsage(cpuBefore);
const seconds = (performance.now() - start) / 1000;

lateness.sort((a, b) => a - b);
const at = (q: number) => lateness[Math.min(lateness.length - 1, Math.floor(q * lateness.length))] ?? 0;
const f = (ms: number) => ms.toFixed(2);
process.stdout.write(
  `${N} idle client-path connections, ${seconds.toFixed(0)} s — ${machine()}\n` +
    `  1 ms timer late: max ${f(at(1))} ms, p99.9 ${f(at(0.999))}, p99 ${f(at(0.99))}; ${late.length} times ≥ ${LATE_MS} ms, ${f(late.reduce((s, [, ms]) => s + ms, 0))} ms in all\n` +
    `  turns with pings: ${pingTurns.length}; most pings in one ${Math.max(0, ...pingTurns.map((t) => t.pings))}; ` +
    `their span max ${f(Math.max(0, ...pingTurns.map((t) => t.ms)))} ms, median ${f(median(pingTurns.map((t) => t.ms)))} ms, ` +
    `all ${f(pingTurns.reduce((sum, t) => sum + t.ms, 0))} ms for ${pingTurns.reduce((sum, t) => sum + t.pings, 0)} pings\n` +
    `  server process CPU ${((cpu.user + cpu.system) / 1e6 / seconds).toFixed(3)} of a core\n` +
    `  longest 20 (s into the window: ms): ${
      [...late]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 20)
        .map(([t, ms]) => `${(t / 1000).toFixed(1)}: ${f(ms)}`)
        .join(', ') || 'none'
    }\n`,
);
child.kill();

await atelier.close();
rmSync(dataDir, { recursive: true, force: true });

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}
