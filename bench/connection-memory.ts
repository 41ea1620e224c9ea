// What one idle connection costs the server: heap (after full GCs) and RSS
// per connection, for N connections of one kind made by a child process to a
// server in this process. Kinds: `socket.io` (connected, no room), `client`
// (the web client's pair: Socket.IO joined with `yjs: false` plus the Yjs
// WebSocket of the same room), `websocket` (the Yjs WebSocket alone), `events`
// (the Yjs WebSocket with `?events=1`: the page's one connection carrying
// Atelier's events too, admitted once `room:joined` arrived).
//
//   node --expose-gc bench/connection-memory.ts [--connections 500] [--kind socket.io|client|websocket|events] [--snapshot FILE]
//
// (`npm run bench:memory` passes --expose-gc.) --snapshot writes a heap
// snapshot with the connections open, for a diff against one with a single
// connection.
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import pino from 'pino';
import { startAtelier } from '../server/atelier.ts';
import { loadConfig } from '../server/config.ts';
import { machine } from './lib/proc-stats.ts';

const KINDS = ['socket.io', 'client', 'websocket', 'events'] as const;
type Kind = (typeof KINDS)[number];

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    connections: { type: 'string', default: '500' },
    kind: { type: 'string', default: 'socket.io' },
    snapshot: { type: 'string' },
  },
});
const N = Number(args.connections);
const kind = (KINDS as readonly string[]).includes(args.kind) ? (args.kind as Kind) : 'socket.io';

if (positionals[0] === 'connect') {
  // The child: opens the connections and holds them.
  const [, url = '', token = '', roomId = ''] = positionals;
  const { io } = await import('socket.io-client');
  const { WebSocket } = await import('ws');
  const held: unknown[] = [];
  for (let i = 0; i < N; i++) {
    if (kind === 'socket.io' || kind === 'client') {
      const socket = io(url, { auth: { token }, transports: ['websocket'], forceNew: true, reconnection: false });
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      if (kind === 'client') await new Promise((resolve) => socket.emit('room:join', roomId, { yjs: false }, resolve));
      held.push(socket);
    }
    if (kind !== 'socket.io') {
      const events = kind === 'events' ? '&events=1' : '';
      const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/yjs/${roomId}?token=${encodeURIComponent(token)}${events}`);
      await new Promise<void>((resolve, reject) => {
        ws.once('message', () => resolve());
        ws.once('error', reject);
      });
      held.push(ws);
    }
  }
  process.send?.('ready');
  await new Promise(() => {});
}

const gc = globalThis.gc;
if (!gc) throw new Error('run with node --expose-gc (npm run bench:memory does)');
const dataDir = mkdtempSync(path.join(tmpdir(), 'atelier-bench-memory-'));
const atelier = await startAtelier(
  loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'silent', MAX_PARTICIPANTS_PER_ROOM: String(4 * N) }),
  pino({ level: 'silent' }),
);
const session = await atelier.users.create('Bench');
const { room } = await atelier.directory.create(session.user.id, { title: 'Idle connections' });
const sample = () => {
  gc();
  gc();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, rss: m.rss };
};
await sleep(500);
const before = sample();
const child = fork(import.meta.filename, ['connect', atelier.url, session.token, room.id, `--connections=${N}`, `--kind=${kind}`], {
  execArgv: [],
});
await new Promise((resolve) => child.once('message', resolve));
await sleep(1000);
const after = sample();
const kb = (bytes: number) => (bytes / N / 1024).toFixed(1);
process.stdout.write(
  `${N} idle ${kind} connections — ${machine()}\n  heap ${kb(after.heap - before.heap)} KB per connection, RSS ${kb(after.rss - before.rss)} KB per connection (RSS ${(before.rss / 2 ** 20).toFixed(0)} → ${(after.rss / 2 ** 20).toFixed(0)} MB)\n`,
);
if (args.snapshot) process.stdout.write(`  heap snapshot: ${v8.writeHeapSnapshot(args.snapshot)}\n`);
child.kill();
await atelier.close();
rmSync(dataDir, { recursive: true, force: true });
