// Pings every Yjs WebSocket once an interval and drops one that has not
// answered its previous ping, a slice of the sockets at a time: pinging them
// all in one turn wrote ~1,300 pings at once every 30 s, a turn of ~10 ms
// that every message arriving meanwhile waited behind (docs/benchmarks.md,
// "The heartbeat in slices"). A socket keeps its slice, and each slice comes
// round once an interval, so a socket is pinged every interval and dropped
// at its slice's next turn if it did not answer: between one and two
// intervals after its last answer, as when all were pinged at once.
import type { WebSocket } from 'ws';

/** Slices per interval: a tick every second at the default 30 s. */
export const HEARTBEAT_SLICES = 30;

export interface Beating {
  /** Answered its last ping (or was not pinged yet); the owner sets it on each pong. */
  alive: boolean;
  /** Its slice, for the heartbeat's own use. */
  heartbeatSlice: number;
  readonly ws: Pick<WebSocket, 'ping' | 'terminate'>;
}

export class Heartbeat<T extends Beating> {
  readonly #slices: Set<T>[];
  /** The slice the next tick visits. */
  #next = 0;
  /** The slice the last socket went into: sockets go round them in turn, as they come. */
  #filled = 0;
  readonly #timer: NodeJS.Timeout;

  constructor(intervalMs: number, slices = HEARTBEAT_SLICES) {
    this.#slices = Array.from({ length: slices }, () => new Set<T>());
    this.#timer = setInterval(() => this.#tick(), intervalMs / slices);
    this.#timer.unref();
  }

  /**
   * Into the next slice round: a storm of joins fills them evenly, and
   * leavers, in no order of their slices, leave them about even (a scan for
   * the smallest cost 4 µs a join in a cold join storm).
   */
  add(socket: T): void {
    this.#filled = (this.#filled + 1) % this.#slices.length;
    socket.alive = true;
    socket.heartbeatSlice = this.#filled;
    this.#slices[this.#filled]?.add(socket);
  }

  delete(socket: T): void {
    this.#slices[socket.heartbeatSlice]?.delete(socket);
  }

  close(): void {
    clearInterval(this.#timer);
  }

  #tick(): void {
    const slice = this.#slices[this.#next];
    this.#next = (this.#next + 1) % this.#slices.length;
    // By forEach: no iterator result per socket.
    slice?.forEach(beat);
  }
}

function beat(socket: Beating): void {
  if (!socket.alive) {
    // Its close event takes it out of its slice (the owner calls delete).
    socket.ws.terminate();
    return;
  }
  socket.alive = false;
  socket.ws.ping();
}
