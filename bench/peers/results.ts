// What one run of the peer benchmark found, per system and workload: every
// round's result (each round on a fresh server), reported as medians.
import type { BenchConfig } from './config.ts';
import type { SystemId } from './system.ts';
import type { CapacityResult } from './workloads/capacity.ts';
import type { IdleResult } from './workloads/idle-memory.ts';
import type { StormResult } from './workloads/join-storm.ts';
import type { TypingResult } from './workloads/typing.ts';

export const WORKLOADS = ['typing', 'hotRoom', 'capacity', 'idle', 'storm'] as const;
export type WorkloadId = (typeof WORKLOADS)[number];

/** One round's result, by workload. */
export interface WorkloadResults {
  typing: TypingResult;
  hotRoom: TypingResult;
  capacity: CapacityResult;
  idle: IdleResult;
  storm: StormResult;
}

/** Every round measured, in order. */
export type Rounds = { [W in WorkloadId]?: Array<WorkloadResults[W]> };

export interface SystemResults {
  id: SystemId;
  label: string;
  setup: string;
  rounds: Rounds;
  /** Workloads whose round failed outright (later rounds are skipped), with the round and the reason. */
  errors: Partial<Record<WorkloadId, string>>;
}

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
}

export interface RunReport {
  date: string;
  /** Atelier's commit, with "+changes" when server/ or shared/ had uncommitted edits. */
  commit: string;
  quick: boolean;
  /** Rounds per workload and system. */
  rounds: number;
  /** `--pin`: the server and the load generator on one CPU or on two (absent: as the scheduler placed them). */
  pin?: 'same' | 'split';
  machine: MachineInfo;
  /** 1, 5 and 15-minute load averages. */
  loadBefore: number[];
  loadAfter: number[];
  /** What the run expected to take, and what it took. */
  estimatedSeconds: number;
  seconds: number;
  config: BenchConfig;
  systems: SystemResults[];
}

/** The rounds of one workload of one system (none when it was not run). */
export function roundsOf<W extends WorkloadId>(results: SystemResults, workload: W): Array<WorkloadResults[W]> {
  return (results.rounds[workload] ?? []) as Array<WorkloadResults[W]>;
}

/** Appends a round's result to a system's rounds of that workload. */
export function addRound<W extends WorkloadId>(results: SystemResults, workload: W, round: WorkloadResults[W]): void {
  const rounds: Rounds = results.rounds;
  (rounds[workload] as Array<WorkloadResults[W]> | undefined) ??= [];
  (rounds[workload] as Array<WorkloadResults[W]>).push(round);
}
