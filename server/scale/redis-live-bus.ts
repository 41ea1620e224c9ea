// Live commands (server/live/bus.ts) between nodes over Redis pub/sub, one
// channel. The sender applies its own command at once and skips its echo.
// Pub/sub forgets what it cannot deliver: each node's sweep of its listed
// rooms (server/live/live-rooms.ts) catches an unlisting it missed.
import type { Logger } from 'pino';
import { z } from 'zod';
import { type LiveBus, type LiveCommand, liveCommandSchema } from '../live/bus.ts';
import type { Redis } from './redis-client.ts';

const envelopeSchema = z.strictObject({ sender: z.string().max(200), command: liveCommandSchema });

export interface RedisLiveBusDeps {
  publisher: Redis;
  /** A connection in subscriber mode. */
  subscriber: Redis;
  prefix: string;
  processId: string;
  logger: Logger;
}

export class RedisLiveBus implements LiveBus {
  readonly #d: RedisLiveBusDeps;
  readonly #channel: string;
  readonly #handlers: Array<(command: LiveCommand) => void> = [];
  readonly #listener = (message: string) => this.#receive(message);

  constructor(deps: RedisLiveBusDeps) {
    this.#d = deps;
    this.#channel = `${deps.prefix}live`;
  }

  async start(): Promise<void> {
    await this.#d.subscriber.subscribe(this.#channel, this.#listener);
  }

  async close(): Promise<void> {
    if (this.#d.subscriber.isReady) await this.#d.subscriber.unsubscribe(this.#channel, this.#listener);
  }

  async publish(command: LiveCommand): Promise<void> {
    this.#deliver(command);
    await this.#d.publisher.publish(this.#channel, JSON.stringify({ sender: this.#d.processId, command }));
  }

  subscribe(handler: (command: LiveCommand) => void): void {
    this.#handlers.push(handler);
  }

  #receive(message: string): void {
    let parsed: z.infer<typeof envelopeSchema>;
    try {
      parsed = envelopeSchema.parse(JSON.parse(message));
    } catch (err) {
      this.#d.logger.warn({ err }, 'malformed live command dropped');
      return;
    }
    if (parsed.sender !== this.#d.processId) this.#deliver(parsed.command);
  }

  #deliver(command: LiveCommand): void {
    for (const handler of this.#handlers) {
      try {
        handler(command);
      } catch (err) {
        this.#d.logger.error({ err }, 'live command handler failed');
      }
    }
  }
}
