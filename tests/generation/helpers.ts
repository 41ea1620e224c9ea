// Generation from a client's side: start and cancel jobs, watch `gen:update`,
// read candidates from a synced doc.
import type * as Y from 'yjs';
import type { AtelierClientSocket } from '../../client/realtime/socketio-provider.ts';
import { type Candidate, ROOTS } from '../../shared/doc-schema.ts';
import type { GenCancelAck, GenParams, GenStartAck, Job, JobStatus } from '../../shared/protocol.ts';
import { waitFor } from '../helpers/server.ts';

export function genStart(socket: AtelierClientSocket, roomId: string, params: GenParams): Promise<GenStartAck> {
  return socket.timeout(10_000).emitWithAck('gen:start', roomId, params);
}

export function genCancel(socket: AtelierClientSocket, roomId: string, jobId: string): Promise<GenCancelAck> {
  return socket.timeout(10_000).emitWithAck('gen:cancel', roomId, jobId);
}

/** Starts a job that must be accepted; returns it. */
export async function startJob(socket: AtelierClientSocket, roomId: string, params: GenParams): Promise<Job> {
  const res = await genStart(socket, roomId, params);
  if (!res.ok) throw new Error(`gen:start refused: ${res.error.code}: ${res.error.message}`);
  return res.job;
}

export interface Updates {
  all: Job[];
  of(jobId: string): Job[];
  latest(jobId: string): Job | undefined;
  statuses(jobId: string): JobStatus[];
  /** Waits until the job reaches this status and returns it. */
  until(jobId: string, status: JobStatus, timeoutMs?: number): Promise<Job>;
}

/** Records every `gen:update` the socket receives from now on. */
export function watchJobs(socket: AtelierClientSocket): Updates {
  const all: Job[] = [];
  socket.on('gen:update', (_roomId, job) => all.push(job));
  const of = (jobId: string) => all.filter((j) => j.id === jobId);
  const updates: Updates = {
    all,
    of,
    latest: (jobId) => of(jobId).at(-1),
    statuses: (jobId) =>
      of(jobId)
        .map((j) => j.status)
        .filter((s, i, list) => list[i - 1] !== s),
    until: async (jobId, status, timeoutMs = 20_000) => {
      await waitFor(
        () => {
          const latest = updates.latest(jobId);
          if (latest && latest.status !== status && !['queued', 'running'].includes(latest.status)) {
            throw new Error(`job ended ${latest.status} (${JSON.stringify(latest.error)}), expected ${status}`);
          }
          return latest?.status === status;
        },
        timeoutMs,
        `job ${jobId} to be ${status}`,
      );
      return updates.latest(jobId)!;
    },
  };
  return updates;
}

export function candidates(doc: Y.Doc): Candidate[] {
  return doc
    .getArray<Y.Map<unknown>>(ROOTS.candidates)
    .toArray()
    .map((m) => m.toJSON() as Candidate);
}
