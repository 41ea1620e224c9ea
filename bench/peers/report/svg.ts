// The peer chart, hand-written SVG: one group of bars per figure, every
// system's median value divided by Atelier's (Atelier = 1), on a linear axis clipped
// at a few times Atelier's figure (clipped bars carry their value).
import type { RunReport } from '../results.ts';
import type { SystemId } from '../system.ts';
import { FIGURES, medianOf } from './figures.ts';

const COLORS: Record<SystemId, string> = {
  atelier: '#2563eb',
  'atelier-client': '#1e3a8a',
  'atelier-sio': '#93c5fd',
  hocuspocus: '#f59e0b',
  'y-socket.io': '#10b981',
};

const BAR = 14;
const GROUP_GAP = 36;
const LEFT = 48;
const RIGHT = 16;
const TOP = 108;
const PLOT = 240;
const BOTTOM = 72;
const MAX_AXIS = 4;

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const round = (v: number) => Math.round(v * 10) / 10;

export function renderSvg(report: RunReport): string {
  const atelier = report.systems.find((s) => s.id === 'atelier');
  const figures = FIGURES.filter((f) => f.better !== 'neither' && atelier && (medianOf(f, atelier) ?? 0) > 0);
  const systems = report.systems;
  const groupWidth = systems.length * BAR + GROUP_GAP;
  const width = LEFT + figures.length * groupWidth + RIGHT;
  const height = TOP + PLOT + BOTTOM;
  const ratios = figures.map((f) =>
    systems.map((s) => {
      const v = medianOf(f, s);
      return v === undefined || !Number.isFinite(v) ? undefined : v / medianOf(f, atelier!)!;
    }),
  );
  const largest = Math.max(1, ...ratios.flat().filter((r): r is number => r !== undefined));
  const axisMax = Math.min(MAX_AXIS, Math.max(2, Math.ceil(largest * 2) / 2));
  const y = (ratio: number) => TOP + PLOT - (Math.min(ratio, axisMax) / axisMax) * PLOT;

  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${LEFT}" y="18" font-size="14" font-weight="600">Atelier and its peers: each figure's median ÷ Atelier's (Atelier = 1)</text>`,
    `<text x="${LEFT}" y="34" fill="#555">${escapeXml(`↓ lower is better, ↑ higher is better · ${report.date.slice(0, 10)} · ${report.machine.cores} × ${report.machine.cpu} · Node ${report.machine.node} · load ${report.loadBefore[0]} → ${report.loadAfter[0]}${report.quick ? ' · QUICK MODE' : ''}`)}</text>`,
  ];
  systems.forEach((s, i) => {
    const x = LEFT + i * 150;
    out.push(
      `<rect x="${x}" y="46" width="12" height="12" fill="${COLORS[s.id]}"/>`,
      `<text x="${x + 17}" y="56">${escapeXml(s.label)}</text>`,
    );
  });
  for (let tick = 0; tick <= axisMax; tick += 0.5) {
    const ty = y(tick);
    out.push(
      `<line x1="${LEFT}" x2="${width - RIGHT}" y1="${ty}" y2="${ty}" stroke="${tick === 1 ? '#2563eb' : '#e5e7eb'}"${tick === 1 ? ' stroke-dasharray="4 3"' : ''}/>`,
      `<text x="${LEFT - 6}" y="${ty + 4}" text-anchor="end" fill="#555">${tick}×</text>`,
    );
  }
  figures.forEach((figure, g) => {
    const x0 = LEFT + g * groupWidth + GROUP_GAP / 2;
    systems.forEach((s, i) => {
      const ratio = ratios[g]![i];
      if (ratio === undefined) return;
      const x = x0 + i * BAR;
      const top = y(ratio);
      const clipped = ratio > axisMax;
      out.push(
        `<rect x="${x}" y="${round(top)}" width="${BAR - 2}" height="${round(TOP + PLOT - top)}" fill="${COLORS[s.id]}"><title>${escapeXml(`${s.label}: ${figure.group} ${figure.label} ${medianOf(figure, s)!.toFixed(figure.digits)} ${figure.unit} (${ratio.toFixed(2)}× Atelier's)`)}</title></rect>`,
      );
      if (s.id === 'atelier') return;
      const label = ratio >= 10 ? ratio.toFixed(0) : ratio.toFixed(ratio >= 1 ? 1 : 2);
      const lx = x + (BAR - 2) / 2 + 3;
      out.push(
        `<text x="${lx}" y="${round(top - 3)}" transform="rotate(-90 ${lx} ${round(top - 3)})" font-size="9" fill="${clipped ? '#b91c1c' : '#333'}">${label}${clipped ? '×' : ''}</text>`,
      );
    });
    const cx = x0 + (systems.length * BAR) / 2 - 1;
    const arrow = figure.better === 'lower' ? '↓' : '↑';
    out.push(
      `<text x="${cx}" y="${TOP + PLOT + 16}" text-anchor="middle" font-weight="600">${escapeXml(figure.group)}</text>`,
      ...wrap(`${figure.label} ${arrow}`, 13).map(
        (line, l) => `<text x="${cx}" y="${TOP + PLOT + 30 + l * 12}" text-anchor="middle">${escapeXml(line)}</text>`,
      ),
    );
  });
  out.push(`<line x1="${LEFT}" x2="${width - RIGHT}" y1="${TOP + PLOT}" y2="${TOP + PLOT}" stroke="#333"/>`, '</svg>');
  return `${out.join('\n')}\n`;
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}
