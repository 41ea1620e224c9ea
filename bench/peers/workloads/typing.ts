// Typing load: R rooms × C clients × K keystrokes/s, measured after a warm-up.
// Also the hot room (one room, many writers) with other parameters. One call
// is one round on one fresh server; the report takes the median of rounds.
import { type Summary, summarize } from '../../lib/stats.ts';
import type { TypingParams } from '../config.ts';
import { type Session, typingRound } from './session.ts';

/** The figures of one measured window (a capacity step's too). */
export interface WindowFigures {
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
  /** Clients that could not connect, and the first reason. */
  failed: number;
  firstError?: string;
  connectSeconds: number;
  /** Measured seconds. */
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
  /** Server CPU as a share of one core over the measured window. */
  serverCpu: number;
  serverPeakRssMb: number;
  loadCpu: number;
  /** Cores kept busy by every other process on the machine meanwhile. */
  otherCpu: number;
  /** Connections closed by the end of the window. */
  closed: number;
  /** Share of the window with the server and the load generator last on one CPU (lib/same-cpu.ts; absent in older runs). */
  sameCpu?: number;
}

export async function measureTyping(session: Session, params: TypingParams, concurrency: number): Promise<TypingResult> {
  const { connected, measured, cpu, serverCpuSeconds, serverPeakRssBytes: peak, sameCpu } = await typingRound(session, params, concurrency);
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
    sameCpu,
  };
  if (connected.firstError !== undefined) result.firstError = connected.firstError;
  return result;
}
