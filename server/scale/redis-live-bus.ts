// Live commands (server/live/bus.ts) between nodes over Redis pub/sub, one
// channel. The sender applies its own command at once and skips its echo.
// Pub/sub forgets what it cannot deliver: each node's sweep of its listed
// rooms (server/live/live-rooms.ts) catches an unlisting it missed.
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

  constructor(deps: RedisLiveBusDeps) {
    const { prefix, ...redis } = deps;
    this.#channel = new RedisChannel({ ...redis, channel: `${prefix}live`, schema: liveCommandSchema, what: 'live command' });
  }

  start(): Promise<void> {
    return this.#channel.start();
  }

  close(): Promise<void> {
    return this.#channel.close();
  }

  async publish(command: LiveCommand): Promise<void> {
    this.#channel.deliver(command);
    await this.#channel.publish(command);
  }

  subscribe(handler: (command: LiveCommand) => void): void {
    this.#channel.subscribe(handler);
  }
}
