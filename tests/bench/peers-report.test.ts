// The peer benchmark's report: each figure is the median of its rounds with
// their range, the (×N) ratios come from the medians, every round is listed,
// and the run's estimated duration stays within the full run's budget.
import { describe, expect, it } from 'vitest';
import { FULL, QUICK } from '../../bench/peers/config.ts';
import { estimateSeconds, roundSeconds } from '../../bench/peers/estimate.ts';
import { spreadOf } from '../../bench/peers/report/figures.ts';
import { renderMarkdown } from '../../bench/peers/report/markdown.ts';
import { addRound, type RunReport, type SystemResults, WORKLOADS } from '../../bench/peers/results.ts';
import { SYSTEM_IDS, type SystemId } from '../../bench/peers/system.ts';
import type { IdleResult } from '../../bench/peers/workloads/idle-memory.ts';

function idle(perClientKb: number, otherCpu = 0.05): IdleResult {
  return {
    rooms: 100,
    clients: 500,
    failed: 0,
    connectSeconds: 1,
    emptyRssMb: 100,
    loadedRssMb: 100 + (perClientKb * 500) / 1024,
    perClientKb,
    perRoomKb: perClientKb * 5,
    otherCpu,
  };
}

function system(id: SystemId, label: string, perClientKb: number[]): SystemResults {
  const results: SystemResults = { id, label, setup: `${label} setup`, rounds: {}, errors: {} };
  for (const kb of perClientKb) addRound(results, 'idle', idle(kb));
  return results;
}

function report(systems: SystemResults[]): RunReport {
  return {
    date: '2026-12-07T06:00:00.000Z',
    commit: 'abc1234',
    quick: false,
    rounds: 3,
    machine: { cpu: 'Test CPU', cores: 2, memoryGiB: 8, os: 'Linux', node: 'v24' },
    loadBefore: [1, 1, 1],
    loadAfter: [1, 1, 1],
    estimatedSeconds: 60,
    seconds: 55,
    config: FULL,
    systems,
  };
}

const row = (markdown: string, start: string) => markdown.split('\n').find((line) => line.startsWith(`| ${start}`));

describe('peer benchmark report', () => {
  it('takes the median of the rounds (the mean of the middle two for an even count) and their range', () => {
    expect(spreadOf([30, 10, 20])).toEqual({ median: 20, min: 10, max: 30, rounds: 3 });
    expect(spreadOf([4, 1, 3, 2])).toEqual({ median: 2.5, min: 1, max: 4, rounds: 4 });
    expect(spreadOf([])).toBeUndefined();
  });

  it('shows each figure as its median with the range, and the ratio from the medians', () => {
    const markdown = renderMarkdown(
      report([system('atelier-client', 'Client path', [50, 40, 42]), system('hocuspocus', 'Hocuspocus', [30, 36, 35])]),
      'peers.svg',
    );
    // Medians 42 and 35: Hocuspocus uses less memory per client, 35 ÷ 42 = 0.83, shown as Atelier behind.
    expect(row(markdown, 'idle memory: RSS per client')).toBe(
      '| idle memory: RSS per client (KB) ↓ | 42.0 (40.0–50.0) | 35.0 (30.0–36.0) (**×0.83**) |',
    );
    expect(row(markdown, 'idle memory: rest of the machine')).toBe(
      '| idle memory: rest of the machine’s CPU (% of a core) | 5 (5–5) | 5 (5–5) |',
    );
    expect(markdown).toContain('3 rounds per workload and system, 55 s in all (estimated 60 s)');
    for (const round of [1, 2, 3]) {
      expect(markdown).toContain(`- idle memory, Client path, round ${round}: 500 clients in 100 rooms`);
      expect(markdown).toContain(`- idle memory, Hocuspocus, round ${round}: 500 clients in 100 rooms`);
    }
    expect(markdown).toContain('50.0 KB per client, 250.0 KB per room; rest of the machine 5 %');
  });

  it('says when a system has fewer rounds than planned, and why', () => {
    const failing = system('hocuspocus', 'Hocuspocus', [30, 36]);
    failing.errors.idle = 'round 3: load generator exited with 1 during connect';
    const markdown = renderMarkdown(report([system('atelier', 'Atelier', [20, 22, 24]), failing]), 'peers.svg');
    expect(row(markdown, 'idle memory: RSS per client')).toBe(
      '| idle memory: RSS per client (KB) ↓ | 22.0 (20.0–24.0) | 33.0 (30.0–36.0) (×1.50) — 2 of 3 rounds |',
    );
    expect(markdown).toContain('- idle memory, Hocuspocus: **failed**: round 3: load generator exited with 1 during connect');
  });

  it('estimates a run as the sum of its rounds, a full run of every system within 25 minutes', () => {
    const plan = SYSTEM_IDS.flatMap((system) =>
      WORKLOADS.filter((workload) => system !== 'atelier-sio' || workload === 'typing').map((workload) => ({ system, workload })),
    );
    const oneRound = estimateSeconds(FULL, plan, 1);
    expect(estimateSeconds(FULL, plan, 3)).toBeCloseTo(3 * oneRound);
    expect(estimateSeconds(FULL, plan, 3)).toBeLessThanOrEqual(25 * 60);
    expect(estimateSeconds(QUICK, plan, 3)).toBeLessThan(estimateSeconds(FULL, plan, 3));
    // Atelier creates its rooms over HTTP, the peers' documents need none.
    expect(roundSeconds(FULL, 'atelier', 'storm')).toBeGreaterThan(roundSeconds(FULL, 'hocuspocus', 'storm'));
  });
});
