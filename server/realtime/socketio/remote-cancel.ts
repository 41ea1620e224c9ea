// Cancelling a job another node runs (scaled mode), through Socket.IO's
// adapter as the bus between nodes: the requesting node has checked the role;
// the one holding the job answers.
import type { Logger } from 'pino';
import { type Job, jobIdSchema } from '../../../shared/protocol.ts';
import type { CancelElsewhere, Generation } from '../../generation/generation.ts';
import { idArg } from '../events/serve.ts';
import type { SocketIoTransport } from './socketio-server.ts';

/** Answers other nodes' cancel requests for the jobs this node runs. */
export function answerRemoteCancel(socketIo: SocketIoTransport, generation: Generation, logger: Logger): void {
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

/**
 * Longer than the adapter's own wait for answers (5 s): while Redis is away the
 * adapter never answers at all (its count of nodes waits in the client's queue).
 */
const CANCEL_ANSWER_MS = 6_000;

/**
 * Generation's way to cancel a job another node runs (scaled mode): ask them
 * all, take the answer of the one holding it. Null (the job's node did not
 * answer: `unavailable`) when Redis is away, without asking.
 */
export function cancelOnOtherNodes(socketIo: () => SocketIoTransport, redisReady: () => boolean, logger: Logger): CancelElsewhere {
  return (roomId, jobId) => {
    if (!redisReady()) return Promise.resolve(null);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        logger.warn({ roomId, jobId }, 'no answer to a cancel request');
        resolve(null);
      }, CANCEL_ANSWER_MS);
      const answer = (job: Job | null) => {
        clearTimeout(timer);
        resolve(job);
      };
      const onAnswers = (err: Error | null, answers: Array<Job | null>) => {
        // A node that did not answer in time (a dead one) does not matter if the one holding the job did.
        if (err) logger.warn({ err, roomId, jobId, answers: answers.length }, 'not every node answered a cancel request');
        answer(answers.find((job) => job !== null) ?? null);
      };
      // The adapter itself, not io.serverSideEmit, which drops the promise: it
      // rejects when Redis is lost mid-request, and must not go unhandled.
      const asked: unknown = socketIo().io.of('/').adapter.serverSideEmit(['gen:cancel', roomId, jobId, onAnswers]);
      Promise.resolve(asked).catch((err: unknown) => {
        logger.warn({ err, roomId, jobId }, 'cancel request not sent');
        answer(null);
      });
    });
  };
}
