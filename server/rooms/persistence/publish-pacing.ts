// How long a turn's fan-out may wait. Each recipient of a change costs the
// server one socket write, and on loopback a small write costs ~10 µs of the
// writer's CPU, nearly all of it in the kernel (bench/write-floor.ts): past
// ~100,000 deliveries a second one core does nothing else. While the event
// loop is that busy, a room's fan-out waits a few milliseconds, and what its
// participants send meanwhile goes out merged in the same message, so each
// recipient costs one write per wait instead of one per keystroke. An idle or
// moderately busy server sends at the end of every turn as before: the wait
// only ever replaces a queue that saturation would build anyway. It starts
// late (90 %: a GC pause or a compaction must not start it) and ends early
// (60 %: a node that waits uses less, and must not flap back at once).
// Off by default (PUBLISH_HOLD_MS=0): measured, a saturated loop's turns are
// already long enough to merge as much, so the wait saved no CPU and only
// added latency (docs/protocol.md, "Storage and durability").
import { performance } from 'node:perf_hooks';

export interface PublishPacing {
  /** Milliseconds a turn's fan-out waits now (0: at the end of the turn). */
  holdMs(): number;
}

export const NO_PACING: PublishPacing = { holdMs: () => 0 };

export interface LoadPacingOptions {
  /** The wait while busy. */
  holdMs: number;
  /** Event-loop utilisation (0–1) over a sample at which waiting starts… */
  engageAt?: number;
  /** …and under which it stops (lower, so that it does not flap). */
  releaseAt?: number;
  sampleMs?: number;
  /** Told each sample that found the loop busy, with its length in seconds (a metric). */
  onBusy?: (seconds: number) => void;
}

export class LoadPacing implements PublishPacing {
  readonly #holdMs: number;
  readonly #engageAt: number;
  readonly #releaseAt: number;
  readonly #sampleMs: number;
  readonly #onBusy: ((seconds: number) => void) | undefined;
  #last = performance.eventLoopUtilization();
  #busy = false;
  #timer: NodeJS.Timeout | undefined;

  constructor({ holdMs, engageAt = 0.9, releaseAt = 0.6, sampleMs = 100, onBusy }: LoadPacingOptions) {
    this.#onBusy = onBusy;
    this.#holdMs = holdMs;
    this.#engageAt = engageAt;
    this.#releaseAt = releaseAt;
    this.#sampleMs = sampleMs;
  }

  start(): this {
    if (this.#holdMs <= 0) return this;
    this.#last = performance.eventLoopUtilization();
    this.#timer ??= setInterval(() => this.sample(), this.#sampleMs);
    this.#timer.unref();
    return this;
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#busy = false;
  }

  /** Whether the loop counts as busy: set by each sample. */
  get busy(): boolean {
    return this.#busy;
  }

  /** Reads the utilisation since the previous sample (called by the timer; tests give their own). */
  sample(utilization?: number): void {
    const now = performance.eventLoopUtilization();
    const used = utilization ?? performance.eventLoopUtilization(now, this.#last).utilization;
    this.#last = now;
    this.#busy = this.#busy ? used >= this.#releaseAt : used >= this.#engageAt;
    if (this.#busy) this.#onBusy?.(this.#sampleMs / 1000);
  }

  holdMs(): number {
    return this.#busy ? this.#holdMs : 0;
  }
}
