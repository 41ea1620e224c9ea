// Generation's events, on both transports: `gen:start` and `gen:cancel`
// checked where they enter, and every job change sent to its room as
// `gen:update` (events/broadcast.ts: every node, both transports).
import { z } from 'zod';
import { genParamsSchema, jobIdSchema } from '../../../shared/protocol.ts';
import type { Generation } from '../../generation/generation.ts';
import type { Broadcast } from './broadcast.ts';
import { roomChannel } from './channels.ts';
import type { EventRegistry } from './event-registry.ts';
import { idArg } from './serve.ts';

const startArgs = z.tuple([idArg, genParamsSchema.optional()]);
const cancelArgs = z.tuple([idArg, jobIdSchema]);

export function serveGeneration(events: EventRegistry, broadcast: Broadcast, generation: Generation): void {
  generation.events.add({ jobChanged: (job) => broadcast.to(roomChannel(job.roomId)).emit('gen:update', job.roomId, job) });

  events.serve('gen:start', {
    args: startArgs,
    names: ['roomId', 'params'],
    usage: 'gen:start takes (roomId, params, ack)',
    handle: async ([roomId, params], ctx) => {
      const { room, participant } = ctx.joined(roomId);
      return { job: await generation.start({ room, user: participant.user, role: participant.role, params: params ?? {} }) };
    },
  });
  events.serve('gen:cancel', {
    args: cancelArgs,
    names: ['roomId', 'jobId'],
    usage: 'gen:cancel takes (roomId, jobId, ack)',
    handle: async ([roomId, jobId], ctx) => {
      const { participant } = ctx.joined(roomId);
      return { job: await generation.cancel({ roomId, role: participant.role, jobId }) };
    },
  });
}
