// The change from one prompt revision to the next, word by word (whitespace
// kept), as `[op, text]` steps that rebuild both texts.
import { diffWordsWithSpace } from 'diff';
import type { DiffOp } from '../../shared/signals.ts';

/**
 * Past this many words added and removed the diff is not worth its cost
 * (Myers' algorithm is O(N·D)): it is recorded as the old text removed and
 * the new one added.
 */
export const MAX_DIFF_EDITS = 400;

export function diffPrompts(before: string, after: string): DiffOp[] {
  if (before === after) return before === '' ? [] : [['=', before]];
  const changes = diffWordsWithSpace(before, after, { maxEditLength: MAX_DIFF_EDITS });
  if (!changes) return replaced(before, after);
  return changes
    .filter((change) => change.value !== '')
    .map((change): DiffOp => [change.added ? '+' : change.removed ? '-' : '=', change.value]);
}

function replaced(before: string, after: string): DiffOp[] {
  const ops: DiffOp[] = [];
  if (before !== '') ops.push(['-', before]);
  if (after !== '') ops.push(['+', after]);
  return ops;
}
