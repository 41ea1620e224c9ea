import { describe, expect, it } from 'vitest';
import type { DiffOp } from '../../shared/signals.ts';
import { diffPrompts, MAX_DIFF_EDITS } from '../../server/signals/prompt-diff.ts';

/** The documented reading of a diff: `before` drops the additions, `after` the removals. */
const side = (ops: readonly DiffOp[], which: 'before' | 'after') =>
  ops
    .filter(([op]) => op !== (which === 'before' ? '+' : '-'))
    .map(([, text]) => text)
    .join('');

describe('prompt diffs', () => {
  it('keeps, removes and adds whole words, whitespace included', () => {
    const ops = diffPrompts('a red fox in snow', 'a red fox at dusk in snow');
    expect(ops).toEqual([
      ['=', 'a red fox '],
      ['+', 'at dusk '],
      ['=', 'in snow'],
    ]);
    expect(diffPrompts('a red  fox', 'a blue  fox')).toEqual([
      ['=', 'a '],
      ['-', 'red'],
      ['+', 'blue'],
      ['=', '  fox'],
    ]);
  });

  it('the first revision is all added; an unchanged prompt all kept; two empty prompts nothing', () => {
    expect(diffPrompts('', 'a red fox')).toEqual([['+', 'a red fox']]);
    expect(diffPrompts('same', 'same')).toEqual([['=', 'same']]);
    expect(diffPrompts('', '')).toEqual([]);
    expect(diffPrompts('gone', '')).toEqual([['-', 'gone']]);
  });

  it('rebuilds both texts, also past the edit limit, where it records a replacement', () => {
    const words = (n: number, word: string) => Array.from({ length: n }, (_, i) => `${word}${i}`).join(' ');
    const cases: Array<[string, string]> = [
      ['a cat, on a mat.\nwith a hat', 'a dog; on the mat!\nwith hats'],
      [words(50, 'x'), words(60, 'x')],
      [words(MAX_DIFF_EDITS, 'old'), words(MAX_DIFF_EDITS, 'new')],
    ];
    for (const [before, after] of cases) {
      const ops = diffPrompts(before, after);
      expect(side(ops, 'before')).toBe(before);
      expect(side(ops, 'after')).toBe(after);
    }
    const [before, after] = cases[2]!;
    expect(diffPrompts(before, after)).toEqual([
      ['-', before],
      ['+', after],
    ]);
  });
});
