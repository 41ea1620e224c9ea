// Scaled mode: how much the Socket.IO adapter may keep for the other nodes
// while Redis is out of reach. node-redis keeps every command sent to a client
// that is not ready in its queue, without limit, until Redis is back: the
// adapter's stream entries (every room event this node sends: jobs' progress,
// gallery, live and social events) would pile up in memory for as long as an
// outage lasts. node-redis' own bounds do not fit: `commandsQueueMaxLength`
// counts the whole client's commands, in flight too (the relay's, the limits'
// and the heartbeats' share it, and it bites with Redis up), and
// `disableOfflineQueue` keeps nothing at all, so a blip of a second would lose
// what a short outage now delivers when Redis returns.
//
// The live and session buses publish through the same view (redis-channel.ts),
// within the same budget: a grant's or a sign-out's message to the other nodes
// waits with the room events, and their sweeps re-read what a dropped one said.
//
// So the adapter's commands sent while Redis is away wait in node-redis' queue
// up to a count and a byte budget; past either, the oldest waiting is taken
// back out of the queue (node-redis drops a command whose abort signal fires
// before it is written) and counted. The oldest go first: of a job's events
// the last (its final state) matters most, and the stream keeps only its last
// ~10,000 entries anyway. This node's own clients are unaffected: they hear
// its broadcasts before the adapter publishes (adapter-local.ts). What was
// dropped is told to the listeners, and so is Redis coming back, so that what
// the other nodes missed can be sent again (socketio/adapter-resend.ts).
import type { Logger } from 'pino';
import { Listeners, type Subscribable } from '../listeners.ts';
import { sameFor, withMethods } from './client-view.ts';
import type { Redis } from './redis-client.ts';

export interface OutboxLimits {
  /** Commands the adapter may have waiting for Redis. */
  maxCommands: number;
  /** Bytes of their arguments (the encoded broadcasts). */
  maxBytes: number;
}

/** The adapter's writes; its reads are a connection of their own (`duplicate()`), one blocking XREAD at a time. */
const WRITES = ['xAdd', 'publish', 'sPublish', 'set'];

interface Waiting {
  readonly controller: AbortController;
  readonly command: string;
  readonly args: readonly unknown[];
  readonly bytes: number;
}

/** A command taken out of the queue unsent. */
export interface DroppedCommand {
  /** The client method called (`xAdd`, `publish`, …) and its arguments. */
  command: string;
  args: readonly unknown[];
  bytes: number;
}

export interface OutboxEvents {
  dropped?(dropped: DroppedCommand): void;
  /**
   * Redis is back after an outage: whatever was kept is queued ahead of any
   * command sent from here on, so one sent now reaches Redis after all of it.
   */
  resumed?(): void;
}

export interface OutboxDeps {
  redis: Redis;
  limits: OutboxLimits;
  logger: Logger;
}

export class AdapterOutbox {
  readonly #deps: OutboxDeps;
  /** Commands sent while Redis was away and not yet answered, oldest first. */
  readonly #waiting = new Set<Waiting>();
  #bytes = 0;
  /** Whether this outage's first drop was logged (one warning per outage). */
  #warned = false;
  readonly #listeners: Listeners<OutboxEvents>;

  constructor(deps: OutboxDeps) {
    this.#deps = deps;
    this.#listeners = new Listeners(deps.logger, 'adapter outbox');
    deps.redis.on('ready', () => {
      this.#warned = false;
      this.#listeners.emit('resumed');
    });
  }

  get events(): Subscribable<OutboxEvents> {
    return this.#listeners;
  }

  /** Commands waiting for Redis now, and their bytes. */
  get waiting(): { commands: number; bytes: number } {
    return { commands: this.#waiting.size, bytes: this.#bytes };
  }

  /** The command client as the adapter should see it: its writes bounded while Redis is away. */
  client(): Redis {
    const redis = this.#deps.redis;
    return withMethods(
      redis,
      sameFor(
        WRITES,
        (call, command) =>
          (...args) =>
            redis.isReady || !redis.isOpen ? call(...args) : this.#send(command, args),
      ),
    );
  }

  #send(command: string | symbol, args: unknown[]): unknown {
    const entry: Waiting = { controller: new AbortController(), command: String(command), args, bytes: sizeOf(args) };
    this.#waiting.add(entry);
    this.#bytes += entry.bytes;
    this.#trim();
    const aborting = this.#deps.redis.withAbortSignal(entry.controller.signal) as unknown as Record<string | symbol, unknown>;
    const send = aborting[command] as (...a: unknown[]) => Promise<unknown>;
    const result = send.apply(aborting, args);
    const settled = () => this.#forget(entry);
    result.then(settled, settled);
    return result;
  }

  /** Drops the oldest waiting commands until the rest fit (a command larger than the budget goes at once). */
  #trim(): void {
    const { maxCommands, maxBytes } = this.#deps.limits;
    while (this.#waiting.size > maxCommands || this.#bytes > maxBytes) {
      const [oldest] = this.#waiting;
      if (!oldest) return;
      this.#forget(oldest);
      oldest.controller.abort();
      this.#listeners.emit('dropped', { command: oldest.command, args: oldest.args, bytes: oldest.bytes });
      if (!this.#warned) {
        this.#warned = true;
        this.#deps.logger.warn(
          { maxCommands, maxBytes },
          'redis away: dropping the oldest room events and bus messages kept for other nodes (ADAPTER_OFFLINE_MAX_*); counted in atelier_adapter_dropped_total',
        );
      }
    }
  }

  #forget(entry: Waiting): void {
    if (this.#waiting.delete(entry)) this.#bytes -= entry.bytes;
  }
}

/** Bytes of a command's arguments: strings (UTF-8) and buffers, in arrays and objects (the stream entry's fields). */
export function sizeOf(value: unknown, depth = 0): number {
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (ArrayBuffer.isView(value)) return value.byteLength;
  if (typeof value !== 'object' || value === null || depth > 3) return 0;
  let total = 0;
  for (const item of Array.isArray(value) ? value : Object.values(value)) total += sizeOf(item, depth + 1);
  return total;
}
