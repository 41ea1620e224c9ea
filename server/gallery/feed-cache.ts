// Feed pages as everyone sees them (no caller's likes in them), kept for a
// short time: the first page of the gallery is what nearly every visitor asks
// for. Publishing or deleting on this node clears it at once; changes made on
// other nodes, and like counts, show within the time to live.

interface Entry<T> {
  value: T;
  expires: number;
}

export class FeedCache<T> {
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #entries = new Map<string, Entry<T>>();

  constructor(ttlMs: number, maxEntries: number) {
    this.#ttlMs = ttlMs;
    this.#maxEntries = maxEntries;
  }

  get(key: string, now = performance.now()): T | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expires > now) return entry.value;
    this.#entries.delete(key);
    return undefined;
  }

  set(key: string, value: T, now = performance.now()): void {
    if (this.#ttlMs <= 0) return;
    // Oldest first out: a crawler walking deep cursors cannot grow it without bound.
    const oldest = this.#entries.keys().next();
    if (this.#entries.size >= this.#maxEntries && !oldest.done) this.#entries.delete(oldest.value);
    this.#entries.set(key, { value, expires: now + this.#ttlMs });
  }

  clear(): void {
    this.#entries.clear();
  }
}
