// What the server's main thread itself spent over a measured window, in
// figures another process's load moves less than a latency: its CPU time
// (the thread's own utime + stime, not the process's: the preview thread and
// libuv's pool are not the event loop makers wait on) and its garbage
// collections, from the V8 isolate's --trace-gc-nvp lines: how many, and
// the bytes it allocated between them and that survived a scavenge, which
// follow what the thread did whatever the machine's load did to each pause.
import { readFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { createInterface } from 'node:readline';

const TICKS_PER_SECOND = 100;

/** CPU seconds the process's main thread (its thread id is the process id) has used. */
export function mainThreadCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

export interface GcTally {
  scavenges: number;
  /** Mark-compacts and their incremental steps' finalisations (V8's "Mark-Compact"). */
  markCompacts: number;
  /** Pause time the isolate reported, ms (wall time: the machine's load stretches it). */
  pauseMs: number;
  /** Bytes allocated in the window's collections' intervals (V8's `allocated`, since the collection before each). */
  allocatedBytes: number;
  /** Bytes the scavenges found alive in the young generation (copied or promoted: what a scavenge's work follows). */
  survivedBytes: number;
}

/** `[pid:0x55d…:0]   12345 ms: pause=1.2 mutator=… gc=s … key=value …` (--trace-gc-nvp). */
const TRACE_GC_NVP = /^\[\d+:(0x[0-9a-f]+)(?::\d+)?\]\s+(\d+) ms: (pause=.*)$/;

interface Collection {
  isolate: string;
  /** ms since the isolate started. */
  at: number;
  /** V8's `gc=`: s (scavenge), ms (minor mark-sweep), mc (mark-compact). */
  kind: string;
  fields: Map<string, number>;
}

/** Seconds since boot, as /proc counts them (10 ms ticks). */
function uptimeSeconds(): number {
  return Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
}

/** When the process started, seconds since boot. */
function startedSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]) / TICKS_PER_SECOND;
}

/**
 * Counts the main isolate's collections in a server started with --trace-gc-nvp,
 * from its stdout. A pipe's output is block-buffered, so the lines come late:
 * each is placed by its own time (ms since its isolate started, taken as the
 * process's start, to within the 10 ms of /proc's clock and Node's own
 * start), and the window is tallied once the server has exited. The main
 * isolate is the one with the largest heap after a collection: it holds the
 * rooms and connections; the worker threads (the store's, the previews') hold
 * a few MB each and may print first.
 */
export class GcCounter {
  readonly #pid: number;
  readonly #seen: Collection[] = [];
  /** Each isolate's largest heap after a collection, MB. */
  readonly #heaps = new Map<string, number>();
  #window: [number, number] = [0, 0];
  readonly #ended: Promise<void>;

  constructor(pid: number, stdout: Readable) {
    this.#pid = pid;
    const lines = createInterface({ input: stdout });
    lines.on('line', (line) => this.#line(line));
    this.#ended = new Promise((resolve) => lines.once('close', resolve));
  }

  /** ms since the server started, now. */
  #now(): number {
    return (uptimeSeconds() - startedSeconds(this.#pid)) * 1000;
  }

  start(): void {
    this.#window = [this.#now(), Number.POSITIVE_INFINITY];
  }

  stop(): void {
    this.#window[1] = this.#now();
  }

  /** The main isolate's collections between start() and stop(), once the server has exited and its output ended. */
  async tally(): Promise<GcTally> {
    await this.#ended;
    const [from, to] = this.#window;
    const main = [...this.#heaps].sort((a, b) => b[1] - a[1])[0]?.[0];
    const tally: GcTally = { scavenges: 0, markCompacts: 0, pauseMs: 0, allocatedBytes: 0, survivedBytes: 0 };
    for (const c of this.#seen) {
      if (c.isolate !== main || c.at < from || c.at >= to) continue;
      const field = (name: string) => c.fields.get(name) ?? 0;
      if (c.kind === 'mc') tally.markCompacts++;
      else tally.scavenges++;
      tally.pauseMs += field('pause');
      tally.allocatedBytes += field('allocated');
      if (c.kind !== 'mc') tally.survivedBytes += field('new_space_survived');
    }
    return tally;
  }

  #line(line: string): void {
    const match = TRACE_GC_NVP.exec(line);
    if (!match) return;
    const [, isolate = '', at, rest = ''] = match;
    const fields = new Map<string, number>();
    let kind = '';
    for (const pair of rest.split(' ')) {
      const eq = pair.indexOf('=');
      if (eq < 0) continue;
      const key = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      if (key === 'gc') kind = value;
      else fields.set(key, Number.parseFloat(value));
    }
    const heap = fields.get('end_object_size') ?? 0;
    this.#heaps.set(isolate, Math.max(this.#heaps.get(isolate) ?? 0, heap));
    this.#seen.push({ isolate, at: Number(at), kind, fields });
  }
}
