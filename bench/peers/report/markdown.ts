// The peer report as markdown: the comparison table, the chart, and what was
// run on what.
import type { BenchConfig } from '../config.ts';
import type { RunReport, SystemResults, WorkloadId } from '../results.ts';
import { advantage, FIGURES, formatValue } from './figures.ts';

const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : 'n/a');
const pct = (v: number) => `${(v * 100).toFixed(0)} %`;
const int = (v: number) => Math.round(v).toLocaleString('en-US');

/** One line per workload and system, for the progress log and the details. */
export function describeWorkload(r: SystemResults, workload: WorkloadId): string {
  switch (workload) {
    case 'typing':
    case 'hotRoom': {
      const t = workload === 'typing' ? r.typing : r.hotRoom;
      if (!t) return 'not run';
      return (
        `${int(t.clients)} clients (${t.observers} observers${t.failed ? `, ${t.failed} failed: ${t.firstError}` : ''}) joined in ${t.connectSeconds.toFixed(1)} s; ` +
        `${int(t.updatesPerSecond)} updates/s in, ${int(t.deliveriesPerSecond)} keystroke deliveries/s out (${(t.delivered * 100).toFixed(1)} %${t.closed ? `, ${t.closed} connections dropped` : ''}); ` +
        `p50 ${ms(t.latencyMs.p50)} / p95 ${ms(t.latencyMs.p95)} / p99 ${ms(t.latencyMs.p99)} / max ${ms(t.latencyMs.max)} ms (n = ${int(t.latencyMs.count)}); ` +
        `server ${t.serverCpuSeconds.toFixed(1)} CPU s in ${t.seconds.toFixed(0)} s (${pct(t.serverCpu)} of a core), peak RSS ${t.serverPeakRssMb.toFixed(0)} MB; ` +
        `load generator ${pct(t.loadCpu)} of a core, rest of the machine ${pct(t.otherCpu)}` +
        (t.rounds.length > 1
          ? `; rounds: ${t.rounds.map((r) => `p50 ${ms(r.p50)} / p99 ${ms(r.p99)} ms, server ${pct(r.serverCpu)}, rest ${pct(r.otherCpu)}`).join(' | ')}`
          : '')
      );
    }
    case 'capacity': {
      const c = r.capacity;
      if (!c) return 'not run';
      const steps = c.steps.map(
        (s) =>
          `${int(s.clients)}${s.failed ? ` (${s.failed} failed)` : ''}: p50 ${ms(s.p50)} / p99 ${ms(s.p99)} ms, ${(s.delivered * 100).toFixed(1)} %, ` +
          `server ${pct(s.serverCpu)}, load ${pct(s.loadCpu)}, rest ${pct(s.otherCpu)}${s.held ? '' : ' ✗'}`,
      );
      return `held ${int(c.held)} clients; stopped at ${c.stoppedBy}. Steps: ${steps.join('; ')}`;
    }
    case 'idle': {
      const i = r.idle;
      if (!i) return 'not run';
      return (
        `${int(i.clients)} clients in ${int(i.rooms)} rooms${i.failed ? ` (${i.failed} failed)` : ''}, joined in ${i.connectSeconds.toFixed(1)} s; ` +
        `RSS ${i.emptyRssMb.toFixed(0)} MB empty → ${i.loadedRssMb.toFixed(0)} MB: ${i.perClientKb.toFixed(1)} KB per client, ${i.perRoomKb.toFixed(1)} KB per room`
      );
    }
    case 'storm': {
      const s = r.storm;
      if (!s) return 'not run';
      return (
        `${int(s.synced)} of ${int(s.clients)} synced${s.failed ? ` (${s.failed} failed: ${s.firstError})` : ''} ${s.seconds.toFixed(2)} s after the first attempt; ` +
        `each client's join p50 ${ms(s.joinMs.p50)} / p99 ${ms(s.joinMs.p99)} ms`
      );
    }
  }
}

function table(report: RunReport): string[] {
  const systems = report.systems;
  // Peers are compared with the path Atelier's web client uses when it was measured.
  const atelier = systems.find((s) => s.id === 'atelier-client') ?? systems.find((s) => s.id === 'atelier');
  const header = ['figure', ...systems.map((s) => s.label)];
  const rows = FIGURES.filter((f) => systems.some((s) => f.value(s) !== undefined)).map((figure) => {
    const base = atelier ? figure.value(atelier) : undefined;
    const better = figure.better === 'neither' ? '' : figure.better === 'lower' ? ' ↓' : ' ↑';
    const cells = systems.map((s) => {
      const value = figure.value(s);
      let cell = formatValue(figure, value);
      if (value !== undefined && !s.id.startsWith('atelier')) {
        const ratio = advantage(figure, base, value);
        if (ratio !== undefined) cell += ratio < 1 ? ` (**×${ratio.toFixed(2)}**)` : ` (×${ratio.toFixed(2)})`;
      }
      const note = figure.note?.(s);
      return note ? `${cell} — ${note}` : cell;
    });
    return [`${figure.group}: ${figure.label} (${figure.unit})${better}`, ...cells];
  });
  return [header, header.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`);
}

function workloadsText(c: BenchConfig): string[] {
  const rounds =
    c.typingRounds > 1
      ? ` In ${c.typingRounds} rounds, systems in alternating order, each round on a fresh server; latency samples pooled.`
      : '';
  return [
    `- **typing**: ${c.typing.rooms} rooms × ${c.typing.clientsPerRoom} clients × ${c.typing.rate} keystrokes/s ` +
      `(${int(c.typing.rooms * c.typing.clientsPerRoom * c.typing.rate)} updates/s in, ` +
      `${int(c.typing.rooms * c.typing.clientsPerRoom * c.typing.rate * (c.typing.clientsPerRoom - 1))} deliveries/s out), ` +
      `${c.typing.warmupSeconds} s warm-up, ${c.typing.seconds} s measured; ${c.typing.observersPerRoom} observers in each of the first ${c.typing.observerRooms} rooms.${rounds}`,
    `- **hot room**: ${c.hotRoom.clientsPerRoom} writers in one document, ${c.hotRoom.rate} keystroke/s each ` +
      `(${int(c.hotRoom.clientsPerRoom * c.hotRoom.rate * (c.hotRoom.clientsPerRoom - 1))} deliveries/s), ${c.hotRoom.seconds} s measured; ${c.hotRoom.observersPerRoom} of the writers are observers.`,
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
      `${report.quick ? ' (**quick mode: small workloads, not figures to quote**)' : ''}, ${Math.round(report.seconds)} s in all; ` +
      `Atelier at commit ${report.commit}.`,
    '',
    `**Machine: ${m.cores} × ${m.cpu}, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}. Load average (1, 5, 15 min) ` +
      `${report.loadBefore.join(', ')} before the run and ${report.loadAfter.join(', ')} after.** ` +
      `Every server and the load generator share these ${m.cores} cores.`,
    '',
    ...table(report),
    '',
    `↓ lower is better, ↑ higher is better. (×N) is Atelier's advantage over that peer (its client path's, when that was measured): the peer's figure ÷ Atelier's where ` +
      `lower is better, Atelier's ÷ the peer's where higher is better; above 1 Atelier is ahead, **below 1 it is behind**. ` +
      `Latency is from a keystroke's send on its writer to its receipt by an observer (a stock provider on a real Y.Doc) in the ` +
      `same load process, on one monotonic clock. "Delivered" is the receipts, by the other clients of its room, of every ` +
      `keystroke sent in the measured window (counted until 5 s after it closed) ÷ keystrokes sent × (room size − 1). ` +
      `Server CPU is over the measured windows, in the server process's own CPU time; "rest of the machine" is what everything ` +
      `else used meanwhile (other processes and the kernel's loopback networking, from /proc/stat): the noise under ` +
      `which the figures were taken.`,
    '',
    `![Each figure of each system, normalised to Atelier's](${svgPath})`,
    '',
    'Workloads (each on a fresh server process, systems taking turns workload by workload):',
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
      const error = s.errors[id];
      if (error) lines.push(`- ${name}, ${s.label}: **failed**: ${error}`);
      else if (s[id] !== undefined) lines.push(`- ${name}, ${s.label}: ${describeWorkload(s, id)}.`);
    }
  }
  return lines.join('\n');
}
