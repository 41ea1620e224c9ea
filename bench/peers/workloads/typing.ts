// Typing load: R rooms × C clients × K keystrokes/s, measured after a warm-up.
// Also the hot room (one room, many writers) with other parameters. A figure
// may be measured in several rounds (each on a fresh server); rounds combine
// into one result with every latency sample pooled.
import { type Summary, summarize } from '../../lib/stats.ts';
import type { TypingParams } from '../config.ts';
import { type Session, typingRound } from './session.ts';

/** One round's figures, for the details. */
export interface TypingRound {
  p50: number;
  p99: number;
  delivered: number;
  serverCpu: number;
  loadCpu: number;
  otherCpu: number;
}

export interface TypingResult {
  rooms: number;
  clients: number;
  observers: number;
  /** Clients that could not connect (most in any round), and the first reason. */
  failed: number;
  firstError?: string;
  connectSeconds: number;
  /** Measured seconds, all rounds together. */
  seconds: number;
  sent: number;
  deliveredCount: number;
  expectedCount: number;
  updatesPerSecond: number;
  deliveriesPerSecond: number;
  /** Delivered ÷ expected keystrokes (1 = every keystroke reached every other client). */
  delivered: number;
  latencyMs: Summary;
  serverCpuSeconds: number;
  /** Server CPU as a share of one core over the measured windows. */
  serverCpu: number;
  serverPeakRssMb: number;
  loadCpu: number;
  /** Cores kept busy by every other process on the machine meanwhile. */
  otherCpu: number;
  /** Connections closed by the end of a window (most in any round). */
  closed: number;
  rounds: TypingRound[];
}

export interface TypingMeasurement {
  result: TypingResult;
  latencies: number[];
}

export async function measureTyping(session: Session, params: TypingParams, concurrency: number): Promise<TypingMeasurement> {
  const { connected, measured, cpu, serverCpuSeconds, serverPeakRssBytes: peak } = await typingRound(session, params, concurrency);
  const latencyMs = summarize(measured.latencies);
  const delivered = measured.expected > 0 ? measured.delivered / measured.expected : 0;
  const result: TypingResult = {
    rooms: connected.rooms,
    clients: connected.clients,
    observers: connected.observers,
    failed: connected.failed,
    connectSeconds: connected.seconds,
    seconds: measured.seconds,
    sent: measured.sent,
    deliveredCount: measured.delivered,
    expectedCount: measured.expected,
    updatesPerSecond: measured.sent / measured.seconds,
    deliveriesPerSecond: measured.delivered / measured.seconds,
    delivered,
    latencyMs,
    serverCpuSeconds,
    serverCpu: cpu.server,
    serverPeakRssMb: peak / 2 ** 20,
    loadCpu: cpu.load,
    otherCpu: cpu.other,
    closed: measured.closed,
    rounds: [{ p50: latencyMs.p50, p99: latencyMs.p99, delivered, serverCpu: cpu.server, loadCpu: cpu.load, otherCpu: cpu.other }],
  };
  if (connected.firstError !== undefined) result.firstError = connected.firstError;
  return { result, latencies: measured.latencies };
}

/** Several rounds as one result: counts and CPU added up, latency samples pooled. */
export function combineRounds(measurements: readonly TypingMeasurement[]): TypingResult {
  const results = measurements.map((m) => m.result);
  const first = results[0];
  if (!first) throw new Error('no rounds to combine');
  if (results.length === 1) return first;
  const sum = (f: (r: TypingResult) => number) => results.reduce((s, r) => s + f(r), 0);
  const seconds = sum((r) => r.seconds);
  const weighted = (f: (r: TypingResult) => number) => sum((r) => f(r) * r.seconds) / seconds;
  const combined: TypingResult = {
    ...first,
    failed: Math.max(...results.map((r) => r.failed)),
    connectSeconds: sum((r) => r.connectSeconds) / results.length,
    seconds,
    sent: sum((r) => r.sent),
    deliveredCount: sum((r) => r.deliveredCount),
    expectedCount: sum((r) => r.expectedCount),
    updatesPerSecond: sum((r) => r.sent) / seconds,
    deliveriesPerSecond: sum((r) => r.deliveredCount) / seconds,
    delivered:
      sum((r) => r.deliveredCount) /
      Math.max(
        1,
        sum((r) => r.expectedCount),
      ),
    latencyMs: summarize(measurements.flatMap((m) => m.latencies)),
    serverCpuSeconds: sum((r) => r.serverCpuSeconds),
    serverCpu: weighted((r) => r.serverCpu),
    serverPeakRssMb: Math.max(...results.map((r) => r.serverPeakRssMb)),
    loadCpu: weighted((r) => r.loadCpu),
    otherCpu: weighted((r) => r.otherCpu),
    closed: Math.max(...results.map((r) => r.closed)),
    rounds: results.flatMap((r) => r.rounds),
  };
  const firstError = results.find((r) => r.firstError !== undefined)?.firstError;
  if (firstError !== undefined) combined.firstError = firstError;
  else delete combined.firstError;
  return combined;
}
