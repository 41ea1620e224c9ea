// Generation jobs from request to candidates: checks a request, records the
// job, runs it through its provider under the queue's limits and a deadline,
// stores the images and appends them to the room's candidates. Every change of
// a job goes to the listeners (the transports) and, for state changes, to the store.
import type { Logger } from 'pino';
import { canEdit, type Job } from '../../shared/protocol.ts';
import type { GenerationConfig } from '../config.ts';
import { AppError } from '../errors.ts';
import { randomId } from '../ids.ts';
import { Listeners, type Subscribable } from '../listeners.ts';
import type { MediaStore } from '../media/media-store.ts';
import type { Metrics } from '../metrics.ts';
import type { RateLimiter } from '../rate-limit.ts';
import type { RoomRegistry } from '../rooms/registry.ts';
import { isActive, type JobRecord, type JobStore } from '../store/jobs.ts';
import { commitImages, previewWebp, toWire } from './job-output.ts';
import { failureOutcome, JobStop, type Outcome } from './job-outcome.ts';
import { JobQueue } from './job-queue.ts';
import { type CancelRequest, readEditLayers, resolveJobRequest, type StartRequest } from './job-request.ts';
import { PromptBlocklist } from './prompt-safety.ts';
import type { GenerationRequest, ImageProvider, PreviewImage, ProviderEvent } from './provider.ts';
import type { ProviderRegistry } from './provider-registry.ts';
import type { RoomJobQuota } from './room-quota.ts';

export { MAX_PROMPT_LENGTH } from './job-request.ts';

export interface GenerationDeps {
  config: GenerationConfig;
  nodeId: string;
  /** True when no other node shares the store, so every unfinished job found at start is ours. */
  soleNode: boolean;
  jobs: JobStore;
  media: MediaStore;
  registry: RoomRegistry;
  providers: ProviderRegistry;
  limiter: RateLimiter;
  /** Active jobs per room across nodes (scaled mode); the queue counts this node's. */
  roomQuota: RoomJobQuota;
  metrics: Metrics;
  logger: Logger;
  /** Scaled mode: asks the other nodes to cancel a job one of them runs. */
  cancelElsewhere?: CancelElsewhere;
}

export interface GenerationEvents {
  /** Every change of a job's state or progress (transports, contributors, signals). */
  jobChanged?(job: Job): void;
}

/** Asks the other nodes to cancel a job one of them runs; the job, or null if none has it. */
export type CancelElsewhere = (roomId: string, jobId: string) => Promise<Job | null>;

/** Finished jobs the `room:join` ack carries besides the active ones. */
export const RECENT_JOBS = 20;
/** Smaller progress steps are not worth a message to every participant. */
const PROGRESS_STEP = 0.01;
const MINUTE = 60_000;
/** A room's quota place outlives the job's deadline by this much before it lapses by itself. */
const QUOTA_GRACE_MS = 60_000;

interface LiveJob {
  record: JobRecord;
  provider: ImageProvider;
  request: Omit<GenerationRequest, 'edit'>;
  edit: { image: string; mask?: string } | undefined;
  /** `committing` once images are being stored: too late to cancel. */
  phase: 'queued' | 'running' | 'committing' | 'done';
  previews: Promise<void>;
  saves: Promise<void>;
}

export class Generation {
  readonly #deps: GenerationDeps;
  readonly #queue: JobQueue;
  readonly #blocklist: PromptBlocklist;
  /** Jobs this node holds, until their final state is saved. */
  readonly #live = new Map<string, LiveJob>();
  readonly #listeners: Listeners<GenerationEvents>;
  #closed = false;

  constructor(deps: GenerationDeps) {
    this.#deps = deps;
    this.#blocklist = new PromptBlocklist(deps.config.promptBlocklist);
    this.#listeners = new Listeners(deps.logger, 'generation');
    this.#queue = new JobQueue(
      deps.config,
      (id, err) => deps.logger.error({ err, jobId: id }, 'job run crashed'),
      ({ waiting, running }) => {
        deps.metrics.genJobsActive.set({ state: 'waiting' }, waiting);
        deps.metrics.genJobsActive.set({ state: 'running' }, running);
      },
    );
  }

  get events(): Subscribable<GenerationEvents> {
    return this.#listeners;
  }

  /** Fails the jobs a previous process left queued or running: they can never finish. */
  async recover(): Promise<number> {
    const failed = await this.#deps.jobs.failUnfinished({
      ...(this.#deps.soleNode ? {} : { nodeId: this.#deps.nodeId }),
      error: { code: 'interrupted', message: 'the server stopped while this job was queued or running' },
      finishedAt: new Date().toISOString(),
    });
    if (failed.length > 0) this.#deps.logger.warn({ jobs: failed.length }, 'unfinished jobs marked interrupted');
    return failed.length;
  }

  /**
   * Fails the jobs of another node found dead (scaled mode) and tells the
   * listeners, so every participant sees them end. Any node may do it, several
   * at once: a finished job is never changed again, so each job is failed once.
   */
  async nodeDown(nodeId: string): Promise<number> {
    if (nodeId === this.#deps.nodeId) return 0;
    const failed = await this.#deps.jobs.failUnfinished({
      nodeId,
      error: { code: 'interrupted', message: 'the server running this job went away' },
      finishedAt: new Date().toISOString(),
    });
    if (failed.length > 0) this.#deps.logger.warn({ node: nodeId, jobs: failed.length }, 'jobs of a dead node marked interrupted');
    for (const record of failed) {
      void this.#deps.roomQuota.release(record.roomId, record.id);
      this.#tell(toWire(record));
    }
    return failed.length;
  }

  /**
   * This node's heartbeat lapsed (scaled mode): others may have found it dead and
   * failed its jobs. Those the store holds finished end here as stored, for every
   * participant. One read per job held, and only after a lapse.
   */
  async heartbeatLapsed(): Promise<number> {
    const check = (live: LiveJob) =>
      this.#endedElsewhere(live).catch((err: unknown) => {
        this.#deps.logger.warn({ err, jobId: live.record.id }, 'could not check a job after a heartbeat lapse');
        return false;
      });
    const ended = await Promise.all([...this.#live.values()].map(check));
    return ended.filter(Boolean).length;
  }

  async start({ room, user, role, params }: StartRequest): Promise<Job> {
    const { config, providers, limiter, jobs } = this.#deps;
    if (this.#closed) throw new AppError('unavailable', 'the server is shutting down');
    if (!canEdit(role)) throw new AppError('forbidden', 'viewers cannot start generations');
    const { provider, prompt, params: resolved, request, edit } = resolveJobRequest(room.doc, params, user, providers, this.#blocklist);
    if (!(await limiter.take(`gen:${user.id}`, { limit: config.userJobsPerMinute, windowMs: MINUTE }))) {
      throw new AppError('rate_limited', `you can start ${config.userJobsPerMinute} generations a minute; wait a little`);
    }

    const id = randomId();
    const { roomQuota } = this.#deps;
    if (!(await roomQuota.acquire(room.id, id, config.roomQueueLimit, 2 * config.timeoutMs + QUOTA_GRACE_MS))) {
      throw new AppError('rate_limited', `this room already has ${config.roomQueueLimit} jobs queued or running; wait for one to finish`);
    }
    try {
      this.#queue.reserve(id, room.id);
    } catch (err) {
      void roomQuota.release(room.id, id);
      throw err;
    }
    const now = new Date().toISOString();
    const record: JobRecord = {
      id,
      roomId: room.id,
      status: 'queued',
      progress: 0,
      prompt,
      params: resolved,
      requestedBy: user.id,
      createdAt: now,
      nodeId: this.#deps.nodeId,
      updatedAt: now,
    };
    try {
      await jobs.create(record);
    } catch (err) {
      this.#queue.release(id);
      void roomQuota.release(room.id, id);
      throw err;
    }
    const live: LiveJob = {
      record,
      provider,
      request: { ...request, jobId: id },
      edit,
      phase: 'queued',
      previews: Promise.resolve(),
      saves: Promise.resolve(),
    };
    this.#live.set(id, live);
    const snapshot = toWire(record);
    this.#emit(live);
    if (!this.#queue.enqueue(id, (signal) => this.#run(live, signal), { name: provider.name, limit: provider.concurrency })) {
      this.#finish(live, { status: 'failed', error: { code: 'interrupted', message: 'the server stopped before the job ran' } });
    }
    return snapshot;
  }

  /**
   * Cancels a queued or running job of the room. Cancelling a finished job
   * changes nothing and answers its final state.
   */
  async cancel({ roomId, role, jobId }: CancelRequest): Promise<Job> {
    if (!canEdit(role)) throw new AppError('forbidden', 'viewers cannot cancel generations');
    const here = this.cancelHere(roomId, jobId);
    if (here) return here;
    const stored = await this.#deps.jobs.get(jobId);
    if (!stored || stored.roomId !== roomId) throw new AppError('not_found', 'no such job in this room');
    if (!isActive(stored.status)) return toWire(stored);
    const elsewhere = await this.#deps.cancelElsewhere?.(roomId, jobId);
    if (elsewhere) return elsewhere;
    throw new AppError('unavailable', `the job runs on another node (${stored.nodeId}), which did not answer`);
  }

  /**
   * Cancels the job if this node holds it (the caller checked the role);
   * null when it is not here. Throws when it is too late to cancel.
   */
  cancelHere(roomId: string, jobId: string): Job | null {
    const live = this.#live.get(jobId);
    if (!live || live.record.roomId !== roomId) return null;
    if (live.phase === 'committing') throw new AppError('bad_request', 'the job is already storing its images');
    if (isActive(live.record.status)) {
      this.#queue.cancel(jobId, new JobStop('cancelled'));
      this.#finish(live, { status: 'cancelled' });
    }
    return toWire(live.record);
  }

  /**
   * A job as this node would tell it now: the live record of one it runs (read
   * at once, so nothing newer has been sent), else the stored one (finished).
   */
  jobNow(jobId: string): Job | Promise<Job | undefined> {
    const live = this.#live.get(jobId);
    return live ? toWire(live.record) : this.#deps.jobs.get(jobId).then((stored) => (stored ? toWire(stored) : undefined));
  }

  /** The room's active and recent jobs, with live progress for the ones this node runs. */
  async roomJobs(roomId: string): Promise<Job[]> {
    const stored = await this.#deps.jobs.listForRoom(roomId, RECENT_JOBS);
    return stored.map((record) => toWire(this.#live.get(record.id)?.record ?? record));
  }

  /** Refuses new jobs, interrupts the ones in flight and waits until their state is saved. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const { dropped, settled } = this.#queue.stop(new JobStop('interrupted'));
    for (const id of dropped) {
      const live = this.#live.get(id);
      if (live) this.#finish(live, { status: 'failed', error: { code: 'interrupted', message: 'the server stopped before the job ran' } });
    }
    await settled;
    await Promise.all([...this.#live.values()].map((live) => live.saves));
  }

  async #run(live: LiveJob, signal: AbortSignal): Promise<void> {
    const { config, metrics } = this.#deps;
    const deadline = AbortSignal.timeout(config.timeoutMs);
    const jobSignal = AbortSignal.any([signal, deadline]);
    const started = performance.now();
    live.phase = 'running';
    Object.assign(live.record, { status: 'running', startedAt: new Date().toISOString() });
    this.#changed(live, true);
    let outcome: Outcome;
    try {
      const edit = live.edit && (await readEditLayers(this.#deps.media, live.edit));
      const images = await live.provider.generate(
        { ...live.request, ...(edit ? { edit } : {}) },
        { signal: jobSignal, onProgress: (event) => this.#progress(live, event) },
      );
      jobSignal.throwIfAborted();
      await live.previews;
      // Another node may have failed it while this one was presumed dead: its images must not land then.
      if (!this.#deps.soleNode && (await this.#endedElsewhere(live))) return;
      live.phase = 'committing';
      const { media, registry, config } = this.#deps;
      const output = { provider: live.provider.name, model: live.request.model };
      outcome = {
        status: 'succeeded',
        results: await commitImages({ media, registry, maxCandidates: config.maxCandidates }, live.record, images, output),
      };
    } catch (err) {
      outcome = failureOutcome(err, signal, deadline, this.#deps.config.timeoutMs);
      if (outcome.status === 'failed' && outcome.error.code === 'internal') {
        this.#deps.logger.error({ err, jobId: live.record.id, provider: live.provider.name }, 'job failed unexpectedly');
      }
    }
    // Previews still being stored must not outlive the job (nor a shutdown).
    await live.previews;
    metrics.genJobSeconds.observe({ provider: live.provider.name }, (performance.now() - started) / 1000);
    this.#finish(live, outcome);
  }

  #progress(live: LiveJob, event: ProviderEvent): void {
    if (live.phase !== 'running') return;
    switch (event.type) {
      case 'progress': {
        const progress = Math.min(1, Math.max(live.record.progress, event.progress));
        if (progress - live.record.progress < PROGRESS_STEP) return;
        live.record.progress = progress;
        this.#changed(live, false);
        return;
      }
      case 'preview':
        // In order, and finished before the job is: a preview never lands after the result.
        live.previews = live.previews.then(() => this.#storePreview(live, event.index, event.image));
        return;
      default:
        event satisfies never;
    }
  }

  async #storePreview(live: LiveJob, index: number, image: PreviewImage): Promise<void> {
    try {
      const stored = await this.#deps.media.put(await previewWebp(image.data), 'webp');
      if (live.phase !== 'running') return;
      const previews = [...(live.record.previews ?? [])];
      previews[index] = stored.url;
      live.record.previews = Array.from(previews, (url) => url ?? '');
      this.#changed(live, true);
    } catch (err) {
      // A preview is a courtesy: the job goes on without it.
      this.#deps.logger.warn({ err, jobId: live.record.id }, 'preview not stored');
    }
  }

  #finish(live: LiveJob, outcome: Outcome): void {
    const { record } = live;
    if (!isActive(record.status)) return;
    live.phase = 'done';
    void this.#deps.roomQuota.release(record.roomId, record.id);
    Object.assign(record, outcome, { finishedAt: new Date().toISOString() });
    if (outcome.status === 'succeeded') record.progress = 1;
    this.#deps.metrics.genJobs.inc({ provider: live.provider.name, status: outcome.status });
    this.#changed(live, true);
    void live.saves.then(() => {
      if (this.#live.get(record.id) === live) this.#live.delete(record.id);
    });
  }

  /**
   * True when the store holds the job finished by someone else (a node that
   * found this one dead): the job then stops here, ends as stored, and the
   * listeners hear the stored state. A finished job is never changed again.
   */
  async #endedElsewhere(live: LiveJob): Promise<boolean> {
    const stored = await this.#deps.jobs.get(live.record.id);
    if (!stored || isActive(stored.status)) return false;
    const ours = live.record;
    if (stored.status === ours.status && stored.finishedAt === ours.finishedAt) return false;
    const wasActive = isActive(ours.status);
    live.phase = 'done';
    live.record = { ...stored };
    if (wasActive) {
      this.#queue.cancel(stored.id, new JobStop('interrupted'));
      this.#deps.metrics.genJobs.inc({ provider: live.provider.name, status: stored.status });
    }
    this.#deps.logger.warn({ jobId: stored.id, status: stored.status }, 'job finished elsewhere while this node was presumed dead');
    this.#emit(live);
    void live.saves.then(() => {
      if (this.#live.get(stored.id) === live) this.#live.delete(stored.id);
    });
    return true;
  }

  /** Tells the listeners; saves state changes (not every progress step) in order. */
  #changed(live: LiveJob, save: boolean): void {
    live.record.updatedAt = new Date().toISOString();
    this.#emit(live);
    if (!save) return;
    const snapshot = { ...live.record };
    live.saves = live.saves.then(async () => {
      try {
        // Refused: the store holds it finished already, by a node that found this one dead.
        if (!(await this.#deps.jobs.save(snapshot))) await this.#endedElsewhere(live);
      } catch (err) {
        this.#deps.logger.error({ err, jobId: snapshot.id }, 'job state not saved');
      }
    });
  }

  #emit(live: LiveJob): void {
    this.#tell(toWire(live.record));
  }

  #tell(job: Job): void {
    this.#listeners.emit('jobChanged', job);
  }
}
