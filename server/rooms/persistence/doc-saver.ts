// Appends a room's updates to its log as they arrive: batched per event-loop
// turn, never held back by a debounce, serialised per room, compacted by merge
// once the log passes a size or count threshold.
import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { Listeners } from '../../listeners.ts';
import type { ClientClaim, CompactionResult, DocLog } from '../../store/doc-log.ts';
import { type TurnEnd, turnEnd } from './turn-end.ts';

export interface SaverSettings {
  compactEntries: number;
  compactBytes: number;
  /** Attempts per batch before it is put back to wait for the next write. */
  attempts?: number;
  /**
   * Spread of each room's thresholds (0.2: ±20%), so rooms that started
   * together do not all compact at the same moment.
   */
  jitter?: number;
}

/** What a saver tells (metrics): a listener that throws is logged, never mistaken for a failed append. */
export interface SaverEvents {
  appended?(seconds: number, updates: number, bytes: number): void;
  compacted?(result: CompactionResult, seconds: number): void;
  /**
   * An append attempt or a compaction failed (the saver retries). Reporting it
   * is the listener's job (server/store/outage-log.ts: a store outage is logged
   * once, not once per attempt of every room); the saver logs each at debug.
   */
  failed?(operation: 'append' | 'compact', err: unknown, context: Record<string, unknown>): void;
}

export class DocSaver {
  readonly #roomId: string;
  readonly #log: DocLog;
  readonly #settings: Required<SaverSettings>;
  readonly #compactEntries: number;
  readonly #compactBytes: number;
  #compacting: Promise<void> | null = null;
  readonly #logger: Logger;
  readonly #events: Listeners<SaverEvents> | undefined;
  readonly #turn: TurnEnd;
  #pending: Uint8Array[] = [];
  /** Client ids first used by the pending updates, appended in the same commit. */
  #claims: ClientClaim[] = [];
  /** Updates handed to the log and not yet confirmed. */
  #writing = 0;
  #scheduled = false;
  #chain: Promise<void> = Promise.resolve();
  /** Entries and bytes appended since the log was last compacted. */
  #entriesSince: number;
  #bytesSince: number;

  constructor(
    roomId: string,
    log: DocLog,
    settings: SaverSettings,
    initial: { entries: number; bytes: number },
    logger: Logger,
    events: Listeners<SaverEvents> | undefined = undefined,
    turn: TurnEnd = turnEnd,
  ) {
    this.#turn = turn;
    this.#roomId = roomId;
    this.#log = log;
    this.#settings = { attempts: 4, jitter: 0.2, ...settings };
    const spread = 1 + this.#settings.jitter * (2 * Math.random() - 1);
    this.#compactEntries = Math.max(2, Math.round(this.#settings.compactEntries * spread));
    this.#compactBytes = Math.round(this.#settings.compactBytes * spread);
    // A log of one entry is already compact, whatever its size.
    this.#entriesSince = initial.entries > 1 ? initial.entries : 0;
    this.#bytesSince = initial.entries > 1 ? initial.bytes : 0;
    this.#logger = logger;
    this.#events = events;
  }

  /** Updates accepted but not yet known to be in the log. */
  get unsaved(): number {
    return this.#pending.length + this.#writing;
  }

  add(update: Uint8Array, claims: readonly ClientClaim[] = []): void {
    this.#pending.push(update);
    for (const claim of claims) this.#claims.push(claim);
    if (this.#scheduled) return;
    this.#scheduled = true;
    this.#turn.persist(this.#write);
  }

  /** Writes everything accepted so far; true when nothing is left unsaved. */
  async flush(): Promise<boolean> {
    this.#write();
    await this.#chain;
    await this.#compacting;
    return this.#pending.length === 0;
  }

  #write = (): void => {
    this.#scheduled = false;
    if (this.#pending.length === 0) return;
    const batch = this.#pending;
    const claims = this.#claims;
    this.#pending = [];
    this.#claims = [];
    // With nothing in flight the append starts now, not a microtask later: an
    // embedded log commits before the turn's broadcasts go out (turn-end.ts).
    const idle = this.#writing === 0;
    this.#writing += batch.length;
    const written = idle ? this.#append(batch, claims) : this.#chain.then(() => this.#append(batch, claims));
    this.#chain = written.finally(() => (this.#writing -= batch.length));
  };

  async #append(batch: Uint8Array[], claims: ClientClaim[]): Promise<void> {
    const bytes = batch.reduce((sum, u) => sum + u.byteLength, 0);
    for (let attempt = 1; ; attempt++) {
      const started = performance.now();
      try {
        await this.#log.append(this.#roomId, batch, claims);
        // emit() never throws: a failing listener cannot pass for a failed append (and a second copy).
        this.#events?.emit('appended', (performance.now() - started) / 1000, batch.length, bytes);
        break;
      } catch (err) {
        this.#failed('append', err, { attempt, updates: batch.length });
        if (attempt >= this.#settings.attempts) {
          // Keep them in memory, ahead of newer ones; the next write retries.
          this.#pending = batch.concat(this.#pending);
          this.#claims = claims.concat(this.#claims);
          return;
        }
        await delay(50 * 2 ** attempt);
      }
    }
    this.#entriesSince += batch.length;
    this.#bytesSince += bytes;
    const due = this.#entriesSince >= this.#compactEntries || this.#bytesSince >= this.#compactBytes;
    if (due && !this.#compacting) {
      // Appends go on while it runs: compaction never holds an update back.
      this.#compacting = this.#compact().finally(() => (this.#compacting = null));
    }
  }

  async #compact(): Promise<void> {
    const started = performance.now();
    const entries = this.#entriesSince;
    const bytes = this.#bytesSince;
    try {
      const result = await this.#log.compact(this.#roomId);
      this.#events?.emit('compacted', result, (performance.now() - started) / 1000);
      // What was appended while it ran still counts towards the next one.
      this.#entriesSince -= entries;
      this.#bytesSince -= bytes;
    } catch (err) {
      this.#failed('compact', err, {});
    }
  }

  #failed(operation: 'append' | 'compact', err: unknown, context: Record<string, unknown>): void {
    const where = { roomId: this.#roomId, ...context };
    this.#logger.debug({ err, ...where }, `doc log ${operation} failed`);
    this.#events?.emit('failed', operation, err, where);
  }
}
