// The sessions this node has seen lately, so that a request or a handshake
// costs a map lookup, not a database round trip. Each entry is trusted for
// `recheckMs`; revocations that other nodes announce evict entries at once.
import type { UserRecord } from '../store/records.ts';

export interface CachedSession {
  sessionId: string;
  user: UserRecord;
  /** When the store last confirmed it (performance.now()). */
  checkedAt: number;
  /** When it was last recorded as seen in the store (Date.now()). */
  seenAt: number;
}

/** Entries kept at most; the least recently used go first. */
const CAPACITY = 50_000;

export class SessionCache {
  readonly #entries = new Map<string, CachedSession>();
  /** Session ids the store did not know (or refused), with when it said so. */
  readonly #refused = new Map<string, number>();
  readonly #byUser = new Map<string, Set<string>>();

  get(sessionId: string): CachedSession | undefined {
    const entry = this.#entries.get(sessionId);
    if (entry) {
      // Map order is insertion order: re-inserting makes it the most recent.
      this.#entries.delete(sessionId);
      this.#entries.set(sessionId, entry);
    }
    return entry;
  }

  refusedAt(sessionId: string): number | undefined {
    return this.#refused.get(sessionId);
  }

  set(entry: CachedSession): void {
    this.delete(entry.sessionId);
    this.#refused.delete(entry.sessionId);
    this.#entries.set(entry.sessionId, entry);
    const ids = this.#byUser.get(entry.user.id) ?? new Set<string>();
    this.#byUser.set(entry.user.id, ids);
    ids.add(entry.sessionId);
    const oldest = this.#entries.keys().next();
    if (this.#entries.size > CAPACITY && !oldest.done) this.delete(oldest.value);
  }

  refuse(sessionId: string, at: number): void {
    this.delete(sessionId);
    this.#refused.set(sessionId, at);
    const oldest = this.#refused.keys().next();
    if (this.#refused.size > CAPACITY && !oldest.done) this.#refused.delete(oldest.value);
  }

  delete(sessionId: string): void {
    const entry = this.#entries.get(sessionId);
    if (!entry) return;
    this.#entries.delete(sessionId);
    const ids = this.#byUser.get(entry.user.id);
    ids?.delete(sessionId);
    if (ids?.size === 0) this.#byUser.delete(entry.user.id);
  }

  /** The cached sessions of a user. */
  sessionsOf(userId: string): string[] {
    return [...(this.#byUser.get(userId) ?? [])];
  }
}
