// Server events for other nodes' Yjs WebSockets that opted into events
// (server/realtime/events/broadcast.ts), over Redis pub/sub, one channel: each
// emit once, its arguments already JSON as the event frame carries them. The
// sender delivers to its own connections itself and skips its echo. Socket.IO
// sockets hear the same emit through the adapter, not through here.
// Pub/sub forgets what it cannot deliver (a node cut off from Redis misses
// what was sent meanwhile); a job's next `gen:update` carries its whole state.
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Redis } from './redis-client.ts';
import { RedisChannel } from './redis-channel.ts';

/** One emit: to the connections on `channels` but not on `except`. */
export const remoteEmitSchema = z.strictObject({
  channels: z.array(z.string().max(200)).max(10_000),
  except: z.array(z.string().max(200)).max(10_000),
  event: z.string().max(64),
  /** `JSON.stringify(args)`. */
  args: z.string(),
});
export type RemoteEmit = z.infer<typeof remoteEmitSchema>;

export interface RedisEventBusDeps {
  publisher: Redis;
  /** A connection in subscriber mode. */
  subscriber: Redis;
  prefix: string;
  processId: string;
  logger: Logger;
}

export class RedisEventBus {
  readonly #channel: RedisChannel<RemoteEmit>;
  readonly #logger: Logger;

  constructor(deps: RedisEventBusDeps) {
    const { prefix, ...redis } = deps;
    this.#logger = deps.logger;
    this.#channel = new RedisChannel({ ...redis, channel: `${prefix}events`, schema: remoteEmitSchema, what: 'server event' });
  }

  start(): Promise<void> {
    return this.#channel.start();
  }

  close(): Promise<void> {
    return this.#channel.close();
  }

  /** To the other nodes; a failure (Redis lost, or closed at shutdown) is logged, never thrown. */
  publish(emit: RemoteEmit): void {
    this.#channel
      .publish(emit)
      .catch((err: unknown) => this.#logger.warn({ err, event: emit.event }, 'server event not sent to other nodes'));
  }

  subscribe(handler: (emit: RemoteEmit) => void): void {
    this.#channel.subscribe(handler);
  }
}
