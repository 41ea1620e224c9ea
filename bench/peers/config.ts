// Workload sizes of a full run and of `--quick`. A full run measures every
// workload in 3 rounds per system (`--rounds`); warm-ups and windows are as
// short as keeps the figures steady, so that it stays near 20 minutes.

export interface TypingParams {
  rooms: number;
  clientsPerRoom: number;
  /** Keystrokes per second per client. */
  rate: number;
  warmupSeconds: number;
  seconds: number;
  observerRooms: number;
  observersPerRoom: number;
}

export interface CapacityParams {
  clientsPerRoom: number;
  rate: number;
  /** Room counts tried in order until one fails. */
  steps: number[];
  warmupSeconds: number;
  seconds: number;
  observerRooms: number;
  observersPerRoom: number;
  /** A step holds while p99 stays at or under this and delivery is complete. */
  p99LimitMs: number;
  minDelivered: number;
}

export interface IdleParams {
  rooms: number;
  clientsPerRoom: number;
  settleSeconds: number;
}

export interface StormParams {
  rooms: number;
  /** Connection attempts in flight at once. */
  concurrency: number;
}

export interface BenchConfig {
  typing: TypingParams;
  hotRoom: TypingParams;
  capacity: CapacityParams;
  idle: IdleParams;
  storm: StormParams;
  /** Quiet time after a server stops, before the next one starts. */
  pauseSeconds: number;
  connectConcurrency: number;
}

export const FULL: BenchConfig = {
  typing: { rooms: 100, clientsPerRoom: 10, rate: 5, warmupSeconds: 3, seconds: 10, observerRooms: 10, observersPerRoom: 3 },
  hotRoom: { rooms: 1, clientsPerRoom: 200, rate: 1, warmupSeconds: 2, seconds: 8, observerRooms: 1, observersPerRoom: 5 },
  capacity: {
    clientsPerRoom: 10,
    rate: 5,
    // Fine where the systems reach their limit on a 2-core machine (p99 passes 50 ms near 100 rooms).
    steps: [25, 50, 75, 100, 125, 150, 200, 250, 300, 400, 500],
    warmupSeconds: 1,
    seconds: 4,
    observerRooms: 10,
    observersPerRoom: 2,
    p99LimitMs: 50,
    minDelivered: 0.99,
  },
  idle: { rooms: 1000, clientsPerRoom: 5, settleSeconds: 3 },
  storm: { rooms: 1500, concurrency: 1500 },
  pauseSeconds: 1.5,
  connectConcurrency: 100,
};

export const QUICK: BenchConfig = {
  typing: { rooms: 20, clientsPerRoom: 10, rate: 5, warmupSeconds: 1, seconds: 3, observerRooms: 5, observersPerRoom: 3 },
  hotRoom: { rooms: 1, clientsPerRoom: 50, rate: 1, warmupSeconds: 1, seconds: 3, observerRooms: 1, observersPerRoom: 3 },
  capacity: { ...FULL.capacity, steps: [20, 60], warmupSeconds: 1, seconds: 2, observerRooms: 5 },
  idle: { rooms: 200, clientsPerRoom: 5, settleSeconds: 1 },
  storm: { rooms: 300, concurrency: 300 },
  pauseSeconds: 0.5,
  connectConcurrency: 100,
};
