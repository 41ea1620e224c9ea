// Token buckets: one per connection for message floods, and keyed ones (per IP,
// per user) behind an interface that a shared Redis implementation also fits.

export class TokenBucket {
  readonly #capacity: number;
  readonly #perSecond: number;
  #tokens: number;
  #last: number;

  constructor(perSecond: number, capacity: number, now = performance.now()) {
    this.#perSecond = perSecond;
    this.#capacity = capacity;
    this.#tokens = capacity;
    this.#last = now;
  }

  /** Takes `cost` tokens if there are enough; false (taking nothing) otherwise. */
  take(cost = 1, now = performance.now()): boolean {
    this.#tokens = Math.min(this.#capacity, this.#tokens + ((now - this.#last) / 1000) * this.#perSecond);
    this.#last = now;
    if (this.#tokens < cost) return false;
    this.#tokens -= cost;
    return true;
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
