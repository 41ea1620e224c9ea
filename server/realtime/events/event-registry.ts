// Every client event's one handler, for both transports: each area serves its
// events here once (serve.ts: rate, argument schema, handler, answer), and
// Socket.IO and the Yjs WebSocket (with `?events=1`) dispatch to them with the
// connection's EventContext. `onConnect` hooks run for every connection that
// can hear events, as soon as it knows who it is.
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { ClientToServerEvents } from '../../../shared/protocol.ts';
import type { Metrics } from '../../metrics.ts';
import { guarded } from '../guard.ts';
import type { EventContext } from './event-context.ts';
import { type EventSpec, type EventTools, served } from './serve.ts';

export type EventHandler = (ctx: EventContext, args: unknown[]) => void;

export class EventRegistry {
  readonly #tools: EventTools;
  readonly #handlers = new Map<string, EventHandler>();
  readonly #onConnect: Array<(ctx: EventContext) => void> = [];

  constructor(tools: { metrics: Metrics; logger: Logger }) {
    this.#tools = tools;
  }

  /** Serves a client event on every connection of both transports; guarded, never fatal. */
  serve<S extends z.ZodType, R extends object>(event: keyof ClientToServerEvents, spec: EventSpec<S, R>): void {
    if (this.#handlers.has(event)) throw new Error(`${event} is served twice`);
    this.#handlers.set(event, guarded(this.#tools.logger, event, served(this.#tools, event, spec)));
  }

  /** The handler of `event`, if one is served. */
  handler(event: string): EventHandler | undefined {
    return this.#handlers.get(event);
  }

  /** Runs for every connection that can hear events from now on, before its first event. */
  onConnect(connected: (ctx: EventContext) => void): void {
    this.#onConnect.push(connected);
  }

  /** A transport's new connection (its identity known): runs the onConnect hooks. */
  connected(ctx: EventContext): void {
    for (const connected of this.#onConnect) connected(ctx);
  }
}
