// Loaded with `--import` into a benchmark's server and load generator
// (`npm run bench:peers -- --loop-probe DIR`): once a second it appends to
// DIR/<script>-<pid>.jsonl what the process's event loop went through, so a
// latency tail can be told apart into the loop's own long turns, garbage
// collection, and time the main thread was runnable but waiting for a CPU
// (the kernel's schedstat: on a 2-core machine shared by a server, its
// threads and the load generator, preemption is a cause of its own).
//
// Per second: the loop's utilisation; how late a 2 ms timer ran (max, p99,
// p90), and every lateness over LATE_MS with its time; GC pauses by kind;
// CPU of the main thread and of the process's other threads; the main
// thread's time on a CPU and waiting on the run queue. In the load generator
// it also notes each request of the benchmark (`connect` with its rooms,
// `measure`), so the lines can be matched to capacity's steps. In Atelier's
// server it also times each turn's end (persistence/turn-end.ts: from the
// turn's first queued task to the end of its fan-out, and its persist phase)
// and the event loop's write transactions (waiting for the write baton, then
// holding it), by wrapping their prototypes' methods.
import { appendFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { isMainThread } from 'node:worker_threads';

const DIR = process.env.LOOP_PROBE_DIR;
const TICK_MS = 2;
/** A tick this much later than due is listed with its time. */
const LATE_MS = 10;
const REPORT_MS = 1000;
const GC_KINDS: Record<number, string> = { 1: 'minor', 2: 'major', 4: 'incremental', 8: 'weakcb' };

interface Stat {
  n: number;
  ms: number;
  max: number;
}

const addTo = (stat: Stat, ms: number) => {
  stat.n++;
  stat.ms += ms;
  stat.max = Math.max(stat.max, ms);
};

interface Window {
  /** Atelier only: turn ends (read: first queued task → run; run: persist and publish; persist alone). */
  turns: { read: Stat; run: Stat; persist: Stat; long: Array<[number, number, number, number]> };
  /** Atelier only: the event loop's write transactions (baton wait, then the transaction). */
  writes: { wait: Stat; hold: Stat };
  lateness: number[];
  late: Array<[number, number]>;
  gc: Record<string, Stat>;
  longGc: Array<[number, string, number]>;
  marks: unknown[];
}

const stat = (): Stat => ({ n: 0, ms: 0, max: 0 });
const fresh = (): Window => ({
  turns: { read: stat(), run: stat(), persist: stat(), long: [] },
  writes: { wait: stat(), hold: stat() },
  lateness: [],
  late: [],
  gc: {},
  longGc: [],
  marks: [],
});
let window = fresh();
/** A turn end listed with its parts when longer than this (ms). */
const LONG_TURN_MS = 10;

/** Read once: the getter computes it afresh on every read (~20 ms of a busy profile's turns). */
const TIME_ORIGIN = performance.timeOrigin;
const wall = (at: number) => Math.round(TIME_ORIGIN + at);

/** Nanoseconds on a CPU and waiting on a run queue, of one thread (Linux schedstat). */
function schedstat(tid: number): [number, number] {
  try {
    const [run = '0', wait = '0'] = readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ');
    return [Number(run), Number(wait)];
  } catch {
    return [0, 0];
  }
}

function otherThreadsSchedstat(): [number, number] {
  let run = 0;
  let wait = 0;
  for (const tid of readdirSync('/proc/self/task')) {
    if (Number(tid) === process.pid) continue;
    const [r, w] = schedstat(Number(tid));
    run += r;
    wait += w;
  }
  return [run, wait];
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

const round = (n: number) => Math.round(n * 100) / 100;

function start(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${path.basename(process.argv[1] ?? 'node', '.ts')}-${process.pid}.jsonl`);

  let last = performance.now();
  setInterval(() => {
    const now = performance.now();
    const lateness = now - last - TICK_MS;
    last = now;
    window.lateness.push(lateness);
    if (lateness > LATE_MS) window.late.push([wall(now - lateness), round(lateness)]);
  }, TICK_MS).unref();

  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const { detail } = entry as PerformanceEntry & { detail?: { kind?: number } };
      const kind = GC_KINDS[detail?.kind ?? 0] ?? 'other';
      const stats = window.gc[kind] ?? stat();
      window.gc[kind] = stats;
      addTo(stats, entry.duration);
      if (entry.duration > 2) window.longGc.push([wall(entry.startTime), kind, round(entry.duration)]);
    }
  }).observe({ entryTypes: ['gc'] });

  // In the load generator: the benchmark's requests, to find capacity's steps.
  process.on('message', (message: { type?: string; rooms?: number; seconds?: number }) => {
    if (message.type === 'connect' || message.type === 'measure' || message.type === 'pause') {
      window.marks.push({ at: Date.now(), type: message.type, rooms: message.rooms, seconds: message.seconds });
    }
  });

  let elu = performance.eventLoopUtilization();
  let cpu = process.cpuUsage();
  let threadCpu = process.threadCpuUsage();
  let main = schedstat(process.pid);
  let others = otherThreadsSchedstat();
  setInterval(() => {
    const nowElu = performance.eventLoopUtilization();
    const nowCpu = process.cpuUsage();
    const nowThread = process.threadCpuUsage();
    const nowMain = schedstat(process.pid);
    const nowOthers = otherThreadsSchedstat();
    const sorted = window.lateness.sort((a, b) => a - b);
    const processUs = nowCpu.user + nowCpu.system - cpu.user - cpu.system;
    const mainUs = nowThread.user + nowThread.system - threadCpu.user - threadCpu.system;
    const line = {
      at: Date.now(),
      elu: round(performance.eventLoopUtilization(nowElu, elu).utilization),
      lateMs: { max: round(sorted.at(-1) ?? 0), p99: round(quantile(sorted, 0.99)), p90: round(quantile(sorted, 0.9)) },
      late: window.late,
      gc: window.gc,
      longGc: window.longGc,
      cpuMs: { main: round(mainUs / 1000), otherThreads: round((processUs - mainUs) / 1000) },
      schedMs: {
        mainRun: round((nowMain[0] - main[0]) / 1e6),
        mainWait: round((nowMain[1] - main[1]) / 1e6),
        othersRun: round((nowOthers[0] - others[0]) / 1e6),
        othersWait: round((nowOthers[1] - others[1]) / 1e6),
      },
      ...(window.turns.run.n > 0 ? { turns: window.turns, writes: window.writes } : {}),
      ...(window.marks.length > 0 ? { marks: window.marks } : {}),
    };
    [elu, cpu, threadCpu, main, others] = [nowElu, nowCpu, nowThread, nowMain, nowOthers];
    window = fresh();
    appendFileSync(file, `${JSON.stringify(line)}\n`);
  }, REPORT_MS).unref();
}

/** Times Atelier's turn ends and write transactions, when this is Atelier's server (server/main.ts). */
async function probeAtelier(main: string): Promise<void> {
  const server = path.dirname(main);
  const { TurnEnd } = (await import(
    path.join(server, 'rooms/persistence/turn-end.ts')
  )) as typeof import('../../../server/rooms/persistence/turn-end.ts');
  const { WriteBaton } = (await import(
    path.join(server, 'store/sqlite/write-baton.ts')
  )) as typeof import('../../../server/store/sqlite/write-baton.ts');
  let queuedAt = 0;
  let persistEnd = 0;
  const { persist, publish, run } = TurnEnd.prototype;
  TurnEnd.prototype.persist = function (task) {
    if (queuedAt === 0) queuedAt = performance.now();
    persist.call(this, () => {
      task();
      persistEnd = performance.now();
    });
  };
  TurnEnd.prototype.publish = function (task) {
    if (queuedAt === 0) queuedAt = performance.now();
    publish.call(this, task);
  };
  TurnEnd.prototype.run = function () {
    const started = performance.now();
    const queued = queuedAt || started;
    queuedAt = 0;
    persistEnd = started;
    run.call(this);
    const ended = performance.now();
    const { turns } = window;
    addTo(turns.read, started - queued);
    addTo(turns.run, ended - started);
    addTo(turns.persist, persistEnd - started);
    if (ended - queued > LONG_TURN_MS)
      turns.long.push([wall(queued), round(started - queued), round(persistEnd - started), round(ended - persistEnd)]);
  };
  const { hold } = WriteBaton.prototype;
  WriteBaton.prototype.hold = function <T>(fn: () => T): T {
    const asked = performance.now();
    let took = asked;
    try {
      return hold.call(this, () => {
        took = performance.now();
        return fn();
      }) as T;
    } finally {
      addTo(window.writes.wait, took - asked);
      addTo(window.writes.hold, performance.now() - took);
    }
  };
}

// Worker threads inherit --import: the main thread reports for them (their CPU and run-queue time).
if (DIR && isMainThread) {
  const main = process.argv[1] ?? '';
  if (main.endsWith(`${path.sep}server${path.sep}main.ts`)) await probeAtelier(main);
  start(DIR);
}
