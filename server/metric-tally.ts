// Counting on the hot path. A labelled prom-client `inc` hashes its labels on
// every call (the `labels()` child does too), and the realtime paths count
// each message in and out: tens of thousands of times a second under load,
// about 2 % of the server's busy time in the peers benchmark's profile. A
// Tally counts in a plain number for one fixed set of labels; the counter
// adds what its tallies hold whenever it is read (a scrape, or `get()`).
import { Counter, type CounterConfiguration, type LabelValues } from 'prom-client';

/** What one fixed set of labels counted since the counter was last read. */
export class Tally {
  n = 0;

  inc(by = 1): void {
    this.n += by;
  }
}

export class TalliedCounter<T extends string> extends Counter<T> {
  /** One tally per label set, made once (memoised by its label values). */
  readonly #tallies = new Map<string, { labels: LabelValues<T>; tally: Tally }>();

  constructor(config: Omit<CounterConfiguration<T>, 'collect'>) {
    super({
      ...config,
      collect(this: Counter<T>) {
        (this as TalliedCounter<T>).flush();
      },
    });
  }

  /** The tally of one label set; callers keep it (looking it up costs what a labelled `inc` does). */
  tally(labels: LabelValues<T>): Tally {
    const key = JSON.stringify(labels);
    let entry = this.#tallies.get(key);
    if (!entry) {
      entry = { labels, tally: new Tally() };
      this.#tallies.set(key, entry);
    }
    return entry.tally;
  }

  /** Adds what the tallies counted to the counter's values. */
  flush(): void {
    for (const { labels, tally } of this.#tallies.values()) {
      if (tally.n === 0) continue;
      this.inc(labels, tally.n);
      tally.n = 0;
    }
  }
}
