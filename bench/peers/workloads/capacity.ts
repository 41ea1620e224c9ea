// Capacity: rooms of C typing clients, more rooms at each step, until the
// p99 delivery latency passes the limit or keystrokes go missing. The figure
// is the number of clients of the last step that held.
import { summarize } from '../../lib/stats.ts';
import type { CapacityParams } from '../config.ts';
import { type Session, typingRound } from './session.ts';
import type { WindowFigures } from './typing.ts';

/** One step: a typing round's figures at that many rooms, and whether it held. */
export interface CapacityStep extends WindowFigures {
  rooms: number;
  clients: number;
  failed: number;
  held: boolean;
}

export interface CapacityResult {
  /** Clients of the largest step that held (0 when even the first did not). */
  held: number;
  /** Why it stopped: the failing step's figures, or that the last step held. */
  stoppedBy: string;
  steps: CapacityStep[];
  /** Cores kept busy by every other process on the machine, mean over the steps' windows. */
  otherCpu: number;
}

export async function measureCapacity(session: Session, params: CapacityParams, concurrency: number): Promise<CapacityResult> {
  const steps: CapacityStep[] = [];
  for (const rooms of params.steps) {
    const { connected, measured, cpu } = await typingRound(session, { ...params, rooms }, concurrency);
    const latency = summarize(measured.latencies);
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
      const why =
        connected.failed > 0
          ? `${connected.failed} clients failed to connect`
          : `p99 ${latency.p99.toFixed(1)} ms, ${(delivered * 100).toFixed(1)} % delivered`;
      return { held: steps.at(-2)?.clients ?? 0, stoppedBy: `${step.clients} clients: ${why}`, steps, otherCpu: meanOtherCpu(steps) };
    }
  }
  return { held: steps.at(-1)?.clients ?? 0, stoppedBy: 'the largest step held (more may fit)', steps, otherCpu: meanOtherCpu(steps) };
}

const meanOtherCpu = (steps: readonly CapacityStep[]) => steps.reduce((sum, s) => sum + s.otherCpu, 0) / Math.max(1, steps.length);
