// The peer report as markdown: the comparison table, the chart, and what was
// run on what.
import type { BenchConfig } from '../config.ts';
import { type RunReport, roundsOf, type SystemResults, type WorkloadId, type WorkloadResults } from '../results.ts';
import type { CapacityResult } from '../workloads/capacity.ts';
import type { IdleResult } from '../workloads/idle-memory.ts';
import type { StormResult } from '../workloads/join-storm.ts';
import type { TypingResult } from '../workloads/typing.ts';
import { advantage, FIGURES, formatSpread, medianOf, spreadOf } from './figures.ts';

const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : 'n/a');
const pct = (v: number) => `${(v * 100).toFixed(0)} %`;
const int = (v: number) => Math.round(v).toLocaleString('en-US');

/** One line per round of a workload, for the progress log and the details. */
export function describeRound<W extends WorkloadId>(workload: W, round: WorkloadResults[W]): string {
  const r: WorkloadResults[WorkloadId] = round;
  switch (workload) {
    case 'typing':
    case 'hotRoom': {
      const t = r as TypingResult;
      return (
        `${int(t.clients)} clients (${t.observers} observers${t.failed ? `, ${t.failed} failed: ${t.firstError}` : ''}) joined in ${t.connectSeconds.toFixed(1)} s; ` +
        `${int(t.updatesPerSecond)} updates/s in, ${int(t.deliveriesPerSecond)} keystroke deliveries/s out (${(t.delivered * 100).toFixed(1)} %${t.closed ? `, ${t.closed} connections dropped` : ''}); ` +
        `p50 ${ms(t.latencyMs.p50)} / p95 ${ms(t.latencyMs.p95)} / p99 ${ms(t.latencyMs.p99)} / max ${ms(t.latencyMs.max)} ms (n = ${int(t.latencyMs.count)}); ` +
        `server ${t.serverCpuSeconds.toFixed(1)} CPU s in ${t.seconds.toFixed(0)} s (${pct(t.serverCpu)} of a core), peak RSS ${t.serverPeakRssMb.toFixed(0)} MB; ` +
        `load generator ${pct(t.loadCpu)} of a core, rest of the machine ${pct(t.otherCpu)}` +
        (typeof t.sameCpu !== 'number' || Number.isNaN(t.sameCpu)
          ? ''
          : `; server and load generator on one CPU ${pct(t.sameCpu)} of the window`)
      );
    }
    case 'capacity': {
      const c = r as CapacityResult;
      const steps = c.steps.map(
        (s) =>
          `${int(s.clients)}${s.failed ? ` (${s.failed} failed)` : ''}: p50 ${ms(s.p50)} / p99 ${ms(s.p99)} ms, ${(s.delivered * 100).toFixed(1)} %, ` +
          `server ${pct(s.serverCpu)}, load ${pct(s.loadCpu)}, rest ${pct(s.otherCpu)}${s.held ? '' : ' ✗'}`,
      );
      return `held ${int(c.held)} clients; stopped at ${c.stoppedBy}; rest of the machine ${pct(c.otherCpu)}. Steps: ${steps.join('; ')}`;
    }
    case 'idle': {
      const i = r as IdleResult;
      return (
        `${int(i.clients)} clients in ${int(i.rooms)} rooms${i.failed ? ` (${i.failed} failed)` : ''}, joined in ${i.connectSeconds.toFixed(1)} s; ` +
        `RSS ${i.emptyRssMb.toFixed(0)} MB empty → ${i.loadedRssMb.toFixed(0)} MB: ${i.perClientKb.toFixed(1)} KB per client, ${i.perRoomKb.toFixed(1)} KB per room; ` +
        `rest of the machine ${pct(i.otherCpu)}`
      );
    }
    case 'storm': {
      const s = r as StormResult;
      return (
        `${int(s.synced)} of ${int(s.clients)} synced${s.failed ? ` (${s.failed} failed: ${s.firstError})` : ''} ${s.seconds.toFixed(2)} s after the first attempt; ` +
        `each client's join p50 ${ms(s.joinMs.p50)} / p99 ${ms(s.joinMs.p99)} ms; ` +
        (s.serverCpuSeconds === undefined ? '' : `server CPU ${s.serverCpuSeconds.toFixed(2)} s; `) +
        `rest of the machine ${pct(s.otherCpu)}`
      );
    }
  }
  return 'unknown workload';
}

/** Peers are compared with the path Atelier's web client uses when it was measured. */
export const baselineOf = (systems: readonly SystemResults[]): SystemResults | undefined =>
  systems.find((s) => s.id === 'atelier-client') ?? systems.find((s) => s.id === 'atelier');

function table(report: RunReport): string[] {
  const systems = report.systems;
  const atelier = baselineOf(systems);
  const header = ['figure', ...systems.map((s) => s.label)];
  const rows = FIGURES.filter((f) => systems.some((s) => f.values(s).length > 0)).map((figure) => {
    const base = atelier ? medianOf(figure, atelier) : undefined;
    const better = figure.better === 'neither' ? '' : figure.better === 'lower' ? ' ↓' : ' ↑';
    const cells = systems.map((s) => {
      const spread = spreadOf(figure.values(s));
      let cell = formatSpread(figure, spread);
      if (spread && !s.id.startsWith('atelier')) {
        const ratio = advantage(figure, base, spread.median);
        if (ratio !== undefined) cell += ratio < 1 ? ` (**×${ratio.toFixed(2)}**)` : ` (×${ratio.toFixed(2)})`;
      }
      const notes = figure.notes(s);
      if (spread && spread.rounds < report.rounds) notes.push(`${spread.rounds} of ${report.rounds} rounds`);
      return notes.length ? `${cell} — ${notes.join('; ')}` : cell;
    });
    return [`${figure.group}: ${figure.label} (${figure.unit})${better}`, ...cells];
  });
  return [header, header.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`);
}

function workloadsText(c: BenchConfig): string[] {
  return [
    `- **typing**: ${c.typing.rooms} rooms × ${c.typing.clientsPerRoom} clients × ${c.typing.rate} keystrokes/s ` +
      `(${int(c.typing.rooms * c.typing.clientsPerRoom * c.typing.rate)} updates/s in, ` +
      `${int(c.typing.rooms * c.typing.clientsPerRoom * c.typing.rate * (c.typing.clientsPerRoom - 1))} deliveries/s out), ` +
      `${c.typing.warmupSeconds} s warm-up, ${c.typing.seconds} s measured; ${c.typing.observersPerRoom} observers in each of the first ${c.typing.observerRooms} rooms.`,
    `- **hot room**: ${c.hotRoom.clientsPerRoom} writers in one document, ${c.hotRoom.rate} keystroke/s each ` +
      `(${int(c.hotRoom.clientsPerRoom * c.hotRoom.rate * (c.hotRoom.clientsPerRoom - 1))} deliveries/s), ${c.hotRoom.warmupSeconds} s warm-up, ${c.hotRoom.seconds} s measured; ${c.hotRoom.observersPerRoom} of the writers are observers.`,
    `- **capacity**: rooms of ${c.capacity.clientsPerRoom} clients typing ${c.capacity.rate} keystrokes/s, at ${c.capacity.steps.join(', ')} rooms in turn ` +
      `(${c.capacity.warmupSeconds} s warm-up, ${c.capacity.seconds} s measured each) until p99 passes ${c.capacity.p99LimitMs} ms or less than ` +
      `${(c.capacity.minDelivered * 100).toFixed(0)} % is delivered; the figure is the clients of the last step that held.`,
    `- **idle memory**: ${int(c.idle.rooms * c.idle.clientsPerRoom)} idle clients (joined and synced, no awareness state) in ${int(c.idle.rooms)} rooms; ` +
      `the server's RSS ${c.idle.settleSeconds} s after the last joined, less its RSS before the first, ÷ clients and ÷ rooms.`,
    `- **join storm**: ${int(c.storm.rooms)} clients into ${int(c.storm.rooms)} rooms, ${c.storm.concurrency >= c.storm.rooms ? 'all attempts at once' : `${c.storm.concurrency} attempts in flight`}; ` +
      `time from the first attempt until the last client holds its document (the server's answer to its sync step 1).`,
  ];
}

export function renderMarkdown(report: RunReport, svgPath: string): string {
  const m = report.machine;
  const lines = [
    `Generated by \`npm run bench:peers${report.quick ? ' -- --quick' : ''}\` on ${report.date.slice(0, 16).replace('T', ' ')} UTC` +
      `${report.quick ? ' (**quick mode: small workloads, not figures to quote**)' : ''}, ${report.rounds} round${report.rounds === 1 ? '' : 's'} ` +
      `per workload and system, ${Math.round(report.seconds)} s in all (estimated ${Math.round(report.estimatedSeconds)} s); ` +
      `Atelier at commit ${report.commit}.`,
    '',
    `**Machine: ${m.cores} × ${m.cpu}, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}. Load average (1, 5, 15 min) ` +
      `${report.loadBefore.join(', ')} before the run and ${report.loadAfter.join(', ')} after.** ` +
      `Every server and the load generator share these ${m.cores} cores` +
      (report.pin === undefined
        ? '.'
        : report.pin === 'same'
          ? ', **pinned to one CPU** (`--pin same`).'
          : ', **pinned to a CPU each** (`--pin split`).'),
    '',
    ...table(report),
    '',
    `Each cell is the median of the rounds, with their range (min–max) in brackets; every round is in the details. ` +
      `↓ lower is better, ↑ higher is better. (×N) is Atelier's advantage over that peer (its client path's, when that was measured), from the medians: the peer's figure ÷ Atelier's where ` +
      `lower is better, Atelier's ÷ the peer's where higher is better; above 1 Atelier is ahead, **below 1 it is behind**. ` +
      `Latency is from a keystroke's send on its writer to its receipt by an observer (a stock provider on a real Y.Doc) in the ` +
      `same load process, on one monotonic clock. "Delivered" is the receipts, by the other clients of its room, of every ` +
      `keystroke sent in the measured window (counted until 5 s after it closed) ÷ keystrokes sent × (room size − 1). ` +
      `Server CPU is over the measured windows, in the server process's own CPU time; "rest of the machine" is what everything ` +
      `else used meanwhile (other processes and the kernel's loopback networking, from /proc/stat; for capacity the mean over its steps' windows, ` +
      `for idle memory and the join storm over the joins): the noise under which each round was taken.`,
    '',
    `![Each figure of each system, normalised to Atelier's](${svgPath})`,
    '',
    `Workloads (each round on a fresh server process; systems take turns, workload by workload, in alternating order from round to round):`,
    '',
    ...workloadsText(report.config),
    '',
    'Systems:',
    '',
    ...report.systems.map((s) => `- **${s.label}**: ${s.setup}.`),
    '',
    'Details:',
    '',
  ];
  const workloads: Array<[WorkloadId, string]> = [
    ['typing', 'typing'],
    ['hotRoom', 'hot room'],
    ['capacity', 'capacity'],
    ['idle', 'idle memory'],
    ['storm', 'join storm'],
  ];
  for (const [id, name] of workloads) {
    for (const s of report.systems) {
      const rounds = roundsOf(s, id);
      rounds.forEach((round, i) => {
        const which = rounds.length > 1 || report.rounds > 1 ? `, round ${i + 1}` : '';
        lines.push(`- ${name}, ${s.label}${which}: ${describeRound(id, round)}.`);
      });
      const error = s.errors[id];
      if (error) lines.push(`- ${name}, ${s.label}: **failed**: ${error}`);
    }
  }
  return lines.join('\n');
}
