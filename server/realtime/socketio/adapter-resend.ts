// Scaled mode: a job's `gen:update` that this node's adapter dropped while
// Redis was away (past ADAPTER_OFFLINE_MAX_*, scale/adapter-outbox.ts) never
// reaches the other nodes, and a job whose last update was dropped would show
// its earlier state there until each participant joined again. So the node
// remembers which jobs it dropped an update of and, once Redis is back, sends
// each one's state again, to its room on every node (its own clients hear that
// state once more, unchanged).
//
// The node that dropped the update sends it, not the nodes that missed it: a
// job's updates all leave from the node running it, in order on one
// connection, so the state sent again reaches every node after what was kept
// (queued ahead of it) and before anything newer of the job (sent after it);
// and only that node knows a running job's progress, which is never stored.
import type { Logger } from 'pino';
import { MessageType } from 'socket.io-adapter';
import { z } from 'zod';
import { jsonOrUndefined } from '../../../shared/json-text.ts';
import type { Job } from '../../../shared/protocol.ts';
import type { DroppedCommand, OutboxEvents } from '../../scale/adapter-outbox.ts';
import type { Broadcast } from '../events/broadcast.ts';
import { roomChannel } from '../events/channels.ts';

/** Socket.IO's packet type of an event (socket.io-parser's EVENT). */
const EVENT_PACKET = 2;

/**
 * A stream entry as the streams adapter writes it: the message's JSON in
 * `data` (msgpack in base64 when it holds binary, which no job update does).
 */
const entrySchema = z.object({ nsp: z.literal('/'), type: z.literal(String(MessageType.BROADCAST)), data: z.string().startsWith('{') });
const jobUpdateSchema = z.object({
  packet: z.object({ type: z.literal(EVENT_PACKET), data: z.tuple([z.literal('gen:update'), z.string(), z.object({ id: z.string() })]) }),
});

export interface JobStates {
  /** The job as this node would tell it now (generation.ts): at once for one it runs. */
  jobNow(jobId: string): Job | Promise<Job | undefined>;
}

export interface DroppedJobUpdatesDeps {
  jobs: JobStates;
  broadcast: Broadcast;
  logger: Logger;
}

export class DroppedJobUpdates implements OutboxEvents {
  readonly #deps: DroppedJobUpdatesDeps;
  /** Jobs an update of which was dropped since Redis was last back. */
  readonly #pending = new Set<string>();

  constructor(deps: DroppedJobUpdatesDeps) {
    this.#deps = deps;
  }

  dropped(dropped: DroppedCommand): void {
    const jobId = droppedJobUpdate(dropped);
    if (jobId !== undefined) this.#pending.add(jobId);
  }

  /** Sends each such job's state again; the ones running here in this call, before anything else of theirs. */
  async resumed(): Promise<void> {
    const jobIds = [...this.#pending];
    this.#pending.clear();
    await Promise.all(jobIds.map((jobId) => this.#resend(jobId)));
  }

  async #resend(jobId: string): Promise<void> {
    try {
      const now = this.#deps.jobs.jobNow(jobId);
      const job = now instanceof Promise ? await now : now;
      if (job) this.#deps.broadcast.to(roomChannel(job.roomId)).emit('gen:update', job.roomId, job);
    } catch (err) {
      // Sent when Redis is next back; until then the other nodes show what they last heard.
      this.#pending.add(jobId);
      this.#deps.logger.warn({ err, jobId }, 'could not send again a job update dropped while Redis was away');
    }
  }
}

/** The id of the job whose `gen:update` a dropped adapter command carried; undefined for anything else. */
export function droppedJobUpdate({ command, args }: DroppedCommand): string | undefined {
  if (command !== 'xAdd') return undefined;
  const entry = entrySchema.safeParse(args[2]);
  if (!entry.success) return undefined;
  const update = jobUpdateSchema.safeParse(jsonOrUndefined(entry.data.data));
  return update.success ? update.data.packet.data[2].id : undefined;
}
