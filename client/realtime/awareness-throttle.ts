// This client's awareness changes go out at most AWARENESS_INTERVAL_MS apart.
// y-codemirror rewrites the cursor on every selection change (each keystroke,
// each mouse move of a drag-select), and each change sent is a message to the
// server and one socket write per other participant there: presence would
// outweigh typing several times over. The first change after a quiet spell
// goes at once, what follows within the interval goes as one trailing update
// with the latest state (encoded when it is sent, so it carries the newest
// clock), and a removal goes at once with anything waiting: a closing tab
// must not leave its presence behind a timer.

/** ~30 updates a second at most: smooth enough for a cursor, a fraction of a drag's pointer events. */
export const AWARENESS_INTERVAL_MS = 33;

export class AwarenessThrottle {
  readonly #send: (clients: number[]) => void;
  readonly #intervalMs: number;
  readonly #changed = new Set<number>();
  #last = Number.NEGATIVE_INFINITY;
  #timer: ReturnType<typeof setTimeout> | undefined;

  /** `send` encodes and sends the current state of the given clients. */
  constructor(send: (clients: number[]) => void, intervalMs = AWARENESS_INTERVAL_MS) {
    this.#send = send;
    this.#intervalMs = intervalMs;
  }

  /** Clients whose state changed; `removed` ones are sent at once, with whatever waits. */
  changed(clients: readonly number[], removed: boolean): void {
    for (const client of clients) this.#changed.add(client);
    if (removed) {
      this.flush();
      return;
    }
    if (this.#timer !== undefined) return;
    const wait = this.#last + this.#intervalMs - performance.now();
    if (wait <= 0) this.flush();
    else this.#timer = setTimeout(() => this.flush(), wait);
  }

  /** Sends what waits now. */
  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#changed.size === 0) return;
    const clients = [...this.#changed];
    this.#changed.clear();
    this.#last = performance.now();
    this.#send(clients);
  }

  /** Forgets what waits (the connection is gone: the next one sends the whole local state). */
  cancel(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#changed.clear();
  }
}
