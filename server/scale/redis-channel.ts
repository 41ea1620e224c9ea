// One Redis pub/sub channel carrying one kind of message between nodes, the
// primitive under RedisLiveBus and RedisSessionBus. Each message travels in an
// envelope naming the sending process, so a node skips its own echo; whatever
// does not parse is logged and dropped, and a throwing handler stops only itself.
// Pub/sub forgets what it cannot deliver: each user of a channel keeps its own sweep.
// A publish never waits for Redis: while it is away the message waits in the
// command client's queue, bounded with the adapter's (adapter-outbox.ts), so
// the request that caused it (a grant, a sign-out) is answered at once.
import type { Logger } from 'pino';
import { z } from 'zod';
import { Listeners } from '../listeners.ts';
import type { Redis } from './redis-client.ts';

export interface RedisChannelDeps<T> {
  publisher: Redis;
  /** A connection in subscriber mode. */
  subscriber: Redis;
  /** The full channel name, prefix included. */
  channel: string;
  /** This process's id: its own messages come back and are skipped. */
  processId: string;
  /** Checks every message that arrives; what fails it is dropped. */
  schema: z.ZodType<T>;
  /** Names the messages in log lines ("live command", "session event"). */
  what: string;
  logger: Logger;
}

interface ChannelListener<T> {
  message?(value: T): void;
}

export class RedisChannel<T> {
  readonly #d: RedisChannelDeps<T>;
  readonly #envelope: z.ZodType<{ sender: string; body: T }>;
  readonly #handlers: Listeners<ChannelListener<T>>;
  readonly #listener = (message: string) => this.#receive(message);

  constructor(deps: RedisChannelDeps<T>) {
    this.#d = deps;
    this.#envelope = z.strictObject({ sender: z.string().max(200), body: deps.schema });
    this.#handlers = new Listeners(deps.logger, `${deps.what} channel`);
  }

  /** Subscribes the channel; resolves once Redis confirmed. */
  async start(): Promise<void> {
    await this.#d.subscriber.subscribe(this.#d.channel, this.#listener);
  }

  async close(): Promise<void> {
    if (!this.#d.subscriber.isReady) return;
    // Unanswered (Redis paused: redis-answers.ts) is as good: the connection is closed next.
    await this.#d.subscriber
      .unsubscribe(this.#d.channel, this.#listener)
      .catch((err: unknown) => this.#d.logger.debug({ err }, `${this.#d.what} channel not unsubscribed`));
  }

  /**
   * Sends to the other nodes only, without waiting for Redis (a message that
   * cannot be sent is logged); `deliver` is how this node hears its own message, if it should.
   */
  publish(value: T): void {
    this.#d.publisher
      .publish(this.#d.channel, JSON.stringify({ sender: this.#d.processId, body: value }))
      .catch((err: unknown) => this.#d.logger.debug({ err }, `${this.#d.what} not sent to the other nodes; their sweeps catch up`));
  }

  /** Hands a message to this node's handlers, as if it had arrived. */
  deliver(value: T): void {
    this.#handlers.emit('message', value);
  }

  subscribe(handler: (value: T) => void): void {
    this.#handlers.add({ message: handler });
  }

  #receive(message: string): void {
    let parsed: { sender: string; body: T };
    try {
      parsed = this.#envelope.parse(JSON.parse(message));
    } catch (err) {
      this.#d.logger.warn({ err }, `malformed ${this.#d.what} dropped`);
      return;
    }
    if (parsed.sender !== this.#d.processId) this.deliver(parsed.body);
  }
}
