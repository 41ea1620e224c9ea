// Live commands (server/live/bus.ts) between nodes over Redis pub/sub, one
// channel. The sender applies its own command at once and skips its echo.
// Pub/sub forgets what it cannot deliver: each node's sweep of its listed
// rooms (server/live/live-rooms.ts) catches an unlisting it missed, and its
// sweep of the rooms it holds (server/live/live-access.ts), run again as soon
// as the subscriber connection is back, a closing or deletion.
import type { Logger } from 'pino';
import { type LiveBus, type LiveCommand, liveCommandSchema } from '../live/bus.ts';
import type { Redis } from './redis-client.ts';
import { RedisChannel } from './redis-channel.ts';

export interface RedisLiveBusDeps {
  publisher: Redis;
  /** A connection in subscriber mode. */
  subscriber: Redis;
  prefix: string;
  processId: string;
  logger: Logger;
}

export class RedisLiveBus implements LiveBus {
  readonly #channel: RedisChannel<LiveCommand>;
  readonly #subscriber: Redis;
  readonly #resumed: Array<() => void> = [];

  constructor(deps: RedisLiveBusDeps) {
    this.#subscriber = deps.subscriber;
    const { prefix, ...redis } = deps;
    this.#channel = new RedisChannel({ ...redis, channel: `${prefix}live`, schema: liveCommandSchema, what: 'live command' });
  }

  start(): Promise<void> {
    // Connected by now: each later 'ready' ends an outage, during which what others published was lost.
    this.#subscriber.on('ready', this.#onReady);
    return this.#channel.start();
  }

  close(): Promise<void> {
    this.#subscriber.off('ready', this.#onReady);
    return this.#channel.close();
  }

  /** Heard each time the subscriber connection comes back: commands published while it was away never arrive. */
  onResumed(handler: () => void): void {
    this.#resumed.push(handler);
  }

  readonly #onReady = (): void => {
    for (const handler of this.#resumed) handler();
  };

  /** Applied here at once; resolves without waiting for Redis (redis-channel.ts). */
  async publish(command: LiveCommand): Promise<void> {
    this.#channel.deliver(command);
    this.#channel.publish(command);
  }

  subscribe(handler: (command: LiveCommand) => void): void {
    this.#channel.subscribe(handler);
  }
}
