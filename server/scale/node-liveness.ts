// Which nodes are alive: each node renews a key with a time-to-live every
// heartbeat, and sweeps, on the same beat, the nodes it has reason to care
// about (peers in its rooms, owners of running jobs). A node whose key has
// expired is dead: each listener hears of it once.
import type { Logger } from 'pino';
import { Listeners, type Subscribable } from '../listeners.ts';
import type { AnswerEvents } from './redis-answers.ts';
import type { Redis } from './redis-client.ts';

/** Ids of nodes to watch, asked on every sweep (relay peers, owners of running jobs). */
export type WatchSource = () => Iterable<string> | Promise<Iterable<string>>;
export interface LivenessEvents {
  /** A watched node's heartbeat expired; awaited in turn, once per death. */
  nodeDown?(nodeId: string): void | Promise<void>;
  /**
   * This node's own heartbeat lapsed longer than the timeout (its process was
   * starved or frozen, or it was cut off from Redis): the others may have found
   * it dead and failed its jobs. Heard on the beat that ends the lapse, and once
   * more a timeout later, for a sweep that read the lapse but acted after; and
   * while Redis stays out of reach, once every timeout from when it lapsed
   * (the store may well be reachable: the jobs others fail stop meanwhile). Not awaited.
   */
  lapsed?(gapMs: number): void | Promise<void>;
}

export interface NodeLivenessDeps {
  /** Not ready while Redis is away or paused (redis-answers.ts). */
  client: Redis;
  /** Redis answering again after a pause: like a reconnection, nobody may have beaten meanwhile. */
  answers?: Subscribable<AnswerEvents>;
  prefix: string;
  /** This process's id, unique per process (see scale.ts). */
  nodeId: string;
  /** What others may read about this node (its NODE_ID, start time). */
  info: Record<string, string>;
  heartbeatMs: number;
  timeoutMs: number;
  logger: Logger;
}

export class NodeLiveness {
  readonly #deps: NodeLivenessDeps;
  readonly #sources: WatchSource[] = [];
  readonly #listeners: Listeners<LivenessEvents>;
  /** Reported dead and not seen since: each death is reported once. */
  readonly #down = new Set<string>();
  #timer: NodeJS.Timeout | undefined;
  #readySince: number;
  #sweeping: Promise<void> | undefined;
  /** When the last beat that Redis took was sent: its key lives `timeoutMs` from then, at least. */
  #lastBeatSent: number | undefined;
  #recheck: NodeJS.Timeout | undefined;
  /** When a lapse was last told while cut off from Redis. */
  #cutOffToldAt = Number.NEGATIVE_INFINITY;
  readonly #unlisten: () => void;

  constructor(deps: NodeLivenessDeps) {
    this.#deps = deps;
    this.#listeners = new Listeners(deps.logger, 'node liveness');
    this.#readySince = deps.client.isReady ? performance.now() : Number.POSITIVE_INFINITY;
    deps.client.on('ready', this.#onReady);
    this.#unlisten = deps.answers?.add({ resumed: this.#onReady }) ?? (() => undefined);
  }

  key(nodeId: string): string {
    return `${this.#deps.prefix}node:${nodeId}`;
  }

  watch(source: WatchSource): void {
    this.#sources.push(source);
  }

  get events(): Subscribable<LivenessEvents> {
    return this.#listeners;
  }

  /** Beats once (so this node counts as alive before it serves anyone), then on every heartbeat. */
  async start(): Promise<void> {
    await this.#beat();
    this.#timer = setInterval(() => void this.#tick(), this.#deps.heartbeatMs);
    this.#timer.unref();
  }

  /** One sweep now; for tests and for the interval. */
  async sweep(): Promise<string[]> {
    const { client, timeoutMs, nodeId } = this.#deps;
    // Right after Redis comes back (empty, if it restarted) nobody has beaten
    // yet: a missing key means nothing until every live node had its chance.
    if (!client.isReady || performance.now() - this.#readySince < timeoutMs) return [];
    const candidates = new Set<string>();
    // Each source on its own: a slow store must not keep the relay's peers from being checked.
    const found = await Promise.allSettled(this.#sources.map((source) => withDeadline(source(), timeoutMs)));
    for (const result of found) {
      if (result.status === 'fulfilled') for (const id of result.value) candidates.add(id);
      else this.#deps.logger.warn({ err: result.reason }, 'a liveness watch source failed; checking the others');
    }
    candidates.delete(nodeId);
    if (candidates.size === 0) return [];
    const ids = [...candidates];
    const beats = await client.mGet(ids.map((id) => this.key(id)));
    const dead: string[] = [];
    ids.forEach((id, i) => {
      if (beats[i] !== null) {
        // Beating again: it was only cut off (from Redis, or starved of CPU) longer than the timeout.
        if (this.#down.delete(id)) this.#deps.logger.warn({ node: id }, 'node found dead earlier is beating again');
      } else if (!this.#down.has(id)) {
        dead.push(id);
      }
    });
    for (const id of dead) {
      this.#down.add(id);
      this.#deps.logger.warn({ node: id }, 'node found dead: its heartbeat expired');
      await this.#listeners.emitInOrder('nodeDown', id);
    }
    return dead;
  }

  /** Stops beating and removes this node's key, so others need not wait for it to expire. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    clearTimeout(this.#recheck);
    this.#deps.client.off('ready', this.#onReady);
    this.#unlisten();
    await this.#sweeping;
    if (!this.#deps.client.isReady) return;
    try {
      await this.#deps.client.del(this.key(this.#deps.nodeId));
    } catch (err) {
      this.#deps.logger.warn({ err }, "could not remove this node's heartbeat; it expires by itself");
    }
  }

  #onReady = (): void => {
    this.#readySince = performance.now();
    // Beat at once: Redis may have come back empty, or woken with this node's key expired.
    this.#beat().catch((err: unknown) => this.#deps.logger.warn({ err }, 'heartbeat failed'));
  };

  async #tick(): Promise<void> {
    // The beat never waits for a sweep: a slow sweep must not make this node look dead.
    this.#beat().catch((err: unknown) => this.#deps.logger.warn({ err }, 'heartbeat failed'));
    this.#whileCutOff();
    if (this.#sweeping) return;
    this.#sweeping = (async () => {
      try {
        await this.sweep();
      } catch (err) {
        this.#deps.logger.warn({ err }, 'liveness sweep failed');
      } finally {
        this.#sweeping = undefined;
      }
    })();
    await this.#sweeping;
  }

  /**
   * No beat has reached Redis for longer than the timeout (Redis is out of
   * reach, or answers no more): this node may be found dead and its jobs
   * failed any moment. Told every timeout until a beat goes through again,
   * which tells it once more (#beat).
   */
  #whileCutOff(): void {
    const { timeoutMs } = this.#deps;
    const last = this.#lastBeatSent;
    if (last === undefined) return;
    const now = performance.now();
    if (now - last <= timeoutMs || now - this.#cutOffToldAt < timeoutMs) return;
    // Logged once a lapse (the first time told since the last beat that went through).
    if (this.#cutOffToldAt < last) {
      this.#deps.logger.warn({ timeoutMs }, 'no heartbeat reached Redis within the timeout: others may find this node dead');
    }
    this.#cutOffToldAt = now;
    this.#listeners.emit('lapsed', now - last);
  }

  async #beat(): Promise<void> {
    const { client, nodeId, info, timeoutMs } = this.#deps;
    if (!client.isReady) return;
    const sent = performance.now();
    await client.set(this.key(nodeId), JSON.stringify({ ...info, beatAt: new Date().toISOString() }), { PX: timeoutMs });
    const last = this.#lastBeatSent;
    this.#lastBeatSent = Math.max(sent, last ?? sent);
    // Measured to the answer, not to the send: the key may have expired
    // anywhere in between, and a false alarm costs only a look at the store.
    const gap = last === undefined ? 0 : performance.now() - last;
    if (gap <= timeoutMs) return;
    this.#deps.logger.warn({ gapMs: Math.round(gap), timeoutMs }, "this node's heartbeat lapsed: others may have found it dead");
    this.#listeners.emit('lapsed', gap);
    clearTimeout(this.#recheck);
    this.#recheck = setTimeout(() => this.#listeners.emit('lapsed', gap), timeoutMs);
    this.#recheck.unref();
  }
}

/** The value, or a rejection once `ms` have passed without it. */
async function withDeadline<T>(value: T | Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([value, late]);
  } finally {
    clearTimeout(timer);
  }
}
