// Live updates of a gesture in progress go out at most every `intervalMs`,
// the last one always: enough for the others to follow a drag without
// sending every pointer move.
export class LiveThrottle<T> {
  readonly #send: (value: T) => void;
  readonly #intervalMs: number;
  #last = 0;
  #pending: T | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(send: (value: T) => void, intervalMs: number) {
    this.#send = send;
    this.#intervalMs = intervalMs;
  }

  push(value: T): void {
    this.#pending = value;
    const wait = this.#last + this.#intervalMs - performance.now();
    if (wait > 0) {
      this.#timer ??= setTimeout(() => {
        this.#timer = undefined;
        if (this.#pending !== null) this.push(this.#pending);
      }, wait);
      return;
    }
    this.#last = performance.now();
    this.#pending = null;
    this.#send(value);
  }

  /** Drops what is waiting (the gesture ended with its final update). */
  cancel(): void {
    clearTimeout(this.#timer);
    // Unset, or the next gesture's trailing update would never be scheduled.
    this.#timer = undefined;
    this.#pending = null;
  }
}
