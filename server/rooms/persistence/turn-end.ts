// The end of an event-loop turn, in two phases: first every room's accepted
// updates are handed to its log, then they are sent to the other participants.
// On the embedded store an append commits synchronously, so anyone who has seen
// a change knows it is on disk: a SIGKILL after the broadcast loses nothing.
// (On PostgreSQL the append is in flight by then; other nodes hold the update.)
// Both phases also batch: one append per room per turn, and fan-out starts only
// once the turn's input has been read.

export type TurnTask = () => void;

export class TurnEnd {
  #persist: TurnTask[] = [];
  #publish: TurnTask[] = [];
  #scheduled = false;
  readonly #report: (err: unknown) => void;

  constructor(report: (err: unknown) => void = (err) => process.emitWarning(err instanceof Error ? err : String(err))) {
    this.#report = report;
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

  /** Tasks wait for the turn's end. */
  get waiting(): boolean {
    return this.#persist.length > 0 || this.#publish.length > 0;
  }

  /** Runs both phases now (shutdown, tests, ahead of work that must come after them). */
  run(): void {
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
    setImmediate(() => this.run());
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
