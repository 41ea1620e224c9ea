// Typing load: R rooms × C clients × K keystrokes/s, measured after a warm-up.
// Also the hot room (one room, many writers) with other parameters.
import { setTimeout as sleep } from 'node:timers/promises';
import { cpuShare } from '../../lib/proc-stats.ts';
import { type Summary, summarize } from '../../lib/stats.ts';
import type { TypingParams } from '../config.ts';
import { sample, type Session, trackPeakRss } from './session.ts';

export interface TypingResult {
  rooms: number;
  clients: number;
  observers: number;
  /** Clients that could not connect, and the first reason. */
  failed: number;
  firstError?: string;
  connectSeconds: number;
  seconds: number;
  updatesPerSecond: number;
  deliveriesPerSecond: number;
  /** Delivered ÷ expected keystrokes (1 = every keystroke reached every other client). */
  delivered: number;
  latencyMs: Summary;
  serverCpuSeconds: number;
  /** Server CPU as a share of one core over the window. */
  serverCpu: number;
  serverPeakRssMb: number;
  loadCpu: number;
  /** Connections closed by the end of the window. */
  closed: number;
}

export async function measureTyping(session: Session, params: TypingParams, concurrency: number): Promise<TypingResult> {
  const { load } = session;
  const connected = await load.request(
    {
      type: 'connect',
      rooms: params.rooms,
      clientsPerRoom: params.clientsPerRoom,
      observerRooms: params.observerRooms,
      observersPerRoom: params.observersPerRoom,
      concurrency,
    },
    'connected',
  );
  await load.request({ type: 'type', rate: params.rate }, 'ok');
  await sleep(params.warmupSeconds * 1000);
  const before = sample(session);
  const peakRss = trackPeakRss(session.server.pid);
  const measured = await load.request({ type: 'measure', seconds: params.seconds }, 'measured');
  const after = sample(session);
  const peak = peakRss();
  await load.request({ type: 'pause' }, 'ok');
  const result: TypingResult = {
    rooms: connected.rooms,
    clients: connected.clients,
    observers: connected.observers,
    failed: connected.failed,
    connectSeconds: connected.seconds,
    seconds: measured.seconds,
    updatesPerSecond: measured.sent / measured.seconds,
    deliveriesPerSecond: measured.delivered / measured.seconds,
    delivered: measured.expected > 0 ? measured.delivered / measured.expected : 0,
    latencyMs: summarize(measured.latencies),
    serverCpuSeconds: after.server.cpuSeconds - before.server.cpuSeconds,
    serverCpu: cpuShare(before.server, after.server),
    serverPeakRssMb: peak / 2 ** 20,
    loadCpu: cpuShare(before.load, after.load),
    closed: measured.closed,
  };
  if (connected.firstError !== undefined) result.firstError = connected.firstError;
  return result;
}
