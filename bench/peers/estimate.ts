// How long a run will take, printed before it starts: a model of each
// session's fixed costs and of each workload's connecting, warming up and
// measuring, calibrated on the 2-core benchmark machine. Capacity stops at the
// first step that fails, which is not known beforehand: the estimate assumes
// the step after `CAPACITY_ASSUMED_LIMIT_ROOMS`.
import type { BenchConfig } from './config.ts';
import type { WorkloadId } from './results.ts';
import type { SystemId } from './system.ts';

/** Server start and settling, load generator start, both stopped (the pause comes on top). */
const SESSION_SECONDS = 4;
/** Raw clients joined per second, on average over a connect phase. */
const CLIENTS_PER_SECOND = 600;
/** Atelier's rooms created over HTTP per second (the peers' documents need no creation). */
const ROOMS_PER_SECOND = 300;
/** After each measured window: stragglers within the grace period, the reply. */
const AFTER_WINDOW_SECONDS = 0.5;
/** On a 2-core machine every system's p99 passes 50 ms near 100 rooms of 10 typists. */
export const CAPACITY_ASSUMED_LIMIT_ROOMS = 100;

const createsRooms = (system: SystemId) => system.startsWith('atelier');

/** Seconds one round of `workload` on `system` should take, its session included. */
export function roundSeconds(config: BenchConfig, system: SystemId, workload: WorkloadId): number {
  const connect = (clients: number, rooms: number) => clients / CLIENTS_PER_SECOND + (createsRooms(system) ? rooms / ROOMS_PER_SECOND : 0);
  const session = SESSION_SECONDS + config.pauseSeconds;
  switch (workload) {
    case 'typing':
    case 'hotRoom': {
      const p = workload === 'typing' ? config.typing : config.hotRoom;
      return session + connect(p.rooms * p.clientsPerRoom, p.rooms) + p.warmupSeconds + p.seconds + AFTER_WINDOW_SECONDS;
    }
    case 'capacity': {
      const p = config.capacity;
      const limit = p.steps.findIndex((rooms) => rooms > CAPACITY_ASSUMED_LIMIT_ROOMS);
      const steps = limit === -1 ? p.steps : p.steps.slice(0, limit + 1);
      const largest = steps.at(-1) ?? 0;
      return session + connect(largest * p.clientsPerRoom, largest) + steps.length * (p.warmupSeconds + p.seconds + AFTER_WINDOW_SECONDS);
    }
    case 'idle':
      return session + connect(config.idle.rooms * config.idle.clientsPerRoom, config.idle.rooms) + config.idle.settleSeconds;
    case 'storm':
      return session + connect(config.storm.rooms, config.storm.rooms);
  }
}

/** Seconds the whole run should take: every planned round of every workload and system. */
export function estimateSeconds(
  config: BenchConfig,
  plan: ReadonlyArray<{ system: SystemId; workload: WorkloadId }>,
  rounds: number,
): number {
  return rounds * plan.reduce((sum, { system, workload }) => sum + roundSeconds(config, system, workload), 0);
}
