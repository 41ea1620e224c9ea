// The end of an event-loop turn, in two phases: first every room's accepted
// updates are handed to its log, then they are sent to the other participants.
// On the embedded store an append commits synchronously, so anyone who has seen
// a change knows it is on disk: a SIGKILL after the broadcast loses nothing.
// (On PostgreSQL the append is in flight by then; other nodes hold the update.)
// Both phases also batch: one append per room per turn, and fan-out starts only
// once the turn's input has been read. While the server is busy (pacing), a
// room's fan-out may be paced: published at the end of the turn in which its
// hold ends, so that its participants' keystrokes of the meantime (each
// committed in its own turn) go out in one message.
import { NO_PACING, type PublishPacing } from './publish-pacing.ts';

export type TurnTask = () => void;

export class TurnEnd {
  #persist: TurnTask[] = [];
  #publish: TurnTask[] = [];
  #scheduled = false;
  /** Paced tasks waiting for their hold to end. */
  readonly #held = new Map<TurnTask, NodeJS.Timeout>();
  #pacing: PublishPacing = NO_PACING;
  readonly #report: (err: unknown) => void;

  constructor(report: (err: unknown) => void = (err) => process.emitWarning(err instanceof Error ? err : String(err))) {
    this.#report = report;
  }

  /** Sets what decides how long a paced publish waits (the process's load). */
  pace(pacing: PublishPacing): void {
    this.#pacing = pacing;
  }

  /** Runs the task at the end of this turn, before anything is published. */
  persist(task: TurnTask): void {
    this.#persist.push(task);
    this.#schedule();
  }

  /** Runs the task at the end of this turn, after everything is persisted. */
  publish(task: TurnTask): void {
    this.#publish.push(task);
    this.#schedule();
  }

  /**
   * Like publish, unless the pacing holds fan-out now: then at the end of the
   * turn in which the hold ends (still after that turn's persist phase).
   */
  publishPaced(task: TurnTask): void {
    if (this.#held.has(task)) return;
    const holdMs = this.#pacing.holdMs();
    if (holdMs <= 0) {
      this.publish(task);
      return;
    }
    const timer = setTimeout(() => {
      this.#held.delete(task);
      this.publish(task);
    }, holdMs);
    this.#held.set(task, timer);
  }

  /** Publishes the task at the end of this turn: at once if it was held, else as publish (once, if already queued). */
  publishSoon(task: TurnTask): void {
    const timer = this.#held.get(task);
    if (timer !== undefined) {
      clearTimeout(timer);
      this.#held.delete(task);
    } else if (this.#publish.includes(task)) return;
    this.publish(task);
  }

  /** Paced tasks still waiting for their hold. */
  get held(): number {
    return this.#held.size;
  }

  /** Runs both phases now, held tasks included (shutdown, tests). */
  run(): void {
    for (const [task, timer] of this.#held) {
      clearTimeout(timer);
      this.#publish.push(task);
    }
    this.#held.clear();
    this.#endTurn();
  }

  #endTurn(): void {
    // Still "scheduled" while it runs: what tasks queue is picked up below, not by another immediate.
    this.#scheduled = true;
    // Persist tasks queued by persist tasks (a batched log's commit) run in
    // this phase too, before anything is published.
    while (this.#persist.length > 0) {
      const persist = this.#persist;
      this.#persist = [];
      for (const task of persist) this.#safely(task);
    }
    // Tasks a publish queues (it triggered another change) wait for the next turn.
    const publish = this.#publish;
    this.#publish = [];
    for (const task of publish) this.#safely(task);
    this.#scheduled = false;
    if (this.#persist.length > 0 || this.#publish.length > 0) this.#schedule();
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => this.#endTurn());
  }

  #safely(task: TurnTask): void {
    try {
      task();
    } catch (err) {
      this.#report(err);
    }
  }
}

/** One per process: rooms of every registry share the same turn. */
export const turnEnd = new TurnEnd();
