// What one run of the peer benchmark found, per system and workload.
import type { BenchConfig } from './config.ts';
import type { SystemId } from './system.ts';
import type { CapacityResult } from './workloads/capacity.ts';
import type { IdleResult } from './workloads/idle-memory.ts';
import type { StormResult } from './workloads/join-storm.ts';
import type { TypingResult } from './workloads/typing.ts';

export const WORKLOADS = ['typing', 'hotRoom', 'capacity', 'idle', 'storm'] as const;
export type WorkloadId = (typeof WORKLOADS)[number];

export interface SystemResults {
  id: SystemId;
  label: string;
  setup: string;
  typing?: TypingResult;
  hotRoom?: TypingResult;
  capacity?: CapacityResult;
  idle?: IdleResult;
  storm?: StormResult;
  /** Workloads that failed outright, with the reason. */
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
  machine: MachineInfo;
  /** 1, 5 and 15-minute load averages. */
  loadBefore: number[];
  loadAfter: number[];
  seconds: number;
  config: BenchConfig;
  systems: SystemResults[];
}
