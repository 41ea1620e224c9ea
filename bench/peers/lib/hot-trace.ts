// Loaded with `--import` (HOT_TRACE_DIR set) into Atelier's server and the
// peers benchmark's load generator: one line per event, on the machine's
// monotonic clock (the same in every process), so that each timed delivery of
// the hot room can be followed through the server (bench/peers/hot-trace-summary.ts).
// Server: each keystroke read (its client and clock), each turn end (queued,
// run, persist done, end), each fan-out, GC pauses, every write transaction of
// the loop and of the maintenance thread (baton asked, taken, released), late
// 1 ms ticks. Load generator: each observer's receipt of a timed keystroke
// (send and receipt), GC pauses, late ticks.
import { appendFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { StatementSync } from 'node:sqlite';
import { isMainThread, parentPort, threadId } from 'node:worker_threads';
import * as decoding from 'lib0/decoding';

const DIR = process.env.HOT_TRACE_DIR;
/** performance.now() + OFFSET is CLOCK_MONOTONIC in ms, comparable across processes. */
const OFFSET = Number(process.hrtime.bigint()) / 1e6 - performance.now();
const mono = (at: number) => Math.round((at + OFFSET) * 1000) / 1000;
const now = () => mono(performance.now());

type Event = [string, ...number[]];
let events: Event[] = [];
let file = '';

let cpu = process.threadCpuUsage();

function flush(): void {
  const nowCpu = process.threadCpuUsage();
  events.push(['cpu', now(), (nowCpu.user - cpu.user) / 1000, (nowCpu.system - cpu.system) / 1000]);
  cpu = nowCpu;
  if (events.length === 0) return;
  const lines = events.map((e) => JSON.stringify(e)).join('\n');
  events = [];
  appendFileSync(file, `${lines}\n`);
}

function common(name: string): void {
  if (!DIR) return;
  mkdirSync(DIR, { recursive: true });
  file = path.join(DIR, `${name}-${process.pid}-${threadId}.jsonl`);
  setInterval(flush, 500).unref();
  process.on('exit', flush);
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const { detail } = entry as PerformanceEntry & { detail?: { kind?: number } };
      events.push(['gc', mono(entry.startTime), Math.round(entry.duration * 1000) / 1000, detail?.kind ?? 0]);
    }
  }).observe({ entryTypes: ['gc'] });
  let last = performance.now();
  setInterval(() => {
    const t = performance.now();
    if (t - last > 3) events.push(['late', mono(last), Math.round((t - last) * 1000) / 1000]);
    last = t;
  }, 1).unref();
}

/** The first struct's client and clock of a y-protocols sync message's update (-1 when not an update). */
function firstStruct(message: Uint8Array): [number, number] {
  try {
    const decoder = decoding.createDecoder(message);
    decoding.readVarUint(decoder);
    const update = decoding.readVarUint8Array(decoder);
    const inner = decoding.createDecoder(update);
    if (decoding.readVarUint(inner) === 0) return [-1, -1];
    decoding.readVarUint(inner);
    return [decoding.readVarUint(inner), decoding.readVarUint(inner)];
  } catch {
    return [-1, -1];
  }
}

/** `server`: the server's source directory. */
async function traceServer(server: string): Promise<void> {
  if (isMainThread) sampleThreads();
  const { WriteBaton } = (await import(
    path.join(server, 'store/sqlite/write-baton.ts')
  )) as typeof import('../../../server/store/sqlite/write-baton.ts');
  const { hold } = WriteBaton.prototype;
  const tid = threadId;
  WriteBaton.prototype.hold = function <T>(fn: () => T): T {
    const asked = now();
    let took = asked;
    try {
      return hold.call(this, () => {
        took = now();
        return fn();
      }) as T;
    } finally {
      events.push(['hold', tid, asked, took, now()]);
    }
  };
  if (!isMainThread) {
    traceThread();
    return;
  }
  const { TurnEnd } = (await import(
    path.join(server, 'rooms/persistence/turn-end.ts')
  )) as typeof import('../../../server/rooms/persistence/turn-end.ts');
  const { Room } = (await import(path.join(server, 'rooms/room.ts'))) as typeof import('../../../server/rooms/room.ts');
  const { YjsWebSocketServer } = (await import(
    path.join(server, 'realtime/yjs-websocket/yjs-websocket-server.ts')
  )) as typeof import('../../../server/realtime/yjs-websocket/yjs-websocket-server.ts');
  let queuedAt = 0;
  let persistEnd = 0;
  const { persist, publish, run } = TurnEnd.prototype;
  TurnEnd.prototype.persist = function (task) {
    if (queuedAt === 0) queuedAt = now();
    persist.call(this, () => {
      task();
      persistEnd = now();
    });
  };
  TurnEnd.prototype.publish = function (task) {
    if (queuedAt === 0) queuedAt = now();
    publish.call(this, task);
  };
  TurnEnd.prototype.run = function () {
    const started = now();
    const queued = queuedAt || started;
    queuedAt = 0;
    persistEnd = started;
    run.call(this);
    events.push(['turn', queued, started, persistEnd, now()]);
  };
  const { handleSync } = Room.prototype;
  Room.prototype.handleSync = function (connectionId, message) {
    const [client, clock] = firstStruct(message);
    events.push(['read', now(), client, clock]);
    return handleSync.call(this, connectionId, message);
  };
  const { docUpdate } = YjsWebSocketServer.prototype;
  YjsWebSocketServer.prototype.docUpdate = function (room, outgoing) {
    const start = now();
    const cpu0 = process.threadCpuUsage();
    docUpdate.call(this, room, outgoing);
    const cpu1 = process.threadCpuUsage(cpu0);
    events.push(['fanout', start, now(), outgoing.update.byteLength, outgoing.senders.size, cpu1.user / 1000, cpu1.system / 1000]);
  };
}

/** Every 100 ms, each of the process's other threads' CPU since the last sample (ms, from schedstat), by name. */
function sampleThreads(): void {
  const last = new Map<string, number>();
  setInterval(() => {
    const at = now();
    for (const tid of readdirSync('/proc/self/task')) {
      if (Number(tid) === process.pid) continue;
      try {
        const name = `${readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim()}:${tid}`;
        const ms = Number(readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
        const since = ms - (last.get(name) ?? ms);
        last.set(name, ms);
        if (since > 0.5) (events as unknown[]).push(['tcpu', at, Math.round(since * 100) / 100, name]);
      } catch {
        // the thread ended
      }
    }
  }, 100).unref();
}

/** The maintenance thread: its statements over 0.3 ms (checkpoints, reads) and each request it handles whole. */
function traceThread(): void {
  for (const method of ['get', 'all', 'run'] as const) {
    const original = StatementSync.prototype[method] as (...args: unknown[]) => unknown;
    (StatementSync.prototype as unknown as Record<string, unknown>)[method] = function (this: StatementSync, ...args: unknown[]) {
      const start = now();
      try {
        return original.apply(this, args);
      } finally {
        const end = now();
        if (end - start > 0.3) (events as unknown[]).push(['stmt', start, end, this.sourceSQL.slice(0, 48)]);
      }
    };
  }
  const port = parentPort;
  if (!port) return;
  const on = port.on.bind(port);
  port.on = ((event: string, listener: (message: { type?: string }) => void) =>
    on(event, (message: { type?: string }) => {
      const start = now();
      try {
        listener(message);
      } finally {
        (events as unknown[]).push(['request', start, now(), message?.type ?? '?']);
      }
    })) as typeof port.on;
}

async function traceLoad(load: string): Promise<void> {
  const { DeliveryLedger } = (await import(
    path.join(path.dirname(load), 'lib/delivery-ledger.ts')
  )) as typeof import('./delivery-ledger.ts');
  const { forEachStruct } = (await import(path.join(path.dirname(load), 'lib/update-structs.ts'))) as typeof import('./update-structs.ts');
  const sentAt = new Map<number, number>();
  const key = (client: number, clock: number) => client * 1_000_000 + clock;
  const { sending, observe, reset, open } = DeliveryLedger.prototype;
  DeliveryLedger.prototype.sending = function (client, clock) {
    if (this.isOpen) sentAt.set(key(client, clock), now());
    sending.call(this, client, clock);
  };
  DeliveryLedger.prototype.observe = function (update, self) {
    const at = now();
    observe.call(this, update, self);
    forEachStruct(update, (client, clock, length) => {
      if (client === self) return;
      for (let k = clock; k < clock + length; k++) {
        const t0 = sentAt.get(key(client, k));
        if (t0 !== undefined) events.push(['recv', self, client, k, t0, at]);
      }
    });
  };
  DeliveryLedger.prototype.open = function (writers) {
    events.push(['open', now()]);
    open.call(this, writers);
  };
  DeliveryLedger.prototype.reset = function () {
    events.push(['reset', now()]);
    sentAt.clear();
    reset.call(this);
  };
}

if (DIR) {
  const main = process.argv[1] ?? '';
  const thread = path.join('server', 'store', 'sqlite', 'maintenance-thread.ts');
  if (main.endsWith(`${path.sep}server${path.sep}main.ts`) && isMainThread) {
    common('server');
    await traceServer(path.dirname(main));
  } else if (main.endsWith(`${path.sep}${thread}`)) {
    // A worker's argv[1] is its own script.
    common('thread');
    await traceServer(path.resolve(path.dirname(main), '../..'));
  } else if (main.endsWith(`${path.sep}peers${path.sep}load.ts`) && isMainThread) {
    common('load');
    await traceLoad(main);
  }
}
