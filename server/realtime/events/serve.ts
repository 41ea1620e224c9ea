// One way to serve a client's event, whatever module adds it and whatever
// transport carries it (Socket.IO, or the Yjs WebSocket with `?events=1`):
// the message rate, the arguments checked against a tuple schema, the handler,
// and its answer in the acknowledgement (`{ok: true, …}` or `{ok: false,
// error}`), or, when the client sent no ack, a refusal as `room:error`.
import type { Logger } from 'pino';
import { z } from 'zod';
import { AppError, toWireError } from '../../errors.ts';
import type { Metrics } from '../../metrics.ts';
import type { EventContext } from './event-context.ts';

/** How one event is served. */
export interface EventSpec<S extends z.ZodType, R extends object, C extends EventContext = EventContext> {
  /** The arguments before the acknowledgement, as a tuple. */
  args: S;
  /** What each argument is called, for the error of a bad one (`params.size: …`). */
  names: readonly string[];
  /** The error when the arguments do not fit at all (`gen:start takes (roomId, params, ack)`). */
  usage: string;
  /** The answer's content besides `ok: true`, for the connection `ctx`. Throw an AppError to refuse. */
  handle(args: z.infer<S>, ctx: C): R | Promise<R>;
  /** Runs once the answer went out (the join greeting follows the join's answer). */
  after?(result: R, args: z.infer<S>, ctx: C): void;
}

export interface EventTools {
  metrics: Metrics;
  logger: Logger;
}

/** An event's handler, one per server: the connection's context comes as an argument. */
export type ServedEvent<C extends EventContext = EventContext> = (ctx: C, args: unknown[]) => Promise<void>;

/**
 * An id as a client sends it: any short string. Handlers check the real format
 * where it matters (an unknown room is `not_found`, not a bad request).
 */
export const idArg = z.string().max(64);

// Argument tuples several events share, built once: a zod schema is ~1 KB of heap.
/** No arguments (anything after them is ignored). */
export const noArgs = z.tuple([]).rest(z.unknown());
/** One id. */
export const idArgs = z.tuple([idArg]);
/** One id, anything after it ignored. */
export const idFirstArgs = z.tuple([idArg]).rest(z.unknown());

type AckFn = (res: object) => void;

/** Takes a trailing acknowledgement callback off the arguments, if the client sent one. */
export function takeAck(args: unknown[]): AckFn | undefined {
  const last = args[args.length - 1];
  if (typeof last !== 'function') return undefined;
  args.pop();
  return (res) => Reflect.apply(last, undefined, [res]);
}

export const TOO_MANY = { code: 'rate_limited', message: 'too many messages' } as const;

/** The handler for `event` on every connection; it never throws or rejects (every failure is answered). */
export function served<S extends z.ZodType, R extends object, C extends EventContext = EventContext>(
  tools: EventTools,
  event: string,
  spec: EventSpec<S, R, C>,
): ServedEvent<C> {
  return async (ctx, args) => {
    const ack = takeAck(args);
    // Whatever the client sent, only a string goes back as the room (an object's toString may throw).
    const roomId = typeof args[0] === 'string' ? args[0].slice(0, 64) : '';
    // Over the rate, allow() has told the client already; an ack still gets its answer.
    if (!ctx.allow()) return ack?.({ ok: false, error: TOO_MANY });
    let parsed: z.infer<S>;
    let result: R;
    try {
      const checked = spec.args.safeParse(args);
      if (!checked.success) throw new AppError('bad_request', describe(checked.error, spec));
      parsed = checked.data;
      // After the sender's earlier edits (a publish sent right after adding a layer finds the layer): docs/protocol.md, "Order".
      const earlier = ctx.connection.settled();
      if (earlier) await earlier;
      result = await spec.handle(parsed, ctx);
    } catch (err) {
      if (!ack) return ctx.failed(roomId, err);
      if (!(err instanceof AppError)) tools.logger.error({ err, roomId }, `${event} failed`);
      const error = toWireError(err);
      tools.metrics.errors.inc({ code: error.code });
      return ack({ ok: false, error });
    }
    ack?.({ ok: true, ...result });
    spec.after?.(result, parsed, ctx);
  };
}

/** The usage and the first problem, named by its place: `gen:start takes (…): params.size: Invalid option…`. */
function describe(error: z.ZodError, { names, usage }: { names: readonly string[]; usage: string }): string {
  const issue = error.issues[0];
  if (!issue || issue.path.length === 0) return usage;
  const [position, ...rest] = issue.path;
  const name = typeof position === 'number' ? names[position] : undefined;
  if (name === undefined) return usage;
  return `${usage}: ${[name, ...rest.map(String)].join('.')}: ${issue.message}`;
}
