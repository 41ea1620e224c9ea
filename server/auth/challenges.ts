// Short-lived, single-use secrets of a sign-in in progress: WebAuthn
// challenges and OpenID Connect states. Kept on the server so that taking one
// is the only way to use it; in scaled mode in Redis
// (server/scale/redis-challenges.ts), so any node can finish what another began.

export interface ChallengeStore {
  /** Keeps `value` under `key` for `ttlMs`. */
  put(key: string, value: string, ttlMs: number): Promise<void>;
  /** The value, removed in the same step; null when unknown, expired or taken already. */
  take(key: string): Promise<string | null>;
}

/** One process: a map with expiry, the oldest entries dropped beyond `capacity`. */
export class MemoryChallengeStore implements ChallengeStore {
  readonly #entries = new Map<string, { value: string; expires: number }>();
  readonly #capacity: number;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  get size(): number {
    return this.#entries.size;
  }

  async put(key: string, value: string, ttlMs: number): Promise<void> {
    const now = Date.now();
    this.#entries.delete(key);
    this.#entries.set(key, { value, expires: now + ttlMs });
    // Insertion order is expiry order for one TTL: drop from the front while stale or over capacity.
    for (const [oldest, entry] of this.#entries) {
      if (entry.expires > now && this.#entries.size <= this.#capacity) break;
      this.#entries.delete(oldest);
    }
  }

  async take(key: string): Promise<string | null> {
    const entry = this.#entries.get(key);
    if (!entry) return null;
    this.#entries.delete(key);
    return entry.expires > Date.now() ? entry.value : null;
  }
}
