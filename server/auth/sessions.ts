// Server-side sessions: creating them, turning a token into its session and
// user (from a cache on the hot path), listing and revoking them, and closing
// the open connections of a session the moment it stops working — on this
// node directly, on the others through the session bus, and, should a bus
// message be lost, within `recheckMs` by a sweep over the open connections.
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { SessionInfo } from '../../shared/accounts.ts';
import type { WireError } from '../../shared/protocol.ts';
import { AppError } from '../errors.ts';
import { Listeners, type Subscribable } from '../listeners.ts';
import { randomId } from '../ids.ts';
import type { UserRecord } from '../store/records.ts';
import type { SessionRecord, SessionStore } from '../store/sessions.ts';
import type { SessionBus, SessionEvent } from './session-bus.ts';
import { type CachedSession, SessionCache } from './session-cache.ts';
import type { TokenSigner } from './tokens.ts';

export interface SessionsOptions {
  store: SessionStore;
  tokens: TokenSigner;
  bus: SessionBus;
  /** How long a cached session is trusted before the store is asked again; also the sweep's period. */
  recheckMs: number;
  /** A session unused this long expires. */
  ttlMs: number;
  /** Working sessions one user may hold; the least recently seen go past it. */
  maxPerUser: number;
  logger: Logger;
}

export interface Authenticated {
  sessionId: string;
  user: UserRecord;
  /** Presented as a token of the first format: the caller should get one of the current format. */
  legacy: boolean;
}

/** Which open connections to end: every one of a session, or of a user. */
export type ConnectionMatch = { sessionId: string } | { userId: string };

/** This node's open connections, as the transports keep them. */
export interface OpenConnections {
  /** Ids of the sessions that have a connection open here. */
  sessionIds(): Iterable<string>;
  /** Ends the matching connections on every transport, telling each client `error`. */
  end(match: ConnectionMatch, error: WireError): void;
}

/** Last seen is written at most this often per session. */
const TOUCH_MS = 60_000;
const PRUNE_MS = 60 * 60_000;
/**
 * Session ids per sweep query, each query in a turn of its own: 1,300 open
 * connections' sessions asked in one turn (three queries of 500) held every
 * message read meanwhile behind them, every `recheckMs` (docs/benchmarks.md,
 * "Live rooms").
 */
const SWEEP_CHUNK = 100;
const USER_AGENT_MAX = 300;
const SIGNED_OUT: WireError = { code: 'unauthorized', message: 'this session was signed out' };

/** Hears of a profile changed on any node (name, colour, handle). */
export interface ProfileListener {
  userChanged(userId: string): void;
}

export class Sessions {
  readonly #profileChanges: Listeners<ProfileListener>;
  readonly #o: SessionsOptions;
  readonly #cache = new SessionCache();
  readonly #loading = new Map<string, Promise<CachedSession | null>>();
  #connections: OpenConnections | null = null;
  #timers: NodeJS.Timeout[] = [];
  #sweeping = false;

  constructor(options: SessionsOptions) {
    this.#o = options;
    this.#profileChanges = new Listeners(options.logger, 'profile change');
    options.bus.subscribe((event) => this.#apply(event));
  }

  /** Told of every profile change, made here or on another node. */
  get profileChanges(): Subscribable<ProfileListener> {
    return this.#profileChanges;
  }

  /** Starts the sweep over open connections and the hourly pruning of expired sessions. */
  start(): void {
    this.#timers = [setInterval(() => void this.#sweep(), this.#o.recheckMs), setInterval(() => void this.#prune(), PRUNE_MS)];
    for (const timer of this.#timers) timer.unref();
  }

  close(): void {
    for (const timer of this.#timers) clearInterval(timer);
    this.#timers = [];
  }

  /** A new session for the user; returns its id and token. */
  async create(userId: string, userAgent: string | undefined): Promise<{ sessionId: string; token: string }> {
    const now = Date.now();
    const session: SessionRecord = {
      id: randomId(),
      userId,
      createdAt: new Date(now).toISOString(),
      lastSeenAt: new Date(now).toISOString(),
      expiresAt: new Date(now + this.#o.ttlMs).toISOString(),
      userAgent: cleanUserAgent(userAgent),
      legacy: false,
    };
    const displaced = await this.#o.store.createSession(session, this.#o.maxPerUser);
    if (displaced.length > 0) await this.#publish({ type: 'revoked', sessionIds: displaced });
    return { sessionId: session.id, token: this.#o.tokens.sign(session.id) };
  }

  /** The token of a session (a migrated one gets a token of the current format). */
  token(sessionId: string): string {
    return this.#o.tokens.sign(sessionId);
  }

  /** The session a token names and its user, when it works; null for a missing, forged, revoked or expired one. */
  async authenticate(token: unknown, userAgent?: string): Promise<Authenticated | null> {
    const parsed = this.#o.tokens.parse(token);
    if (!parsed) return null;
    const id = parsed.sessionId;
    const now = performance.now();
    const cached = this.#cache.get(id);
    const presentedLegacy = parsed.kind === 'legacy';
    if (cached && now - cached.checkedAt < this.#o.recheckMs) return toAuthenticated(cached, presentedLegacy);
    const refused = this.#cache.refusedAt(id);
    if (refused !== undefined && now - refused < this.#o.recheckMs) return null;
    let loading = this.#loading.get(id);
    if (!loading) {
      loading = this.#load(id, parsed.kind === 'legacy' ? parsed : null, userAgent).finally(() => this.#loading.delete(id));
      this.#loading.set(id, loading);
    }
    let found: CachedSession | null;
    try {
      found = await loading;
    } catch (err) {
      // The store is away: a session seen lately goes on working (revocations still arrive
      // by the bus); one never seen cannot be checked.
      this.#o.logger.warn({ err }, 'sessions cannot be checked; the store is unreachable');
      if (cached) return toAuthenticated(cached, presentedLegacy);
      throw new AppError('unavailable', 'signing in cannot be checked right now; try again shortly', { cause: err });
    }
    return found && toAuthenticated(found, presentedLegacy);
  }

  /** The user's working sessions, most recently seen first. */
  async list(userId: string, currentSessionId: string | null): Promise<SessionInfo[]> {
    const sessions = await this.#o.store.listSessions(userId, new Date().toISOString());
    return sessions.map((s) => ({
      id: s.id,
      createdAt: s.createdAt,
      lastSeenAt: s.lastSeenAt,
      userAgent: s.userAgent,
      current: s.id === currentSessionId,
    }));
  }

  /** Signs one of the user's sessions out everywhere; false when they have no such session. */
  async revoke(userId: string, sessionId: string): Promise<boolean> {
    if (!(await this.#o.store.revokeSession(userId, sessionId, new Date().toISOString()))) return false;
    await this.#publish({ type: 'revoked', sessionIds: [sessionId] });
    return true;
  }

  /** Signs every session of the user out but `exceptId`; returns the ids signed out. */
  async revokeAll(userId: string, exceptId?: string): Promise<string[]> {
    const ids = await this.#o.store.revokeUserSessions(userId, new Date().toISOString(), exceptId);
    await this.#publish({ type: 'revoked', sessionIds: ids });
    // Sessions of the first format that were never migrated have no row: the user event reaches their caches.
    if (exceptId === undefined) await this.#publish({ type: 'user-revoked', userId });
    return ids;
  }

  /**
   * Every session of the user stopped working (the account was deleted, or a
   * moderator suspended the user): caches and connections everywhere follow.
   */
  async userRevoked(userId: string): Promise<void> {
    await this.#publish({ type: 'user-revoked', userId });
  }

  /** The user's profile changed: every node forgets its cached copy. */
  async userChanged(userId: string): Promise<void> {
    await this.#publish({ type: 'user-changed', userId });
  }

  /**
   * The node's open connections, once the transports exist: a session that
   * stops working has its connections ended, and the sweep checks theirs.
   */
  serve(connections: OpenConnections): void {
    this.#connections = connections;
  }

  async #load(
    id: string,
    legacy: { userId: string; issuedAt: number } | null,
    userAgent: string | undefined,
  ): Promise<CachedSession | null> {
    const { store, ttlMs } = this.#o;
    const checkedAt = performance.now();
    const now = Date.now();
    if (legacy) {
      await store.migrateLegacySession({
        id,
        userId: legacy.userId,
        issuedAt: new Date(legacy.issuedAt).toISOString(),
        seenAt: new Date(now).toISOString(),
        expiresAt: new Date(now + ttlMs).toISOString(),
        userAgent: cleanUserAgent(userAgent),
      });
    }
    const found = await store.activeSession(id, new Date(now).toISOString());
    if (!found) {
      this.#cache.refuse(id, checkedAt);
      this.#end({ sessionId: id });
      return null;
    }
    const seenAt = Date.parse(found.session.lastSeenAt);
    const entry: CachedSession = { sessionId: id, user: found.user, checkedAt, seenAt };
    if (now - seenAt >= TOUCH_MS) {
      entry.seenAt = now;
      const agent = userAgent === undefined ? undefined : cleanUserAgent(userAgent);
      store
        .touchSession(id, new Date(now).toISOString(), new Date(now + ttlMs).toISOString(), agent)
        .catch((err: unknown) => this.#o.logger.warn({ err }, 'recording a session as seen failed'));
    }
    this.#cache.set(entry);
    return entry;
  }

  async #publish(event: SessionEvent): Promise<void> {
    // This node acts at once; the bus may deliver it here again, which changes nothing more.
    this.#apply(event);
    try {
      await this.#o.bus.publish(event);
    } catch (err) {
      this.#o.logger.warn({ err, event: event.type }, 'session event not sent to other nodes; their sweeps will catch up');
    }
  }

  #apply(event: SessionEvent): void {
    switch (event.type) {
      case 'revoked':
        for (const id of event.sessionIds) {
          this.#cache.refuse(id, performance.now());
          this.#end({ sessionId: id });
        }
        return;
      case 'user-revoked':
        for (const id of this.#cache.sessionsOf(event.userId)) this.#cache.refuse(id, performance.now());
        this.#end({ userId: event.userId });
        return;
      case 'user-changed':
        for (const id of this.#cache.sessionsOf(event.userId)) this.#cache.delete(id);
        this.#profileChanges.emit('userChanged', event.userId);
        return;
      case 'blocked':
        // Rooms act on it (BlockEviction); sessions go on working.
        return;
      default:
        event satisfies never;
    }
  }

  #end(match: ConnectionMatch): void {
    try {
      this.#connections?.end(match, SIGNED_OUT);
    } catch (err) {
      this.#o.logger.error({ err }, 'ending signed-out connections failed');
    }
  }

  /** Asks the store about every session with an open connection here; closes those that stopped working. */
  async #sweep(): Promise<void> {
    const ids = [...new Set(this.#connections?.sessionIds() ?? [])];
    if (this.#sweeping || ids.length === 0) return;
    this.#sweeping = true;
    try {
      const now = new Date().toISOString();
      for (let i = 0; i < ids.length; i += SWEEP_CHUNK) {
        if (i > 0) await nextTurn();
        const chunk = ids.slice(i, i + SWEEP_CHUNK);
        const working = await this.#o.store.workingSessions(chunk, now);
        for (const id of chunk) {
          if (working.has(id)) continue;
          this.#cache.refuse(id, performance.now());
          this.#end({ sessionId: id });
        }
      }
    } catch (err) {
      this.#o.logger.warn({ err }, 'session sweep failed; retrying next period');
    } finally {
      this.#sweeping = false;
    }
  }

  async #prune(): Promise<void> {
    try {
      await this.#o.store.pruneSessions(new Date().toISOString());
    } catch (err) {
      this.#o.logger.warn({ err }, 'pruning expired sessions failed');
    }
  }
}

function toAuthenticated(entry: CachedSession, presentedLegacy: boolean): Authenticated {
  return { sessionId: entry.sessionId, user: entry.user, legacy: presentedLegacy };
}

/** What is kept of a User-Agent header: printable, bounded. */
export function cleanUserAgent(value: string | undefined): string {
  return (value ?? '').replace(/\p{Cc}/gu, '').slice(0, USER_AGENT_MAX);
}
