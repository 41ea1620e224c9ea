// The figures the peer report compares, how each is read from one round's
// result, which direction is better, and how rounds become one figure: their
// median, with the spread (min–max) beside it.
import { roundsOf, type SystemResults, type WorkloadId, type WorkloadResults } from '../results.ts';

export type Better = 'lower' | 'higher' | 'neither';

interface FigureOf<W extends WorkloadId> {
  workload: W;
  group: string;
  label: string;
  unit: string;
  better: Better;
  digits: number;
  read(round: WorkloadResults[W]): number | undefined;
  /** What the reader must know beside the value of a round (failed clients, …). */
  note?(round: WorkloadResults[W]): string | undefined;
}

export interface Figure {
  workload: WorkloadId;
  group: string;
  label: string;
  unit: string;
  better: Better;
  digits: number;
  /** The figure in every round of the system that measured it, in round order. */
  values(results: SystemResults): number[];
  /** Notes of the rounds that have one, each saying its round. */
  notes(results: SystemResults): string[];
}

/** A figure read round by round from one workload's results. */
function figure<W extends WorkloadId>(f: FigureOf<W>): Figure {
  const { read, note, ...rest } = f;
  return {
    ...rest,
    values: (results) =>
      roundsOf(results, f.workload)
        .map(read)
        .filter((v): v is number => v !== undefined),
    notes(results) {
      const rounds = roundsOf(results, f.workload);
      return rounds.flatMap((round, i) => {
        const text = note?.(round);
        if (!text) return [];
        return [rounds.length > 1 ? `round ${i + 1}: ${text}` : text];
      });
    },
  };
}

export interface Spread {
  median: number;
  min: number;
  max: number;
  rounds: number;
}

/** Median and range of a figure's rounds (the median of an even count is the mean of the middle two); undefined for none. */
export function spreadOf(values: readonly number[]): Spread | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted.at(-1)!, rounds: sorted.length };
}

/** The median of a system's rounds of a figure. */
export const medianOf = (f: Figure, results: SystemResults): number | undefined => spreadOf(f.values(results))?.median;

const pct = (share: number | undefined) => (share === undefined ? undefined : share * 100);

function connectionNote(result: { failed: number; closed?: number }): string | undefined {
  const closed = result.closed ?? 0;
  const parts = [result.failed > 0 ? `${result.failed} failed to connect` : '', closed > 0 ? `${closed} dropped` : ''];
  return parts.filter(Boolean).join(', ') || undefined;
}

const REST = 'rest of the machine’s CPU';

/** What everything but the server and the load generator used during a workload's rounds: the noise beside its figures. */
function restOfMachine(workload: WorkloadId, group: string): Figure {
  return figure({ workload, group, label: REST, unit: '% of a core', better: 'neither', digits: 0, read: (r) => pct(r.otherCpu) });
}

function typingFigures(workload: 'typing' | 'hotRoom', group: string, percentiles: Array<'p50' | 'p95' | 'p99'>): Figure[] {
  return [
    ...percentiles.map((p) => figure({ workload, group, label: p, unit: 'ms', better: 'lower', digits: 2, read: (r) => r.latencyMs[p] })),
    figure({
      workload,
      group,
      label: 'delivered',
      unit: '%',
      better: 'higher',
      digits: 1,
      read: (r) => pct(r.delivered),
      note: connectionNote,
    }),
    figure({ workload, group, label: 'server CPU', unit: '% of a core', better: 'lower', digits: 0, read: (r) => pct(r.serverCpu) }),
    figure({ workload, group, label: 'server peak RSS', unit: 'MB', better: 'lower', digits: 0, read: (r) => r.serverPeakRssMb }),
    figure({
      workload,
      group,
      label: 'load generator CPU',
      unit: '% of a core',
      better: 'neither',
      digits: 0,
      read: (r) => pct(r.loadCpu),
    }),
    restOfMachine(workload, group),
  ];
}

export const FIGURES: Figure[] = [
  ...typingFigures('typing', 'typing', ['p50', 'p95', 'p99']),
  ...typingFigures('hotRoom', 'hot room', ['p50', 'p99']).filter((f) => f.label !== 'server peak RSS' && f.label !== 'load generator CPU'),
  figure({
    workload: 'capacity',
    group: 'capacity',
    label: 'clients held at p99 ≤ 50 ms',
    unit: 'clients',
    better: 'higher',
    digits: 0,
    read: (r) => r.held,
  }),
  restOfMachine('capacity', 'capacity'),
  figure({
    workload: 'idle',
    group: 'idle memory',
    label: 'RSS per client',
    unit: 'KB',
    better: 'lower',
    digits: 1,
    read: (r) => r.perClientKb,
    note: (r) => (r.failed ? `${r.failed} failed to connect` : undefined),
  }),
  figure({
    workload: 'idle',
    group: 'idle memory',
    label: 'RSS per room',
    unit: 'KB',
    better: 'lower',
    digits: 1,
    read: (r) => r.perRoomKb,
  }),
  restOfMachine('idle', 'idle memory'),
  figure({
    workload: 'storm',
    group: 'join storm',
    label: 'all synced after',
    unit: 's',
    better: 'lower',
    digits: 2,
    read: (r) => r.seconds,
    note: (r) => (r.failed ? `${r.failed} of ${r.clients} failed` : undefined),
  }),
  restOfMachine('storm', 'join storm'),
];

/**
 * Atelier's advantage over a peer on a figure: the peer's value ÷ Atelier's
 * where lower is better, Atelier's ÷ the peer's where higher is better. Above
 * 1 Atelier is ahead, below 1 behind. Undefined when either value is missing.
 */
export function advantage(figure: Pick<Figure, 'better'>, atelier: number | undefined, peer: number | undefined): number | undefined {
  if (figure.better === 'neither' || atelier === undefined || peer === undefined) return undefined;
  if (!Number.isFinite(atelier) || !Number.isFinite(peer) || atelier <= 0 || peer <= 0) return undefined;
  return figure.better === 'lower' ? peer / atelier : atelier / peer;
}

export function formatValue(figure: Pick<Figure, 'digits'>, value: number | undefined): string {
  if (value === undefined) return '—';
  if (!Number.isFinite(value)) return 'n/a';
  return value.toLocaleString('en-US', { minimumFractionDigits: figure.digits, maximumFractionDigits: figure.digits });
}

/** A figure's cell: the median, and the range when there was more than one round. */
export function formatSpread(figure: Pick<Figure, 'digits'>, spread: Spread | undefined): string {
  if (!spread) return '—';
  const median = formatValue(figure, spread.median);
  if (spread.rounds < 2) return median;
  return `${median} (${formatValue(figure, spread.min)}–${formatValue(figure, spread.max)})`;
}
