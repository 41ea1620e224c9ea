// What every seeded fuzz run in the suite must show, whatever it fuzzed: the
// process stood, nothing threw past validation, every HTTP answer was typed,
// every honest replica equals the server's copy, and honest edits went round.
import { expect } from 'vitest';
import type { FuzzReport } from '../../scripts/fuzz/fuzz.ts';

export function expectNothingBroke(report: FuzzReport): void {
  expect(report.crash).toBeUndefined();
  expect(report.handlerFailures).toEqual([]);
  expect(report.httpFailures).toEqual([]);
  expect(report.divergences).toEqual([]);
  expect(report.clientExceptions).toEqual([]);
  expect(report.honest.samples).toBeGreaterThan(0);
  expect(report.failed).toBe(false);
}
