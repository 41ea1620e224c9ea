// Capacity: rooms of C typing clients, more rooms at each step, until the
// p99 delivery latency passes the limit or keystrokes go missing. The figure
// is the number of clients of the last step that held.
import { setTimeout as sleep } from 'node:timers/promises';
import { summarize } from '../../lib/stats.ts';
import type { CapacityParams } from '../config.ts';
import { cpuBetween, sample, type Session } from './session.ts';

export interface CapacityStep {
  rooms: number;
  clients: number;
  failed: number;
  p50: number;
  p99: number;
  delivered: number;
  serverCpu: number;
  loadCpu: number;
  otherCpu: number;
  held: boolean;
}

export interface CapacityResult {
  /** Clients of the largest step that held (0 when even the first did not). */
  held: number;
  /** Why it stopped: the failing step's figures, or that the last step held. */
  stoppedBy: string;
  steps: CapacityStep[];
}

export async function measureCapacity(session: Session, params: CapacityParams, concurrency: number): Promise<CapacityResult> {
  const { load } = session;
  const steps: CapacityStep[] = [];
  for (const rooms of params.steps) {
    const connected = await load.request(
      {
        type: 'connect',
        rooms,
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
    const measured = await load.request({ type: 'measure', seconds: params.seconds }, 'measured');
    const after = sample(session);
    await load.request({ type: 'pause' }, 'ok');
    const latency = summarize(measured.latencies);
    const cpu = cpuBetween(before, after);
    const delivered = measured.expected > 0 ? measured.delivered / measured.expected : 0;
    const step: CapacityStep = {
      rooms,
      clients: connected.clients,
      failed: connected.failed,
      p50: latency.p50,
      p99: latency.p99,
      delivered,
      serverCpu: cpu.server,
      loadCpu: cpu.load,
      otherCpu: cpu.other,
      held: connected.failed === 0 && latency.p99 <= params.p99LimitMs && delivered >= params.minDelivered,
    };
    steps.push(step);
    if (!step.held) {
      const why = connected.failed > 0 ? `${connected.failed} clients failed to connect` : `p99 ${latency.p99.toFixed(1)} ms, ${(delivered * 100).toFixed(1)} % delivered`;
      return { held: steps.at(-2)?.clients ?? 0, stoppedBy: `${step.clients} clients: ${why}`, steps };
    }
  }
  return { held: steps.at(-1)?.clients ?? 0, stoppedBy: 'the largest step held (more may fit)', steps };
}
