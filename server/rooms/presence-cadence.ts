// When a room's presence goes out. Batching per turn alone merged only ~1.4
// cursor moves per message below saturation (docs/benchmarks.md, "Presence"):
// moves arrive one per turn, each costing a socket write per recipient. So a
// room sends at most once per PRESENCE_INTERVAL_MS, the interval clients
// throttle their own presence to (client/realtime/awareness-throttle.ts): the
// first change after a quiet interval goes out at the end of its turn (a lone
// move waits for nothing), later ones wait for the interval's end and go out
// merged. A removal (someone left, a state expired) goes out at the end of its
// turn whatever the interval, with anything waiting: a departed cursor must
// not linger. Intervals run on one shared wheel, not a timer per room: its
// only timer is armed while some room's interval is open.

/** A room's presence goes out at most this often (~30 a second), like each client's own (PRESENCE_INTERVAL_MS). */
export const PRESENCE_INTERVAL_MS = 33;

type Task = () => void;

/**
 * Runs tasks a fixed delay after they are added, with one timer for all of
 * them: every task waits the same delay, so they fall due in the order added.
 */
export class IntervalWheel {
  /** Set at start-up (PRESENCE_INTERVAL_MS); a change applies to tasks added after it. */
  delayMs: number;
  readonly #now: () => number;
  #queue: Array<{ due: number; task: Task }> = [];
  #head = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(delayMs: number, now: () => number = () => Date.now()) {
    this.delayMs = delayMs;
    this.#now = now;
  }

  add(task: Task): void {
    const entry = { due: this.#now() + this.delayMs, task };
    const last = this.#queue[this.#queue.length - 1];
    if (last === undefined || this.#head === this.#queue.length || last.due <= entry.due) this.#queue.push(entry);
    else this.#insert(entry);
    if (this.#timer === undefined) this.#arm();
  }

  /** Only after delayMs shrank: in due order, re-armed if it is the new head. */
  #insert(entry: { due: number; task: Task }): void {
    let at = this.#queue.length;
    while (at > this.#head && (this.#queue[at - 1]?.due ?? 0) > entry.due) at--;
    this.#queue.splice(at, 0, entry);
    if (at === this.#head && this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#arm();
    }
  }

  /** Tasks waiting. */
  get size(): number {
    return this.#queue.length - this.#head;
  }

  #arm(): void {
    const next = this.#queue[this.#head];
    if (!next) {
      this.#queue = [];
      this.#head = 0;
      this.#timer = undefined;
      return;
    }
    this.#timer = setTimeout(this.#fire, Math.max(0, next.due - this.#now()));
    // Presence alone must not keep a process alive.
    this.#timer.unref();
  }

  #fire = (): void => {
    // The timer was armed for the head, so the head is due whatever the clock
    // says now (a clock set back must not hold it); so is all that was due with it.
    const first = this.#queue[this.#head];
    const until = Math.max(this.#now(), first?.due ?? 0);
    const due: Task[] = [];
    for (let entry = first; entry && entry.due <= until; entry = this.#queue[this.#head]) {
      due.push(entry.task);
      this.#head++;
    }
    if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
    this.#arm();
    for (const task of due) task();
  };
}

/** One per process: every room's presence intervals. */
export const presenceWheel = new IntervalWheel(PRESENCE_INTERVAL_MS);

/**
 * One room's presence cadence: quiet (the next change goes at the end of its
 * turn), due (a send is scheduled), or in an interval (changes wait for its end).
 */
export class PresenceCadence {
  readonly #wheel: IntervalWheel;
  readonly #send: Task;
  #state: 'quiet' | 'due' | 'interval' = 'quiet';
  /** Changes arrived during the interval. */
  #waiting = false;
  /** Bumped when an interval is cut short by a removal, so its end is ignored. */
  #interval = 0;

  /** `send` schedules the room's publish at the end of the turn; it then calls `sent`. */
  constructor(wheel: IntervalWheel, send: Task) {
    this.#wheel = wheel;
    this.#send = send;
  }

  /** Changes were queued; `removal` when one of them removes a state. */
  changed(removal: boolean): void {
    if (this.#state === 'due') return;
    if (this.#state === 'interval' && !removal) {
      this.#waiting = true;
      return;
    }
    this.#due();
  }

  /** The publish ran; `something` when it sent anything (an interval starts), else the room is quiet. */
  sent(something: boolean): void {
    this.#waiting = false;
    if (!something) {
      this.#state = 'quiet';
      return;
    }
    this.#state = 'interval';
    const interval = ++this.#interval;
    this.#wheel.add(() => {
      if (interval !== this.#interval) return;
      if (this.#waiting) this.#due();
      else this.#state = 'quiet';
    });
  }

  #due(): void {
    this.#state = 'due';
    this.#interval++;
    this.#send();
  }
}
