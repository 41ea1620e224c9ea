// Counts, for a measurement window, how many times each keystroke sent inside
// it reached another client, and times the ones observers receive. Keystrokes
// are told apart by (Yjs client id, clock), so what was sent before the window
// and arrives during it does not count, and what was sent during it still
// counts when it arrives after it closed.
import type { DeliverySink } from '../system.ts';
import { forEachStruct } from './update-structs.ts';

export interface Writer {
  readonly client: number;
  /** Clients each of its keystrokes should reach. */
  readonly recipients: number;
  /** Clock its next keystroke will have. */
  nextClock(): number;
}

const keyOf = (client: number, clock: number) => client * 1_000_000 + clock;

export class DeliveryLedger implements DeliverySink {
  /** Per writer: the clocks sent inside the window, [from, to). */
  readonly #windows = new Map<number, { from: number; to: number }>();
  readonly #sentAt = new Map<number, number>();
  #open = false;
  delivered = 0;
  latencies: number[] = [];

  get isOpen(): boolean {
    return this.#open;
  }

  open(writers: readonly Writer[]): void {
    this.reset();
    for (const w of writers) this.#windows.set(w.client, { from: w.nextClock(), to: Infinity });
    this.#open = true;
  }

  /** Closes the window: the keystrokes sent in it, and the deliveries they owe. */
  close(writers: readonly Writer[]): { sent: number; expected: number } {
    this.#open = false;
    let sent = 0;
    let expected = 0;
    for (const w of writers) {
      const window = this.#windows.get(w.client);
      if (!window) continue;
      window.to = w.nextClock();
      sent += window.to - window.from;
      expected += (window.to - window.from) * w.recipients;
    }
    return { sent, expected };
  }

  /** Notes the send time of a keystroke that observers will receive. */
  sending(client: number, clock: number): void {
    if (this.#open) this.#sentAt.set(keyOf(client, clock), performance.now());
  }

  record(update: Uint8Array, self: number): void {
    forEachStruct(update, (client, clock, length) => {
      if (client !== self) this.delivered += this.#overlap(client, clock, length);
    });
  }

  /** Like `record`, and times each keystroke whose send time is known. */
  observe(update: Uint8Array, self: number): void {
    const now = performance.now();
    forEachStruct(update, (client, clock, length) => {
      if (client === self) return;
      this.delivered += this.#overlap(client, clock, length);
      for (let k = clock; k < clock + length; k++) {
        const t0 = this.#sentAt.get(keyOf(client, k));
        if (t0 !== undefined) this.latencies.push(now - t0);
      }
    });
  }

  reset(): void {
    this.#open = false;
    this.#windows.clear();
    this.#sentAt.clear();
    this.delivered = 0;
    this.latencies = [];
  }

  #overlap(client: number, clock: number, length: number): number {
    const window = this.#windows.get(client);
    if (!window) return 0;
    return Math.max(0, Math.min(clock + length, window.to) - Math.max(clock, window.from));
  }
}
