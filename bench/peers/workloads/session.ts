// One workload's life: a fresh server process of the system, a fresh load
// generator process, both stopped afterwards, then a quiet pause so the next
// server does not start on a busy machine.
import { setTimeout as sleep } from 'node:timers/promises';
import { cpuShare, type ProcSample, sampleProcess } from '../../lib/proc-stats.ts';
import { LoadProcess } from '../lib/load-process.ts';
import { machineCores, type MachineSample, sampleMachine } from '../lib/machine-cpu.ts';
import { type PinMode, pinProcesses, trackSameCpu } from '../lib/same-cpu.ts';
import type { PeerSystem, RunningServer } from '../system.ts';
import type { Connected, Measured } from '../protocol.ts';

export interface Session {
  system: PeerSystem;
  server: RunningServer;
  load: LoadProcess;
}

export interface SessionOptions {
  nodeArgs: string[];
  /** Extra Node flags for the load generator (`--loop-probe`). */
  loadNodeArgs?: string[];
  pauseSeconds: number;
  /** Where the server and the load generator run (`--pin`); the scheduler decides when absent. */
  pin?: PinMode;
}

/** A moment for a fresh server to finish starting (JIT, lazy modules) before it is measured. */
const SETTLE_AFTER_START_MS = 1000;

export async function withSession<T>(system: PeerSystem, options: SessionOptions, fn: (session: Session) => Promise<T>): Promise<T> {
  const server = await system.start({ nodeArgs: options.nodeArgs });
  let load: LoadProcess | undefined;
  try {
    await sleep(SETTLE_AFTER_START_MS);
    load = await LoadProcess.start(system.id, server.url, options.loadNodeArgs);
    if (options.pin) pinProcesses(server.pid, load.pid, options.pin);
    return await fn({ system, server, load });
  } finally {
    await load?.stop();
    await server.stop();
    await sleep(options.pauseSeconds * 1000);
  }
}

/** CPU and memory of the server and the load generator, and the machine's CPU, sampled together. */
export interface Samples {
  server: ProcSample;
  load: ProcSample;
  machine: MachineSample;
}

export const sample = (session: Session): Samples => ({
  server: sampleProcess(session.server.pid),
  load: sampleProcess(session.load.pid),
  machine: sampleMachine(),
});

/** CPU between two samples, in cores: the server's, the load generator's, and everything else's on the machine. */
export function cpuBetween(before: Samples, after: Samples): { server: number; load: number; other: number } {
  const server = cpuShare(before.server, after.server);
  const load = cpuShare(before.load, after.load);
  return { server, load, other: Math.max(0, machineCores(before.machine, after.machine) - server - load) };
}

/** Samples the server's RSS every `everyMs` until stopped; returns the peak in bytes. */
export function trackPeakRss(pid: number, everyMs = 250): () => number {
  let peak = sampleProcess(pid).rssBytes;
  const timer = setInterval(() => {
    peak = Math.max(peak, sampleProcess(pid).rssBytes);
  }, everyMs);
  return () => {
    clearInterval(timer);
    return Math.max(peak, sampleProcess(pid).rssBytes);
  };
}

export interface RoundSpec {
  rooms: number;
  clientsPerRoom: number;
  observerRooms: number;
  observersPerRoom: number;
  rate: number;
  warmupSeconds: number;
  seconds: number;
}

export interface RoundFigures {
  connected: Connected;
  measured: Measured;
  cpu: { server: number; load: number; other: number };
  serverCpuSeconds: number;
  serverPeakRssBytes: number;
  /** Share of the window in which the server and the load generator last ran on the same CPU (same-cpu.ts). */
  sameCpu: number;
}

/** One typing round: connect the clients, type through the warm-up, measure a window, pause them. */
export async function typingRound(session: Session, spec: RoundSpec, concurrency: number): Promise<RoundFigures> {
  const { load } = session;
  const { rooms, clientsPerRoom, observerRooms, observersPerRoom } = spec;
  const connected = await load.request(
    { type: 'connect', rooms, clientsPerRoom, observerRooms, observersPerRoom, concurrency },
    'connected',
  );
  await load.request({ type: 'type', rate: spec.rate }, 'ok');
  await sleep(spec.warmupSeconds * 1000);
  const before = sample(session);
  const peakRss = trackPeakRss(session.server.pid);
  const sameCpu = trackSameCpu(session.server.pid, session.load.pid);
  const measured = await load.request({ type: 'measure', seconds: spec.seconds }, 'measured');
  const after = sample(session);
  const serverPeakRssBytes = peakRss();
  const sameCpuShare = sameCpu();
  await load.request({ type: 'pause' }, 'ok');
  return {
    connected,
    measured,
    cpu: cpuBetween(before, after),
    serverCpuSeconds: after.server.cpuSeconds - before.server.cpuSeconds,
    serverPeakRssBytes,
    sameCpu: sameCpuShare,
  };
}
