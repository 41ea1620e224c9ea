// Socket.IO ↔ generation: `gen:start` and `gen:cancel` checked where they
// enter, and every job change sent to its room as `gen:update`.
import type { Logger } from 'pino';
import { z } from 'zod';
import { type GenCancelAck, genParamsSchema, type GenStartAck, type Job, jobIdSchema } from '../../../shared/protocol.ts';
import { AppError, toWireError } from '../../errors.ts';
import type { CancelElsewhere, Generation } from '../../generation/generation.ts';
import type { Metrics } from '../../metrics.ts';
import { roomChannel, type SocketContext, type SocketIoTransport } from './socketio-server.ts';

const roomIdArg = z.string().max(64);
const startArgs = z.tuple([roomIdArg, genParamsSchema.optional()]);
const cancelArgs = z.tuple([roomIdArg, jobIdSchema]);

type Reply = GenStartAck | GenCancelAck;

interface Deps {
  generation: Generation;
  metrics: Metrics;
  logger: Logger;
  /** Several nodes share rooms through the adapter: cancel requests may need to travel. */
  scaled?: boolean;
}

export function serveGeneration(socketIo: SocketIoTransport, deps: Deps): void {
  const { generation } = deps;
  // `io.to` rather than `io.local.to`: with a cross-node adapter every node's sockets hear it.
  generation.events.add({ jobChanged: (job) => socketIo.io.to(roomChannel(job.roomId)).emit('gen:update', job.roomId, job) });
  if (deps.scaled) answerRemoteCancel(socketIo, deps);

  socketIo.handle((ctx) => {
    ctx.on('gen:start', (...args: unknown[]) =>
      respond(
        ctx,
        deps,
        args,
        { event: 'gen:start', usage: 'gen:start takes (roomId, params, ack)', schema: startArgs },
        async ([roomId, params]) => {
          const { room, participant } = joinedRoom(ctx, roomId);
          const job = await generation.start({ room, user: participant.user, role: participant.role, params: params ?? {} });
          return { ok: true, job };
        },
      ),
    );
    ctx.on('gen:cancel', (...args: unknown[]) =>
      respond(
        ctx,
        deps,
        args,
        { event: 'gen:cancel', usage: 'gen:cancel takes (roomId, jobId, ack)', schema: cancelArgs },
        async ([roomId, jobId]) => {
          const { participant } = joinedRoom(ctx, roomId);
          const job = await generation.cancel({ roomId, role: participant.role, jobId });
          return { ok: true, job };
        },
      ),
    );
  });
}

/**
 * A job runs on the node that accepted it; a participant on another node may
 * still cancel it. The request goes to every other node through the adapter
 * (the requesting node has checked the role); the one holding the job answers.
 */
function answerRemoteCancel(socketIo: SocketIoTransport, { generation, logger }: Deps): void {
  const { io } = socketIo;
  io.on('gen:cancel', (roomId, jobId, ack) => {
    if (typeof ack !== 'function') return;
    if (!roomIdArg.safeParse(roomId).success || !jobIdSchema.safeParse(jobId).success) return ack(null);
    try {
      ack(generation.cancelHere(roomId, jobId));
    } catch (err) {
      logger.info({ err, roomId, jobId }, 'remote cancel refused');
      ack(null);
    }
  });
}

/** Generation's way to cancel a job another node runs (scaled mode): ask them all, take the answer of the one holding it. */
export function cancelOnOtherNodes(socketIo: () => SocketIoTransport, logger: Logger): CancelElsewhere {
  return (roomId, jobId) =>
    new Promise((resolve) => {
      const { io } = socketIo();
      // Answers are awaited for the adapter's requestsTimeout (5 s).
      io.serverSideEmit('gen:cancel', roomId, jobId, (err: Error | null, answers: Array<Job | null>) => {
        // A node that did not answer in time (a dead one) does not matter if the one holding the job did.
        if (err) logger.warn({ err, roomId, jobId, answers: answers.length }, 'not every node answered a cancel request');
        resolve(answers.find((job) => job !== null) ?? null);
      });
    });
}

function joinedRoom(ctx: SocketContext, roomId: string) {
  const joined = ctx.joined(roomId);
  if (!joined) throw new AppError('forbidden', 'join the room first');
  return joined;
}

/**
 * Runs one acknowledged event: rate limit, argument check, handler, and a typed
 * error in the ack (or as `room:error` when the client sent no ack).
 */
async function respond<S extends z.ZodType>(
  ctx: SocketContext,
  deps: Deps,
  args: unknown[],
  { event, usage, schema }: { event: string; usage: string; schema: S },
  handler: (parsed: z.infer<S>) => Promise<Reply>,
): Promise<void> {
  const ack = typeof args[args.length - 1] === 'function' ? (args.pop() as (res: Reply) => void) : undefined;
  const roomId = typeof args[0] === 'string' ? args[0].slice(0, 64) : '';
  // Over the rate, allow() has already sent a (throttled) room:error.
  if (!ctx.allow()) return ack?.({ ok: false, error: { code: 'rate_limited', message: 'too many messages' } });
  try {
    const parsed = schema.safeParse(args);
    if (!parsed.success) throw new AppError('bad_request', describe(parsed.error, usage));
    const reply = await handler(parsed.data);
    ack?.(reply);
  } catch (err) {
    if (!ack) return ctx.fail(roomId, err);
    if (!(err instanceof AppError)) deps.logger.error({ err, roomId }, `${event} failed`);
    const error = toWireError(err);
    deps.metrics.errors.inc({ code: error.code });
    ack({ ok: false, error });
  }
}

/** The first problem, named by its place: `params.size: Invalid option…`. */
function describe(error: z.ZodError, usage: string): string {
  const issue = error.issues[0];
  if (!issue || issue.path.length === 0) return usage;
  const [position, ...rest] = issue.path;
  const where = position === 0 ? 'roomId' : ['params', ...rest].join('.');
  return `${where}: ${issue.message}`;
}
