// Socket.IO ↔ generation: `gen:start` and `gen:cancel` checked where they
// enter, and every job change sent to its room as `gen:update`.
import type { Logger } from 'pino';
import { z } from 'zod';
import { genParamsSchema, type Job, jobIdSchema } from '../../../shared/protocol.ts';
import type { CancelElsewhere, Generation } from '../../generation/generation.ts';
import type { Metrics } from '../../metrics.ts';
import { idArg } from './serve.ts';
import { roomChannel, type SocketIoTransport } from './socketio-server.ts';

const startArgs = z.tuple([idArg, genParamsSchema.optional()]);
const cancelArgs = z.tuple([idArg, jobIdSchema]);

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

  socketIo.serve('gen:start', {
    args: startArgs,
    names: ['roomId', 'params'],
    usage: 'gen:start takes (roomId, params, ack)',
    handle: async ([roomId, params], ctx) => {
      const { room, participant } = ctx.joined(roomId);
      return { job: await generation.start({ room, user: participant.user, role: participant.role, params: params ?? {} }) };
    },
  });
  socketIo.serve('gen:cancel', {
    args: cancelArgs,
    names: ['roomId', 'jobId'],
    usage: 'gen:cancel takes (roomId, jobId, ack)',
    handle: async ([roomId, jobId], ctx) => {
      const { participant } = ctx.joined(roomId);
      return { job: await generation.cancel({ roomId, role: participant.role, jobId }) };
    },
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
    if (!idArg.safeParse(roomId).success || !jobIdSchema.safeParse(jobId).success) return ack(null);
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
