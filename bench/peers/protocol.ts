// Messages between the benchmark (bench/peers/run.ts) and its load-generator
// process (bench/peers/load.ts). One request at a time; each gets one reply.
import type { SystemId } from './system.ts';

export type LoadRequest =
  | { type: 'init'; system: SystemId; url: string }
  /**
   * Grow to `rooms` rooms of `clientsPerRoom` clients each (rooms already
   * there are kept). The first `observerRooms` rooms hold `observersPerRoom`
   * full clients (stock provider, real Y.Doc) among their clients.
   */
  | {
      type: 'connect';
      rooms: number;
      clientsPerRoom: number;
      observerRooms: number;
      observersPerRoom: number;
      concurrency: number;
    }
  /** Every client types `rate` keystrokes per second, phases spread evenly. */
  | { type: 'type'; rate: number }
  | { type: 'pause' }
  | { type: 'measure'; seconds: number }
  /** Creates `rooms` rooms for the next storm (untimed). */
  | { type: 'stormRooms'; rooms: number }
  /** Joins one new client to each room `stormRooms` made, all at once, and times it. */
  | { type: 'storm'; concurrency: number };

export interface Connected {
  type: 'connected';
  rooms: number;
  clients: number;
  observers: number;
  failed: number;
  firstError?: string;
  seconds: number;
}

export interface Measured {
  type: 'measured';
  seconds: number;
  /** Keystrokes sent in the window. */
  sent: number;
  /** Receipts, by other clients, of the keystrokes sent in the window (also after it closed, within a grace period). */
  delivered: number;
  /** Sent × (room size − 1), summed over the keystrokes sent in the window. */
  expected: number;
  /** Keystroke send → observer receipt, ms. */
  latencies: number[];
  /** Clients whose connection had closed by the end of the window. */
  closed: number;
}

export interface Stormed {
  type: 'stormed';
  clients: number;
  synced: number;
  failed: number;
  firstError?: string;
  /** From the first connection attempt until the last client synced. */
  seconds: number;
  /** Each client's own connect → synced time, ms. */
  joinMs: number[];
}

export type LoadReply = { type: 'ok' } | Connected | Measured | Stormed | { type: 'error'; message: string };
