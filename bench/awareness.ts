// Cursor traffic: what a server spends to carry presence. R rooms × C raw
// clients each set their awareness state (the web client's: watching, typing,
// layer, a y-codemirror cursor) at H Hz, staggered; every client counts the
// awareness messages it receives and the states in them that are not its
// own. Reported per system: the server process's CPU per delivered state and
// per message received (one socket write each), messages a second, and how
// old a state is when it arrives (sampled on one client in ten). Atelier as
// `npm start` runs it (Yjs WebSocket), optionally another checkout's server
// for a before/after in the same run (--before DIR), and Hocuspocus stock.
//
//   npm run bench:awareness -- [--rooms 100] [--clients 10] [--hz 10] [--seconds 20]
//                                    [--before /path/to/checkout] [--systems atelier,before,hocuspocus]
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { WebSocket } from 'ws';
import { YWS_MESSAGE } from '../shared/protocol.ts';
import { sampleProcess } from './lib/proc-stats.ts';
import { startServerProcess } from './lib/server-process.ts';
import { summarize } from './lib/stats.ts';
import { atelier } from './peers/systems/atelier.ts';
import { hocuspocus } from './peers/systems/hocuspocus.ts';
import type { RoomRef, RunningServer } from './peers/system.ts';

const { values } = parseArgs({
  options: {
    rooms: { type: 'string', default: '100' },
    clients: { type: 'string', default: '10' },
    hz: { type: 'string', default: '10' },
    seconds: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '4' },
    before: { type: 'string' },
    systems: { type: 'string' },
    /** Writes each Atelier server's CPU profile there (bench/profile-summary.ts reads it). */
    'cpu-prof-dir': { type: 'string' },
  },
});
const ROOMS = Number(values.rooms);
const CLIENTS = Number(values.clients);
const HZ = Number(values.hz);
const SECONDS = Number(values.seconds);
const WARMUP = Number(values.warmup);
const CONNECT_CONCURRENCY = 50;
/** Clients whose received states are parsed for their age (the rest only count them). */
const AGE_SAMPLE_EVERY = 10;

type Protocol = 'yws' | 'hocuspocus';

interface Target {
  name: string;
  protocol: Protocol;
  start(): Promise<RunningServer>;
  createRooms(url: string, count: number): Promise<RoomRef[]>;
}

interface Counters {
  sent: number;
  messages: number;
  states: number;
  ages: number[];
}

// @hocuspocus/server's message types.
const HP_AWARENESS = 1;
const HP_AUTH = 2;

/** One participant: a raw WebSocket that sends its cursor and counts what it receives. */
class CursorClient {
  readonly ws: WebSocket;
  readonly id = 1 + Math.floor(Math.random() * 0x7fff_ffff);
  readonly protocol: Protocol;
  readonly room: string;
  readonly counters: Counters;
  readonly sampleAges: boolean;
  #clock = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(protocol: Protocol, url: string, room: string, counters: Counters, sampleAges: boolean) {
    this.protocol = protocol;
    this.room = room;
    this.counters = counters;
    this.sampleAges = sampleAges;
    this.ws = new WebSocket(url, { perMessageDeflate: false });
    this.ws.on('message', (data: Buffer) => this.#received(data));
    this.ws.on('error', () => {});
  }

  opened(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.ws.once('open', () => {
        if (this.protocol === 'hocuspocus') {
          const auth = this.#header(HP_AUTH);
          encoding.writeVarUint(auth, 0);
          encoding.writeVarString(auth, '');
          this.ws.send(encoding.toUint8Array(auth));
        }
        resolve();
      });
      this.ws.once('error', reject);
    });
  }

  start(): void {
    const period = 1000 / HZ;
    setTimeout(() => {
      this.#move();
      this.#timer = setInterval(() => this.#move(), period);
    }, Math.random() * period);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.ws.terminate();
  }

  #header(type: number): encoding.Encoder {
    const encoder = encoding.createEncoder();
    if (this.protocol === 'hocuspocus') encoding.writeVarString(encoder, this.room);
    encoding.writeVarUint(encoder, type);
    return encoder;
  }

  #move(): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    const at = 1 + Math.floor(Math.random() * 200);
    const position = (offset: number) => ({ type: null, tname: 'prompt', item: { client: this.id, clock: at + offset }, assoc: 0 });
    // The web client's state (docs/protocol.md, Awareness rules) but `user`, which the server would stamp.
    const state = {
      watching: false,
      typing: true,
      layerId: null,
      cursor: { anchor: position(0), head: position(3) },
      t: performance.now(),
    };
    const update = encoding.createEncoder();
    encoding.writeVarUint(update, 1);
    encoding.writeVarUint(update, this.id);
    encoding.writeVarUint(update, ++this.#clock);
    encoding.writeVarString(update, JSON.stringify(state));
    const message = this.#header(this.protocol === 'hocuspocus' ? HP_AWARENESS : YWS_MESSAGE.awareness);
    encoding.writeVarUint8Array(message, encoding.toUint8Array(update));
    this.ws.send(encoding.toUint8Array(message));
    this.counters.sent++;
  }

  #received(data: Buffer): void {
    const decoder = decoding.createDecoder(data);
    if (this.protocol === 'hocuspocus') decoding.readVarString(decoder);
    const type = decoding.readVarUint(decoder);
    if (type !== (this.protocol === 'hocuspocus' ? HP_AWARENESS : YWS_MESSAGE.awareness)) return;
    this.counters.messages++;
    const update = decoding.createDecoder(decoding.readVarUint8Array(decoder));
    const count = decoding.readVarUint(update);
    const now = performance.now();
    for (let i = 0; i < count; i++) {
      const client = decoding.readVarUint(update);
      decoding.readVarUint(update);
      // Skipped unread unless sampled: the load generator shares the machine with the server.
      const length = decoding.readVarUint(update);
      const start = update.pos;
      update.pos += length;
      if (client === this.id) continue;
      this.counters.states++;
      if (this.sampleAges) {
        const json = Buffer.from(update.arr.buffer, update.arr.byteOffset + start, length).toString();
        const t = (JSON.parse(json) as { t?: number } | null)?.t;
        if (t !== undefined) this.counters.ages.push(now - t);
      }
    }
  }
}

function atelierTarget(name: string, main?: string): Target {
  return {
    name,
    protocol: 'yws',
    start: () => startServerProcess({}, values['cpu-prof-dir'] ? ['--cpu-prof', `--cpu-prof-dir=${values['cpu-prof-dir']}`] : [], main),
    createRooms: (url, count) => atelier.createRooms(url, 0, count),
  };
}

const hocuspocusTarget: Target = {
  name: 'Hocuspocus',
  protocol: 'hocuspocus',
  start: () => hocuspocus.start({ nodeArgs: values['cpu-prof-dir'] ? ['--cpu-prof', `--cpu-prof-dir=${values['cpu-prof-dir']}`] : [] }),
  createRooms: (url, count) => hocuspocus.createRooms(url, 0, count),
};

function urlFor(target: Target, base: string, room: RoomRef): string {
  const ws = base.replace(/^http/, 'ws');
  return target.protocol === 'hocuspocus' ? ws : `${ws}/yjs/${room.id}?token=${encodeURIComponent(room.token)}`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const load = () => os.loadavg()[0]?.toFixed(1) ?? '?';

async function run(target: Target) {
  const server = await target.start();
  const counters: Counters = { sent: 0, messages: 0, states: 0, ages: [] };
  const clients: CursorClient[] = [];
  try {
    const rooms = await target.createRooms(server.url, ROOMS);
    const pending = rooms.flatMap((room) => Array.from({ length: CLIENTS }, () => room));
    const worker = async () => {
      for (let room = pending.shift(); room; room = pending.shift()) {
        const client = new CursorClient(
          target.protocol,
          urlFor(target, server.url, room),
          room.id,
          counters,
          clients.length % AGE_SAMPLE_EVERY === 0,
        );
        clients.push(client);
        await client.opened();
      }
    };
    await Promise.all(Array.from({ length: CONNECT_CONCURRENCY }, worker));
    // Joined: let the greetings settle before anyone moves.
    await sleep(1000);
    for (const client of clients) client.start();
    await sleep(WARMUP * 1000);
    const loadBefore = load();
    const from = { ...counters, cpu: sampleProcess(server.pid), own: process.cpuUsage() };
    counters.ages = [];
    await sleep(SECONDS * 1000);
    const to = sampleProcess(server.pid);
    const own = process.cpuUsage(from.own);
    const wall = (to.at - from.cpu.at) / 1000;
    const cpu = to.cpuSeconds - from.cpu.cpuSeconds;
    const states = counters.states - from.states;
    const messages = counters.messages - from.messages;
    const ages = summarize(counters.ages);
    return {
      system: target.name,
      sentPerSecond: (counters.sent - from.sent) / wall,
      statesPerSecond: states / wall,
      messagesPerSecond: messages / wall,
      statesPerMessage: states / messages,
      serverCores: cpu / wall,
      cpuUsPerState: (cpu * 1e6) / states,
      cpuUsPerMessage: (cpu * 1e6) / messages,
      // Each move is due to every other participant of its room: the work asked of the server, whatever it merges.
      cpuUsPerMoveRecipient: (cpu * 1e6) / ((counters.sent - from.sent) * (CLIENTS - 1)),
      loadCores: (own.user + own.system) / 1e6 / wall,
      ageP50: ages.p50,
      ageP99: ages.p99,
      load: `${loadBefore} → ${load()}`,
    };
  } finally {
    for (const client of clients) client.stop();
    await server.stop();
  }
}

const targets: Record<string, Target> = { atelier: atelierTarget('Atelier'), hocuspocus: hocuspocusTarget };
if (values.before) targets.before = atelierTarget('Atelier (before)', path.join(path.resolve(values.before), 'server/main.ts'));
const order = (values.systems ?? (values.before ? 'before,atelier,hocuspocus' : 'atelier,hocuspocus')).split(',');

console.log(
  `${ROOMS} rooms × ${CLIENTS} clients, each moving its cursor at ${HZ} Hz; ${SECONDS} s measured after ${WARMUP} s; ${os.cpus().length} cores`,
);
const rows = [];
for (const name of order) {
  const target = targets[name];
  if (!target) throw new Error(`unknown system ${name}`);
  const row = await run(target);
  console.log(JSON.stringify(row));
  rows.push(row);
}
const f = (v: number, digits = 0) => (Number.isFinite(v) ? v.toFixed(digits) : 'n/a');
console.log(
  '\n| system | sent/s | states delivered/s | messages/s | states/message | server CPU (cores) | CPU µs/state | CPU µs/(move × recipient) | CPU µs/message | state age p50 / p99 (ms) | load generator (cores) | load (1 min) |',
);
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
for (const r of rows) {
  console.log(
    `| ${r.system} | ${f(r.sentPerSecond)} | ${f(r.statesPerSecond)} | ${f(r.messagesPerSecond)} | ${f(r.statesPerMessage, 2)} | ${f(r.serverCores, 2)} | ${f(r.cpuUsPerState, 1)} | ${f(r.cpuUsPerMoveRecipient, 1)} | ${f(r.cpuUsPerMessage, 1)} | ${f(r.ageP50, 1)} / ${f(r.ageP99, 1)} | ${f(r.loadCores, 2)} | ${r.load} |`,
  );
}
