// When the event loop stood still. A client that sends at an honest rate while
// the server is frozen (a long GC, a blocking call, a paused VM) has its
// messages queued in the kernel, and they all arrive in the one turn after the
// freeze: a token bucket would see a burst the client never sent and drop its
// edits (issue 18, finding 6). Buckets ask here how much of the time since
// they last refilled the loop was stalled, and may refill past their capacity
// by that much: the server's own stall is not charged to the client.
//
// A timer ticks every TICK_MS; a tick that comes late measures a stall. A stall
// still in progress (the backlog being read before the late tick has run) is
// the time since the last tick.

export interface StallCredit {
  /** Milliseconds of stall between `since` and `now` (both performance.now()). */
  stalledSince(since: number, now?: number): number;
}

const TICK_MS = 50;
/** A tick this much later than due counts as a stall (timers are never exact). */
const SLACK_MS = 50;
/** Stalls older than this are forgotten: a bucket refilled since then no longer asks about them. */
const KEEP_MS = 60_000;

interface Stall {
  start: number;
  end: number;
}

export class LoopStalls implements StallCredit {
  #timer: NodeJS.Timeout | undefined;
  #lastTick = performance.now();
  #stalls: Stall[] = [];

  start(): this {
    this.#lastTick = performance.now();
    this.#timer ??= setInterval(() => this.tick(), TICK_MS);
    this.#timer.unref();
    return this;
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** One tick of the timer (called by it; tests call it with their own clock). */
  tick(now = performance.now()): void {
    if (now - this.#lastTick > TICK_MS + SLACK_MS) this.#stalls.push({ start: this.#lastTick + TICK_MS, end: now });
    this.#lastTick = now;
    while (this.#stalls.length > 0 && (this.#stalls[0]?.end ?? now) < now - KEEP_MS) this.#stalls.shift();
  }

  stalledSince(since: number, now = performance.now()): number {
    let total = 0;
    // Newest first, stopping at the first that ended before `since`: stalls are
    // recorded in order, and every message's bucket asks (a minute of a busy
    // loop's stalls was a scan of hundreds per message).
    for (let i = this.#stalls.length - 1; i >= 0; i--) {
      const stall = this.#stalls[i];
      if (!stall || stall.end <= since) break;
      total += overlap(stall.start, stall.end, since, now);
    }
    // In progress: the timer is late right now.
    if (now - this.#lastTick > TICK_MS + SLACK_MS) total += overlap(this.#lastTick + TICK_MS, now, since, now);
    return total;
  }
}

function overlap(start: number, end: number, from: number, to: number): number {
  return Math.max(0, Math.min(end, to) - Math.max(start, from));
}
