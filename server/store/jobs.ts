// Generation jobs as records: what was asked, by whom, on which node, and how
// it ended. One implementation per backend (SQLite now, PostgreSQL later).
import type { Job, JobError, JobStatus } from '../../shared/protocol.ts';

/** A job as stored: the wire job plus the node that runs it. */
export interface JobRecord extends Job {
  /** `config.nodeId` of the process that accepted and runs the job. */
  nodeId: string;
  /** When the record last changed; lets a sweeper tell a stalled job from a busy one. */
  updatedAt: string;
}

/** Statuses a job can still leave. */
export const ACTIVE_JOB_STATUSES: readonly JobStatus[] = ['queued', 'running'];

export function isActive(status: JobStatus): boolean {
  return status === 'queued' || status === 'running';
}

export interface FailUnfinished {
  /** Only this node's jobs; every node's when undefined (a single-node store). */
  nodeId?: string;
  error: JobError;
  finishedAt: string;
}

export interface JobStore {
  create(job: JobRecord): Promise<void>;
  /**
   * Saves the job's current state. A job already finished (succeeded, failed,
   * cancelled) is never changed again; returns false when nothing was saved.
   */
  save(job: JobRecord): Promise<boolean>;
  get(id: string): Promise<JobRecord | null>;
  /** The room's active jobs and its latest finished ones (`recent` of them), newest first. */
  listForRoom(roomId: string, recent: number): Promise<JobRecord[]>;
  /** Fails every queued or running job (of one node); returns the jobs it changed. */
  failUnfinished(options: FailUnfinished): Promise<JobRecord[]>;
  /** Nodes that hold queued or running jobs, for the liveness sweeper of scaled mode to check. */
  unfinishedNodes(): Promise<string[]>;
  /** Every user who ever requested a job in the room, in order of their first job. */
  requesters(roomId: string): Promise<string[]>;
}
