// Session events between nodes over Redis pub/sub (one channel): a sign-out on
// one node evicts the session from every node's cache and closes its sockets
// there. Pub/sub forgets what it cannot deliver; each node's sweep over its
// open connections (SESSION_RECHECK_MS) catches what a lost message missed.
import type { Logger } from 'pino';
import { type SessionBus, type SessionEvent, sessionEventSchema } from '../auth/session-bus.ts';
import type { Redis } from './redis-client.ts';
import { RedisChannel } from './redis-channel.ts';

export interface RedisSessionBusDeps {
  publisher: Redis;
  subscriber: Redis;
  prefix: string;
  /** This process's id: its own messages come back and are skipped. */
  processId: string;
  logger: Logger;
}

export class RedisSessionBus implements SessionBus {
  readonly #channel: RedisChannel<SessionEvent>;

  constructor(deps: RedisSessionBusDeps) {
    const { prefix, ...redis } = deps;
    this.#channel = new RedisChannel({ ...redis, channel: `${prefix}sessions`, schema: sessionEventSchema, what: 'session event' });
  }

  /** Subscribes the channel; resolves once Redis confirmed. */
  start(): Promise<void> {
    return this.#channel.start();
  }

  close(): Promise<void> {
    return this.#channel.close();
  }

  // The publishing node applies its events itself (Sessions does): only the others need them.
  // Resolves without waiting for Redis (redis-channel.ts).
  async publish(event: SessionEvent): Promise<void> {
    this.#channel.publish(event);
  }

  subscribe(handler: (event: SessionEvent) => void): void {
    this.#channel.subscribe(handler);
  }
}
