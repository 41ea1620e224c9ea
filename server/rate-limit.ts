// Token buckets: one per connection for message floods, and keyed ones (per IP,
// per user) behind an interface that a shared Redis implementation also fits.
import type { StallCredit } from './loop-stalls.ts';

export class TokenBucket {
  readonly #capacity: number;
  readonly #perSecond: number;
  readonly #stalls: StallCredit | undefined;
  #tokens: number;
  #last: number;

  /** `stalls`: the event loop's stalls, whose time refills the bucket past its capacity (loop-stalls.ts). */
  constructor(perSecond: number, capacity: number, now = performance.now(), stalls?: StallCredit) {
    this.#perSecond = perSecond;
    this.#capacity = capacity;
    this.#stalls = stalls;
    this.#tokens = capacity;
    this.#last = now;
  }

  /** Takes `cost` tokens if there are enough; false (taking nothing) otherwise. */
  take(cost = 1, now = performance.now()): boolean {
    this.#refill(now);
    if (this.#tokens < cost) return false;
    this.#tokens -= cost;
    return true;
  }

  /**
   * Takes `cost` tokens whatever is left, into debt if need be: for work that
   * is done already and turned out dearer than one message (its cost known only
   * once done). Later takes wait until the debt is refilled.
   */
  charge(cost: number, now = performance.now()): void {
    this.#refill(now);
    this.#tokens -= cost;
  }

  /** Milliseconds until `cost` tokens are there (0: now). */
  msUntil(cost = 1, now = performance.now()): number {
    this.#refill(now);
    return this.#tokens >= cost ? 0 : ((cost - this.#tokens) / this.#perSecond) * 1000;
  }

  #refill(now: number): void {
    const stalled = this.#stalls?.stalledSince(this.#last, now) ?? 0;
    // What the client could have sent while the server stood still is credited on top of the burst.
    const cap = this.#capacity + (stalled / 1000) * this.#perSecond;
    const refilled = this.#tokens + ((now - this.#last) / 1000) * this.#perSecond;
    this.#tokens = Math.max(this.#tokens, Math.min(cap, refilled));
    this.#last = now;
  }
}

export interface RateLimit {
  /** Requests allowed per window. */
  limit: number;
  windowMs: number;
}

export interface RateLimiter {
  /** Whether `key` may do one more thing now; counts it if so. */
  take(key: string, limit: RateLimit): Promise<boolean>;
}

/** In-process limiter: a bucket per key, forgotten once full again. */
export class MemoryRateLimiter implements RateLimiter {
  readonly #buckets = new Map<string, { bucket: TokenBucket; full: number }>();
  #sweeps = 0;

  async take(key: string, limit: RateLimit): Promise<boolean> {
    const now = performance.now();
    let entry = this.#buckets.get(key);
    if (!entry) {
      entry = { bucket: new TokenBucket((limit.limit * 1000) / limit.windowMs, limit.limit, now), full: 0 };
      this.#buckets.set(key, entry);
    }
    entry.full = now + limit.windowMs;
    if (++this.#sweeps % 1000 === 0) this.#sweep(now);
    return entry.bucket.take(1, now);
  }

  #sweep(now: number): void {
    for (const [key, entry] of this.#buckets) if (entry.full < now) this.#buckets.delete(key);
  }
}
