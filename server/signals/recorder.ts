// Records creative signals (docs/signals.md) for every user as things happen:
// prompt revisions and generations from the generation module, placements
// and discards from each loaded room's document, publishes, likes, unlikes
// and remixes from the gallery. Consent is not checked here: it decides only
// what an export contains, at the time of the export.
import type { Logger } from 'pino';
import * as Y from 'yjs';
import { readMeta } from '../../shared/doc-schema.ts';
import type { Job, Work } from '../../shared/protocol.ts';
import type { GenerationData, PublishedLayer } from '../../shared/signals.ts';
import type { GalleryListener } from '../gallery/gallery.ts';
import { randomId } from '../ids.ts';
import type { Metrics } from '../metrics.ts';
import { assertNever } from '../rooms/origin.ts';
import type { Room, RoomEvents } from '../rooms/room.ts';
import type { GalleryStore } from '../store/gallery.ts';
import type { JobRecord, JobStore } from '../store/jobs.ts';
import type { NewSignal, SignalStore, StoredOf } from '../store/signals.ts';
import { type CandidateRef, CandidateTracker, type Decision, readTray, type TraySnapshot, unplaced } from './candidate-tracker.ts';
import { diffPrompts } from './prompt-diff.ts';

export interface SignalRecorderDeps {
  store: SignalStore;
  jobs: JobStore;
  gallery: GalleryStore;
  metrics: Metrics;
  logger: Logger;
}

type Outcome = StoredOf<'candidate_outcome'>;

export class SignalRecorder implements RoomEvents, GalleryListener {
  readonly #deps: SignalRecorderDeps;
  readonly #trackers = new WeakMap<Room, CandidateTracker>();
  /** The last task per room (and per work): their signals are worked out in the order they happened. */
  readonly #chains = new Map<string, Promise<void>>();
  readonly #inFlight = new Set<Promise<void>>();

  constructor(deps: SignalRecorderDeps) {
    this.#deps = deps;
  }

  roomLoaded(room: Room): void {
    const roomId = room.id;
    const tracker = new CandidateTracker(room.doc, (decisions, userId) => {
      const at = new Date().toISOString();
      this.#inOrder(roomId, () => this.#decided(roomId, decisions, userId, at));
    });
    this.#trackers.set(room, tracker);
  }

  roomUnloaded(room: Room): void {
    this.#trackers.get(room)?.dispose();
    this.#trackers.delete(room);
  }

  /** For `generation.listen`: every change of every job this node runs. */
  jobChanged(job: Job): void {
    const { status } = job;
    switch (status) {
      case 'queued':
        // A job is announced queued once, when it is accepted: that is its prompt revision.
        this.#inOrder(job.roomId, () => this.#revised(job));
        return;
      case 'running':
        return;
      case 'succeeded':
      case 'failed':
      case 'cancelled':
        this.#inOrder(job.roomId, () => this.#generated(job, status));
        return;
      default:
        assertNever(status);
    }
  }

  published(work: Work): void {
    this.#inOrder(work.roomId, () => this.#published(work));
  }

  reacted(reaction: { workId: string; userId: string; liked: boolean }): void {
    const at = new Date().toISOString();
    const type = reaction.liked ? 'like' : 'unlike';
    // A like and the unlike after it are stored in that order.
    this.#inOrder(`work:${reaction.workId}`, async () => {
      const roomId = await this.#workRoom(reaction.workId);
      if (roomId === null) return;
      await this.#append([
        {
          // Likes come and go: each change is its own event.
          key: `${type}:${reaction.workId}:${reaction.userId}:${randomId()}`,
          type,
          userId: reaction.userId,
          roomId,
          jobId: null,
          at,
          subjects: [],
          data: { workId: reaction.workId },
        },
      ]);
    });
  }

  remixed(remix: { workId: string; userId: string; roomId: string }): void {
    const at = new Date().toISOString();
    this.#inOrder(`work:${remix.workId}`, async () => {
      const roomId = await this.#workRoom(remix.workId);
      if (roomId === null) return;
      await this.#append([
        {
          key: `remix:${remix.roomId}`,
          type: 'remix',
          userId: remix.userId,
          roomId,
          jobId: null,
          at,
          subjects: [],
          data: { workId: remix.workId, remixRoom: remix.roomId },
        },
      ]);
    });
  }

  /** Resolves once every signal heard so far is stored (or has failed and been logged). */
  async idle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.all(this.#inFlight);
  }

  async #revised(job: Job): Promise<void> {
    const previous = await this.#deps.store.latest(job.roomId, 'prompt_revision');
    if (previous?.data.jobId === job.id) return;
    await this.#append([
      {
        key: `prompt:${job.id}`,
        type: 'prompt_revision',
        userId: job.requestedBy,
        roomId: job.roomId,
        jobId: job.id,
        at: job.createdAt,
        subjects: [],
        data: {
          jobId: job.id,
          text: job.prompt,
          previous: previous ? { jobId: previous.data.jobId, at: previous.at } : null,
          diff: diffPrompts(previous?.data.text ?? '', job.prompt),
        },
      },
    ]);
  }

  async #generated(job: Job, status: GenerationData['status']): Promise<void> {
    const { params } = job;
    const span = (from: string | undefined, to: string | undefined) =>
      from === undefined || to === undefined ? null : Math.max(0, Date.parse(to) - Date.parse(from));
    await this.#append([
      {
        key: `generation:${job.id}`,
        type: 'generation',
        userId: job.requestedBy,
        roomId: job.roomId,
        jobId: job.id,
        at: job.finishedAt ?? new Date().toISOString(),
        subjects: [],
        data: {
          jobId: job.id,
          status,
          // The generation module resolves every one of these before a job is accepted.
          provider: params.provider ?? '',
          model: params.model ?? '',
          seed: params.seed ?? 0,
          size: params.size ?? '1024x1024',
          count: params.count ?? 1,
          editLayerId: params.editLayerId ?? null,
          maskLayerId: params.maskLayerId ?? null,
          queuedMs: span(job.createdAt, job.startedAt),
          durationMs: span(job.startedAt, job.finishedAt),
          images: (job.results ?? []).map((image) => image.src),
          error: job.error?.code ?? null,
        },
      },
    ]);
  }

  async #decided(roomId: string, decisions: readonly Decision[], userId: string, at: string): Promise<void> {
    for (const decision of decisions) {
      const job = await this.#jobOf(roomId, decision.candidate);
      if (!job) continue;
      const stored = await this.#append([
        {
          key: `outcome:${decision.candidate.id}:${decision.outcome}`,
          type: 'candidate_outcome',
          userId,
          roomId,
          jobId: job.id,
          at,
          subjects: [],
          data: {
            jobId: job.id,
            candidateId: decision.candidate.id,
            src: decision.candidate.src,
            outcome: decision.outcome,
            layerId: decision.outcome === 'placed' ? decision.layerId : null,
            workId: null,
          },
        },
      ]);
      if (stored > 0) await this.#pair(job, decision.candidate.id);
    }
  }

  /**
   * Pairs the candidate with every candidate of the same job that went the
   * other way. Each candidate counts by its first decision, so undoing a
   * placement and discarding the candidate later makes no contradicting pair.
   */
  async #pair(job: JobRecord, candidateId: string): Promise<void> {
    const first = new Map<string, Outcome>();
    for (const outcome of await this.#deps.store.forJob(job.id, 'candidate_outcome')) {
      if (outcome.data.outcome !== 'left' && !first.has(outcome.data.candidateId)) first.set(outcome.data.candidateId, outcome);
    }
    const mine = first.get(candidateId);
    if (!mine) return;
    const pairs: NewSignal[] = [];
    for (const other of first.values()) {
      if (other.data.outcome === mine.data.outcome) continue;
      const [kept, discarded] = mine.data.outcome === 'placed' ? [mine, other] : [other, mine];
      pairs.push(preferencePair(job, kept, discarded));
    }
    await this.#append(pairs);
  }

  async #published(work: Work): Promise<void> {
    const source = await this.#deps.gallery.getWorkSource(work.id);
    // Deleted before we got to it: its author took it back.
    if (!source) return;
    const at = work.createdAt;
    const { background, tray } = readPublishedState(source.state);
    const layers: PublishedLayer[] = source.layers.map((layer) => ({
      id: layer.id,
      src: layer.src,
      jobId: layer.jobId ?? null,
      visible: layer.visible,
      opacity: layer.opacity,
      blend: layer.blend,
      x: layer.x,
      y: layer.y,
      scale: layer.scale,
      rotation: layer.rotation,
    }));
    const signals: NewSignal[] = [
      {
        key: `publish:${work.id}`,
        type: 'publish',
        userId: work.publishedBy,
        roomId: work.roomId,
        jobId: null,
        at,
        subjects: [],
        data: {
          workId: work.id,
          title: work.title,
          description: work.description,
          prompt: source.prompt,
          width: source.width,
          height: source.height,
          background,
          imageUrl: work.imageUrl,
          remixOf: work.remixOf,
          layers,
        },
      },
    ];
    for (const candidate of unplaced(tray)) {
      const job = await this.#jobOf(work.roomId, candidate);
      if (!job) continue;
      signals.push({
        key: `outcome:${candidate.id}:left:${work.id}`,
        type: 'candidate_outcome',
        userId: work.publishedBy,
        roomId: work.roomId,
        jobId: job.id,
        at,
        subjects: [],
        data: { jobId: job.id, candidateId: candidate.id, src: candidate.src, outcome: 'left', layerId: null, workId: work.id },
      });
    }
    await this.#append(signals);
  }

  /**
   * The job that made this candidate in this room, or null. Editors can write
   * anything into the tray; only what a job of the room made counts.
   */
  async #jobOf(roomId: string, candidate: CandidateRef): Promise<JobRecord | null> {
    const job = await this.#deps.jobs.get(candidate.jobId);
    if (!job || job.roomId !== roomId) return null;
    // The generation module names a job's candidates `<jobId>-<index of its image>`.
    const index = candidate.id.startsWith(`${job.id}-`) ? Number(candidate.id.slice(job.id.length + 1)) : NaN;
    if (!Number.isInteger(index) || index < 0) return null;
    // The results are saved a moment after they reach the tray: until then the id alone vouches for it.
    if (!job.results) return job;
    return job.results[index]?.src === candidate.src ? job : null;
  }

  async #workRoom(workId: string): Promise<string | null> {
    const found = await this.#deps.gallery.getWork(workId);
    if (!found) return null;
    return found.state === 'live' ? found.work.roomId : found.tombstone.roomId;
  }

  /** Stores each signal on its own, so the count of each type is exact; returns how many were new. */
  async #append(signals: readonly NewSignal[]): Promise<number> {
    let stored = 0;
    for (const signal of signals) {
      if ((await this.#deps.store.append([signal])) === 0) continue;
      this.#deps.metrics.signalsRecorded.inc({ type: signal.type });
      stored++;
    }
    return stored;
  }

  /** Runs the task after every earlier one with the same key (a room, or a work's likes). */
  #inOrder(key: string, task: () => Promise<void>): void {
    const previous = this.#chains.get(key) ?? Promise.resolve();
    const next = previous.then(() => this.#guard(key, task));
    this.#chains.set(key, next);
    this.#track(next);
    void next.then(() => {
      if (this.#chains.get(key) === next) this.#chains.delete(key);
    });
  }

  /** A signal that cannot be stored is lost and logged; whatever caused it goes on unharmed. */
  async #guard(subject: string, task: () => Promise<void>): Promise<void> {
    try {
      await task();
    } catch (err) {
      this.#deps.metrics.signalFailures.inc();
      this.#deps.logger.error({ err, subject }, 'signal not recorded');
    }
  }

  #track(promise: Promise<void>): void {
    this.#inFlight.add(promise);
    void promise.then(() => this.#inFlight.delete(promise));
  }
}

function preferencePair(job: JobRecord, kept: Outcome, discarded: Outcome): NewSignal {
  // Whoever decided last completed the pair; the same whichever node works it out.
  const last = kept.seq > discarded.seq ? kept : discarded;
  return {
    key: `pair:${kept.data.candidateId}:${discarded.data.candidateId}`,
    type: 'preference_pair',
    userId: last.userId,
    roomId: job.roomId,
    jobId: job.id,
    at: last.at,
    subjects: [kept.userId, discarded.userId, job.requestedBy],
    data: {
      jobId: job.id,
      prompt: job.prompt,
      requestedBy: job.requestedBy,
      kept: { candidateId: kept.data.candidateId, src: kept.data.src, by: kept.userId, at: kept.at },
      discarded: { candidateId: discarded.data.candidateId, src: discarded.data.src, by: discarded.userId, at: discarded.at },
    },
  };
}

/** The canvas background and the tray (with the layers) of a room as published. */
function readPublishedState(state: Uint8Array): { background: string; tray: TraySnapshot } {
  const doc = new Y.Doc();
  try {
    Y.applyUpdate(doc, state);
    return { background: readMeta(doc).background, tray: readTray(doc) };
  } finally {
    doc.destroy();
  }
}
