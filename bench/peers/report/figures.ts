// The figures the peer report compares, how each is read from a system's
// results, and which direction is better.
import type { SystemResults } from '../results.ts';

export type Better = 'lower' | 'higher' | 'neither';

export interface Figure {
  group: string;
  label: string;
  unit: string;
  better: Better;
  digits: number;
  value(results: SystemResults): number | undefined;
  /** What the reader must know beside the value (failed clients, …). */
  note?(results: SystemResults): string | undefined;
}

const pct = (share: number | undefined) => (share === undefined ? undefined : share * 100);

function connectionNote(result: { failed: number; closed: number } | undefined): string | undefined {
  if (!result) return undefined;
  const parts = [result.failed > 0 ? `${result.failed} failed to connect` : '', result.closed > 0 ? `${result.closed} dropped` : ''];
  return parts.filter(Boolean).join(', ') || undefined;
}

export const FIGURES: Figure[] = [
  { group: 'typing', label: 'p50', unit: 'ms', better: 'lower', digits: 2, value: (r) => r.typing?.latencyMs.p50 },
  { group: 'typing', label: 'p95', unit: 'ms', better: 'lower', digits: 2, value: (r) => r.typing?.latencyMs.p95 },
  { group: 'typing', label: 'p99', unit: 'ms', better: 'lower', digits: 2, value: (r) => r.typing?.latencyMs.p99 },
  {
    group: 'typing',
    label: 'delivered',
    unit: '%',
    better: 'higher',
    digits: 1,
    value: (r) => pct(r.typing?.delivered),
    note: (r) => connectionNote(r.typing),
  },
  { group: 'typing', label: 'server CPU', unit: '% of a core', better: 'lower', digits: 0, value: (r) => pct(r.typing?.serverCpu) },
  { group: 'typing', label: 'server peak RSS', unit: 'MB', better: 'lower', digits: 0, value: (r) => r.typing?.serverPeakRssMb },
  { group: 'typing', label: 'load generator CPU', unit: '% of a core', better: 'neither', digits: 0, value: (r) => pct(r.typing?.loadCpu) },
  {
    group: 'typing',
    label: 'rest of the machine’s CPU',
    unit: '% of a core',
    better: 'neither',
    digits: 0,
    value: (r) => pct(r.typing?.otherCpu),
  },
  { group: 'hot room', label: 'p50', unit: 'ms', better: 'lower', digits: 2, value: (r) => r.hotRoom?.latencyMs.p50 },
  { group: 'hot room', label: 'p99', unit: 'ms', better: 'lower', digits: 2, value: (r) => r.hotRoom?.latencyMs.p99 },
  {
    group: 'hot room',
    label: 'delivered',
    unit: '%',
    better: 'higher',
    digits: 1,
    value: (r) => pct(r.hotRoom?.delivered),
    note: (r) => connectionNote(r.hotRoom),
  },
  { group: 'hot room', label: 'server CPU', unit: '% of a core', better: 'lower', digits: 0, value: (r) => pct(r.hotRoom?.serverCpu) },
  { group: 'capacity', label: 'clients held at p99 ≤ 50 ms', unit: 'clients', better: 'higher', digits: 0, value: (r) => r.capacity?.held },
  {
    group: 'idle memory',
    label: 'RSS per client',
    unit: 'KB',
    better: 'lower',
    digits: 1,
    value: (r) => r.idle?.perClientKb,
    note: (r) => (r.idle?.failed ? `${r.idle.failed} failed to connect` : undefined),
  },
  { group: 'idle memory', label: 'RSS per room', unit: 'KB', better: 'lower', digits: 1, value: (r) => r.idle?.perRoomKb },
  {
    group: 'join storm',
    label: 'all synced after',
    unit: 's',
    better: 'lower',
    digits: 2,
    value: (r) => r.storm?.seconds,
    note: (r) => (r.storm?.failed ? `${r.storm.failed} of ${r.storm.clients} failed` : undefined),
  },
];

/**
 * Atelier's advantage over a peer on a figure: the peer's value ÷ Atelier's
 * where lower is better, Atelier's ÷ the peer's where higher is better. Above
 * 1 Atelier is ahead, below 1 behind. Undefined when either value is missing.
 */
export function advantage(figure: Figure, atelier: number | undefined, peer: number | undefined): number | undefined {
  if (figure.better === 'neither' || atelier === undefined || peer === undefined) return undefined;
  if (!Number.isFinite(atelier) || !Number.isFinite(peer) || atelier <= 0 || peer <= 0) return undefined;
  return figure.better === 'lower' ? peer / atelier : atelier / peer;
}

export function formatValue(figure: Figure, value: number | undefined): string {
  if (value === undefined) return '—';
  if (!Number.isFinite(value)) return 'n/a';
  return value.toLocaleString('en-US', { minimumFractionDigits: figure.digits, maximumFractionDigits: figure.digits });
}
