// Workload sizes of a full run and of `--quick`.

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
  /** Rounds of the typing workload per system, systems in alternating order. */
  typingRounds: number;
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
  typingRounds: 3,
  typing: { rooms: 100, clientsPerRoom: 10, rate: 5, warmupSeconds: 5, seconds: 10, observerRooms: 10, observersPerRoom: 3 },
  hotRoom: { rooms: 1, clientsPerRoom: 200, rate: 1, warmupSeconds: 3, seconds: 10, observerRooms: 1, observersPerRoom: 5 },
  capacity: {
    clientsPerRoom: 10,
    rate: 5,
    steps: [50, 100, 150, 200, 250, 300, 400, 500],
    warmupSeconds: 2,
    seconds: 5,
    observerRooms: 10,
    observersPerRoom: 2,
    p99LimitMs: 50,
    minDelivered: 0.99,
  },
  idle: { rooms: 1000, clientsPerRoom: 5, settleSeconds: 5 },
  storm: { rooms: 1500, concurrency: 1500 },
  pauseSeconds: 2,
  connectConcurrency: 100,
};

export const QUICK: BenchConfig = {
  typingRounds: 1,
  typing: { rooms: 20, clientsPerRoom: 10, rate: 5, warmupSeconds: 1, seconds: 3, observerRooms: 5, observersPerRoom: 3 },
  hotRoom: { rooms: 1, clientsPerRoom: 50, rate: 1, warmupSeconds: 1, seconds: 3, observerRooms: 1, observersPerRoom: 3 },
  capacity: { ...FULL.capacity, steps: [20, 60], warmupSeconds: 1, seconds: 2, observerRooms: 5 },
  idle: { rooms: 200, clientsPerRoom: 5, settleSeconds: 1 },
  storm: { rooms: 300, concurrency: 300 },
  pauseSeconds: 0.5,
  connectConcurrency: 100,
};
