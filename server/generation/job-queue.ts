// First in, first out, at most `concurrency` at a time, with a cap on waiting
// jobs per node and on active jobs per room, and lanes that run at most so many
// of their jobs at once (a provider's own limit: A1111 renders one at a time).
// A job whose lane is full waits without holding up the jobs of other lanes.
// Knows nothing of images: a job is an id, a room, a lane and a function that
// honours its AbortSignal.
import { AppError } from '../errors.ts';

export interface QueueLimits {
  /** Jobs running at once on this node. */
  concurrency: number;
  /** Jobs waiting (not yet running) on this node. */
  queueLimit: number;
  /** Jobs waiting or running per room. */
  roomQueueLimit: number;
}

export type Run = (signal: AbortSignal) => Promise<void>;

/** Jobs that share a limit of their own. */
export interface Lane {
  name: string;
  limit: number;
}

interface Entry {
  id: string;
  roomId: string;
  lane?: Lane;
  run?: Run;
  controller?: AbortController;
  settled?: Promise<void>;
}

export class JobQueue {
  readonly #limits: QueueLimits;
  readonly #crashed: (id: string, err: unknown) => void;
  /** Every job this queue holds, reserved, waiting or running. */
  readonly #entries = new Map<string, Entry>();
  readonly #waiting: Entry[] = [];
  readonly #perRoom = new Map<string, number>();
  readonly #perLane = new Map<string, number>();
  #running = 0;
  #pumpScheduled = false;
  #stopped = false;
  readonly #changed: (counts: { waiting: number; running: number }) => void;

  /**
   * `crashed` hears a run that rejected: runs report their own failures, so that
   * is a bug. `changed` hears every change of the number of waiting or running jobs.
   */
  constructor(
    limits: QueueLimits,
    crashed: (id: string, err: unknown) => void,
    changed: (counts: { waiting: number; running: number }) => void = () => undefined,
  ) {
    this.#limits = limits;
    this.#crashed = crashed;
    this.#changed = changed;
  }

  get waiting(): number {
    return this.#waiting.length + this.#reservedCount();
  }

  get running(): number {
    return this.#running;
  }

  /** Jobs waiting or running in the room. */
  active(roomId: string): number {
    return this.#perRoom.get(roomId) ?? 0;
  }

  /** Holds a place for a job about to be recorded; throws AppError when a limit is reached. */
  reserve(id: string, roomId: string): void {
    if (this.#stopped) throw new AppError('unavailable', 'the server is shutting down');
    const { queueLimit, roomQueueLimit } = this.#limits;
    if (this.active(roomId) >= roomQueueLimit) {
      throw new AppError('rate_limited', `this room already has ${roomQueueLimit} jobs queued or running; wait for one to finish`);
    }
    if (this.waiting >= queueLimit) {
      throw new AppError('unavailable', `the generation queue is full (${queueLimit} jobs); try again shortly`);
    }
    this.#entries.set(id, { id, roomId });
    this.#perRoom.set(roomId, this.active(roomId) + 1);
  }

  /** Gives up a reservation that never became a job. */
  release(id: string): void {
    const entry = this.#entries.get(id);
    if (entry && !entry.run) this.#forget(entry);
  }

  /**
   * Puts a reserved job in line. It starts on a later turn of the event loop,
   * never inside this call. False (the reservation dropped) once the queue has stopped.
   */
  enqueue(id: string, run: Run, lane?: Lane): boolean {
    const entry = this.#entries.get(id);
    if (!entry || entry.run) throw new Error(`job ${id} was not reserved`);
    if (this.#stopped) {
      this.#forget(entry);
      return false;
    }
    entry.run = run;
    if (lane) entry.lane = lane;
    this.#waiting.push(entry);
    this.#schedule();
    return true;
  }

  /**
   * Takes a waiting job out of line ('waiting'), or aborts a running one with
   * `reason` ('running'; it leaves once its run settles). Null when unknown.
   */
  cancel(id: string, reason: unknown): 'waiting' | 'running' | null {
    const entry = this.#entries.get(id);
    if (!entry?.run) return null;
    if (entry.controller) {
      entry.controller.abort(reason);
      return 'running';
    }
    this.#waiting.splice(this.#waiting.indexOf(entry), 1);
    this.#forget(entry);
    return 'waiting';
  }

  /**
   * Refuses new jobs, takes every waiting job out of line (returning their ids)
   * and aborts the running ones with `reason`; `settled` resolves once they stop.
   */
  stop(reason: unknown): { dropped: string[]; settled: Promise<void> } {
    this.#stopped = true;
    const dropped = this.#waiting.splice(0).map((entry) => {
      this.#forget(entry);
      return entry.id;
    });
    const running = [...this.#entries.values()].filter((entry) => entry.controller);
    for (const entry of running) entry.controller?.abort(reason);
    return { dropped, settled: Promise.all(running.map((entry) => entry.settled)).then(() => undefined) };
  }

  #reservedCount(): number {
    let reserved = 0;
    for (const entry of this.#entries.values()) if (!entry.run) reserved++;
    return reserved;
  }

  #schedule(): void {
    if (this.#pumpScheduled) return;
    this.#pumpScheduled = true;
    setImmediate(() => {
      this.#pumpScheduled = false;
      this.#pump();
    });
    this.#countsChanged();
  }

  /** Jobs of the lane running now. */
  runningIn(lane: string): number {
    return this.#perLane.get(lane) ?? 0;
  }

  #pump(): void {
    for (let i = 0; i < this.#waiting.length && !this.#stopped && this.#running < this.#limits.concurrency; ) {
      const entry = this.#waiting[i];
      const run = entry?.run;
      if (!entry || !run || (entry.lane && this.runningIn(entry.lane.name) >= entry.lane.limit)) {
        i++;
        continue;
      }
      this.#waiting.splice(i, 1);
      this.#start(entry, run);
    }
    this.#countsChanged();
  }

  #start(entry: Entry, run: Run): void {
    const controller = new AbortController();
    entry.controller = controller;
    this.#running++;
    const lane = entry.lane?.name;
    if (lane !== undefined) this.#perLane.set(lane, this.runningIn(lane) + 1);
    entry.settled = run(controller.signal)
      .catch((err: unknown) => this.#crashed(entry.id, err))
      .finally(() => {
        this.#running--;
        if (lane !== undefined) this.#perLane.set(lane, this.runningIn(lane) - 1);
        this.#forget(entry);
        this.#schedule();
      });
  }

  #forget(entry: Entry): void {
    if (this.#entries.get(entry.id) !== entry) return;
    this.#entries.delete(entry.id);
    const left = this.active(entry.roomId) - 1;
    if (left > 0) this.#perRoom.set(entry.roomId, left);
    else this.#perRoom.delete(entry.roomId);
    this.#countsChanged();
  }

  #countsChanged(): void {
    this.#changed({ waiting: this.waiting, running: this.#running });
  }
}
