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
