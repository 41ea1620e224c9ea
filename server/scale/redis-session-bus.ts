// Session events between nodes over Redis pub/sub (one channel): a sign-out on
// one node evicts the session from every node's cache and closes its sockets
// there. Pub/sub forgets what it cannot deliver; each node's sweep over its
// open connections (SESSION_RECHECK_MS) catches what a lost message missed.
import type { Logger } from 'pino';
import { z } from 'zod';
import { type SessionBus, type SessionEvent, sessionEventSchema } from '../auth/session-bus.ts';
import type { Redis } from './redis-client.ts';

const envelopeSchema = z.strictObject({ sender: z.string().max(200), event: sessionEventSchema });

export interface RedisSessionBusDeps {
  publisher: Redis;
  subscriber: Redis;
  prefix: string;
  /** This process's id: its own messages come back and are skipped. */
  processId: string;
  logger: Logger;
}

export class RedisSessionBus implements SessionBus {
  readonly #d: RedisSessionBusDeps;
  readonly #channel: string;
  readonly #handlers: Array<(event: SessionEvent) => void> = [];
  readonly #listener = (message: string) => this.#receive(message);

  constructor(deps: RedisSessionBusDeps) {
    this.#d = deps;
    this.#channel = `${deps.prefix}sessions`;
  }

  /** Subscribes the channel; resolves once Redis confirmed. */
  async start(): Promise<void> {
    await this.#d.subscriber.subscribe(this.#channel, this.#listener);
  }

  async close(): Promise<void> {
    if (this.#d.subscriber.isReady) await this.#d.subscriber.unsubscribe(this.#channel, this.#listener);
  }

  async publish(event: SessionEvent): Promise<void> {
    // The publishing node applies its events itself (Sessions does): only the others need them.
    await this.#d.publisher.publish(this.#channel, JSON.stringify({ sender: this.#d.processId, event }));
  }

  subscribe(handler: (event: SessionEvent) => void): void {
    this.#handlers.push(handler);
  }

  #receive(message: string): void {
    let parsed: z.infer<typeof envelopeSchema>;
    try {
      parsed = envelopeSchema.parse(JSON.parse(message));
    } catch (err) {
      this.#d.logger.warn({ err }, 'malformed session event dropped');
      return;
    }
    if (parsed.sender === this.#d.processId) return;
    for (const handler of this.#handlers) {
      try {
        handler(parsed.event);
      } catch (err) {
        this.#d.logger.error({ err }, 'session event handler failed');
      }
    }
  }
}
