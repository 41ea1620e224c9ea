// Atelier measured against its peers (Hocuspocus, y-socket.io) on the same
// machine in the same run: typing fan-out, a hot room, capacity, idle memory
// and a join storm, each in several rounds. Every round of a workload starts
// a fresh server process of each system in turn, with the load generator in a
// process of its own; systems take turns workload by workload, in alternating
// order from round to round, so that drift in the machine's load is shared.
// Writes a table (each figure's median over the rounds, with the range) and a
// chart into docs/benchmarks.md (## Peers).
//
//   npm run bench:peers -- [--quick] [--rounds 3] [--systems atelier,hocuspocus,...]
//                          [--workloads typing,hotRoom,capacity,idle,storm]
//                          [--cpu-prof] [--loop-probe DIR] [--capacity-steps 100,125] [--server-flags=--a,--b]
//                          [--pin same|split] [--dry-run] [--json] [--report FILE]
//
// --loop-probe DIR loads lib/loop-probe.ts into every server and load
// generator: once a second each appends its event loop's long turns, GC
// pauses, threads' CPU and run-queue waits to a file in DIR.
// --capacity-steps replaces capacity's room counts (to look at one step).
// --server-flags adds Node or V8 flags to every server (to try one).
//
// --pin puts the server and the load generator on one CPU or on two (taskset):
// left to the scheduler, a round's hot-room p50 depended on where it put them
// (docs/benchmarks.md, "Hot room p50").
//
// Each run saves its results as JSON (path printed at the end); --report FILE
// renders such a file into the docs again without measuring anything.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type BenchConfig, FULL, QUICK } from './config.ts';
import { writeDocs } from './report/docs.ts';
import { CAPACITY_ASSUMED_LIMIT_ROOMS, estimateSeconds } from './estimate.ts';
import { describeRound, renderMarkdown } from './report/markdown.ts';
import { renderSvg } from './report/svg.ts';
import {
  addRound,
  type MachineInfo,
  type RunReport,
  type SystemResults,
  WORKLOADS,
  type WorkloadId,
  type WorkloadResults,
} from './results.ts';
import { LOOP_PROBE } from './lib/load-process.ts';
import { PIN_MODES } from './lib/same-cpu.ts';
import { SYSTEMS } from './systems/index.ts';
import { SYSTEM_IDS, type SystemId } from './system.ts';
import { measureCapacity } from './workloads/capacity.ts';
import { measureIdleMemory } from './workloads/idle-memory.ts';
import { measureJoinStorm } from './workloads/join-storm.ts';
import { type Session, withSession } from './workloads/session.ts';
import { measureTyping } from './workloads/typing.ts';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    rounds: { type: 'string', default: '3' },
    systems: { type: 'string', default: SYSTEM_IDS.join(',') },
    workloads: { type: 'string', default: WORKLOADS.join(',') },
    'cpu-prof': { type: 'boolean', default: false },
    'loop-probe': { type: 'string' },
    'capacity-steps': { type: 'string' },
    'server-flags': { type: 'string' },
    pin: { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    report: { type: 'string' },
  },
});

const config: BenchConfig = withCapacitySteps(args.quick ? QUICK : FULL, args['capacity-steps']);
const rounds = Number(args.rounds);
if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds must be a positive integer, not "${args.rounds}"`);
const systemIds = pick(args.systems, SYSTEM_IDS, 'system');
const workloads = pick(args.workloads, WORKLOADS, 'workload');
const pin = args.pin === undefined ? undefined : pick(args.pin, PIN_MODES, 'pin mode')[0];
/** Atelier's Socket.IO transport is measured on typing only: the other workloads use its fastest transport. */
const runs = (system: SystemId, workload: WorkloadId) => system !== 'atelier-sio' || workload === 'typing';

const profileDir = path.join(os.tmpdir(), 'atelier-bench-peers-profiles');
/** Node flags for the processes a probe is loaded into (the children inherit LOOP_PROBE_DIR). */
const probeArgs = args['loop-probe'] ? ['--import', LOOP_PROBE] : [];
const serverFlags = args['server-flags']?.split(',').filter(Boolean) ?? [];
if (args['loop-probe']) process.env.LOOP_PROBE_DIR = path.resolve(args['loop-probe']);
function nodeArgsFor(system: SystemId): string[] {
  if (!args['cpu-prof']) return [...serverFlags, ...probeArgs];
  const dir = path.join(profileDir, system);
  mkdirSync(dir, { recursive: true });
  return [...serverFlags, ...probeArgs, '--cpu-prof', `--cpu-prof-dir=${dir}`];
}

function withCapacitySteps(base: BenchConfig, steps: string | undefined): BenchConfig {
  if (steps === undefined) return base;
  const rooms = steps.split(',').map(Number);
  if (rooms.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`--capacity-steps takes room counts (100,125), not "${steps}"`);
  return { ...base, capacity: { ...base.capacity, steps: rooms } };
}

function pick<T extends string>(list: string, known: readonly T[], what: string): T[] {
  const chosen = list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const name of chosen) if (!known.includes(name as T)) throw new Error(`unknown ${what} "${name}" (known: ${known.join(', ')})`);
  return known.filter((name) => chosen.includes(name));
}

function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown CPU',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
  };
}

function atelierCommit(): string {
  const git = (...gitArgs: string[]) => execFileSync('git', gitArgs, { encoding: 'utf8' }).trim();
  try {
    return git('rev-parse', '--short', 'HEAD') + (git('status', '--porcelain', '--', 'server', 'shared') ? '+changes' : '');
  } catch {
    return 'unknown';
  }
}

const log = (line: string) => process.stderr.write(`${line}\n`);
const loadavg = () => os.loadavg().map((v) => Math.round(v * 100) / 100);

const plan = systemIds.flatMap((system) =>
  workloads.filter((workload) => runs(system, workload)).map((workload) => ({ system, workload })),
);

function newReport(): RunReport {
  return {
    date: new Date().toISOString(),
    commit: atelierCommit(),
    ...(pin ? { pin } : {}),
    quick: args.quick,
    rounds,
    machine: machineInfo(),
    loadBefore: loadavg(),
    loadAfter: [],
    estimatedSeconds: estimateSeconds(config, plan, rounds),
    seconds: 0,
    config,
    systems: systemIds.map((id): SystemResults => ({ id, label: SYSTEMS[id].label, setup: SYSTEMS[id].setup, rounds: {}, errors: {} })),
  };
}

/** One round of one workload on a fresh server of the system. */
async function measureRound<W extends WorkloadId>(system: SystemId, workload: W): Promise<WorkloadResults[W]> {
  const measure = async (session: Session): Promise<WorkloadResults[WorkloadId]> => {
    switch (workload) {
      case 'typing':
        return measureTyping(session, config.typing, config.connectConcurrency);
      case 'hotRoom':
        return measureTyping(session, config.hotRoom, config.connectConcurrency);
      case 'capacity':
        return measureCapacity(session, config.capacity, config.connectConcurrency);
      case 'idle':
        return measureIdleMemory(session, config.idle, config.connectConcurrency);
      default:
        return measureJoinStorm(session, config.storm);
    }
  };
  const options = { nodeArgs: nodeArgsFor(system), loadNodeArgs: probeArgs, pauseSeconds: config.pauseSeconds, ...(pin ? { pin } : {}) };
  return (await withSession(SYSTEMS[system], options, measure)) as WorkloadResults[W];
}

/** Every workload in every round, systems taking turns; returns what was measured. */
async function measureAll(): Promise<RunReport> {
  const started = performance.now();
  const report = newReport();
  const m = report.machine;
  log(`machine: ${m.cores} × ${m.cpu}, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}; load average ${report.loadBefore.join(' ')}`);
  log(
    `${plan.length * rounds} sessions (${rounds} round${rounds === 1 ? '' : 's'} of ${plan.length} workload × system pairs); ` +
      `estimated ${(report.estimatedSeconds / 60).toFixed(1)} min` +
      (workloads.includes('capacity') ? ` if capacity stops by ${CAPACITY_ASSUMED_LIMIT_ROOMS} rooms` : ''),
  );
  for (const workload of workloads) {
    for (let round = 0; round < rounds; round++) {
      // Alternate the order, so that no system always goes first or last.
      const order = round % 2 === 0 ? report.systems : [...report.systems].reverse();
      for (const results of order) {
        if (!runs(results.id, workload) || results.errors[workload]) continue;
        const t0 = performance.now();
        const label = `${workload} (round ${round + 1} of ${rounds}) · ${results.label}`;
        try {
          const result = await measureRound(results.id, workload);
          addRound(results, workload, result);
          log(`${label}: ${describeRound(workload, result)} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
        } catch (err) {
          results.errors[workload] = `round ${round + 1}: ${(err as Error).message.split('\n')[0]!}`;
          log(`${label}: FAILED ${(err as Error).stack ?? err}`);
        }
      }
    }
  }
  report.loadAfter = loadavg();
  report.seconds = (performance.now() - started) / 1000;
  log(
    `done in ${report.seconds.toFixed(0)} s (estimated ${report.estimatedSeconds.toFixed(0)} s); load average ${report.loadAfter.join(' ')}`,
  );
  if (args['cpu-prof']) log(`CPU profiles of the server processes: ${profileDir}/<system>/`);
  if (args['loop-probe']) log(`event-loop probes of the servers and load generators: ${process.env.LOOP_PROBE_DIR}/`);
  return report;
}

function savedReport(file: string): RunReport {
  const saved = JSON.parse(readFileSync(file, 'utf8')) as Partial<RunReport>;
  // Runs saved before every workload had rounds kept one result per workload.
  if (typeof saved.rounds !== 'number' || !saved.systems?.every((s) => typeof s.rounds === 'object')) {
    throw new Error(`${file} was saved by an older bench:peers (no rounds per workload): rerun the benchmark`);
  }
  return saved as RunReport;
}

const report: RunReport = args.report ? savedReport(args.report) : await measureAll();
if (!args.report) {
  const saved = path.join(os.tmpdir(), `atelier-bench-peers-${report.date.replace(/[:.]/g, '-')}.json`);
  writeFileSync(saved, JSON.stringify(report, null, 1));
  log(`results saved to ${saved}`);
}
const markdown = renderMarkdown(report, 'peers.svg');
process.stdout.write(`${args.json ? JSON.stringify(report) : markdown}\n`);
if (!args['dry-run']) log(`wrote ${writeDocs(markdown, renderSvg(report)).join(' and ')}`);
