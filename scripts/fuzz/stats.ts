// What a fuzz run counts: messages sent by mutation, what the server refused
// (typed errors, close codes, disconnects), per transport.
export class Counter {
  readonly #counts = new Map<string, number>();

  add(key: string, n = 1): void {
    this.#counts.set(key, (this.#counts.get(key) ?? 0) + n);
  }

  get total(): number {
    let sum = 0;
    for (const n of this.#counts.values()) sum += n;
    return sum;
  }

  entries(): [string, number][] {
    return [...this.#counts.entries()].sort((a, b) => b[1] - a[1]);
  }

  toJSON(): Record<string, number> {
    return Object.fromEntries(this.entries());
  }
}

export class FuzzStats {
  /** `<attacker> <mutation>` → messages sent. */
  readonly sent = new Counter();
  /** `<transport> <code>` → refusals: ack and room:error codes, close codes, disconnect reasons. */
  readonly refused = new Counter();
  /** Connections attackers opened (each close or refusal makes them open another). */
  readonly connections = new Counter();
  /** `<attacker>` → sync step 1s the server sent hostile connections (greetings and heals): what their messages drew. */
  readonly asked = new Counter();
}

/** The p-th percentile (0–100) of samples, by nearest rank. */
export function percentile(samples: readonly number[], p: number): number | undefined {
  if (samples.length === 0) return undefined;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
