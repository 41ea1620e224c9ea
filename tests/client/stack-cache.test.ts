// Which part of the stack the canvas keeps composited between draws.
import { describe, expect, test } from 'vitest';
import { planPrefix } from '../../client/render/stack-cache.ts';

const sigs = (...names: string[]) => names;

describe('planPrefix', () => {
  test('images arriving bottom first extend the cache a layer at a time', () => {
    // Nothing drawn yet: nothing to keep.
    expect(planPrefix([], sigs('a0', 'b0', 'c0'), [], 0)).toEqual({ reuse: 0, target: 0 });
    // a's image arrived (its signature changed): a becomes settled, but it is the change.
    expect(planPrefix(sigs('a0', 'b0', 'c0'), sigs('a1', 'b0', 'c0'), [], 1)).toEqual({ reuse: 0, target: 0 });
    // Then b's: a is kept below it.
    expect(planPrefix(sigs('a1', 'b0', 'c0'), sigs('a1', 'b1', 'c0'), [], 2)).toEqual({ reuse: 0, target: 1 });
    // Then c's: the cached a is reused and b is added to it.
    expect(planPrefix(sigs('a1', 'b1', 'c0'), sigs('a1', 'b1', 'c1'), sigs('a1'), 3)).toEqual({ reuse: 1, target: 2 });
    // A redraw with no change caches the whole stack.
    expect(planPrefix(sigs('a1', 'b1', 'c1'), sigs('a1', 'b1', 'c1'), sigs('a1', 'b1'), 3)).toEqual({ reuse: 2, target: 3 });
  });

  test('a layer that keeps changing keeps the layers below it cached', () => {
    const below = sigs('a', 'b');
    expect(planPrefix(sigs('a', 'b', 'c@1', 'd'), sigs('a', 'b', 'c@2', 'd'), below, 4)).toEqual({ reuse: 2, target: 2 });
    expect(planPrefix(sigs('a', 'b', 'c@2', 'd'), sigs('a', 'b', 'c@3', 'd'), below, 4)).toEqual({ reuse: 2, target: 2 });
  });

  test('a change below the cache rebuilds it', () => {
    expect(planPrefix(sigs('a', 'b', 'c'), sigs('a*', 'b', 'c'), sigs('a', 'b', 'c'), 3)).toEqual({ reuse: 0, target: 0 });
    expect(planPrefix(sigs('a', 'b', 'c'), sigs('a', 'b*', 'c'), sigs('a', 'b', 'c'), 3)).toEqual({ reuse: 0, target: 1 });
  });

  test('adding on top keeps the cache; removing from it rebuilds', () => {
    expect(planPrefix(sigs('a', 'b'), sigs('a', 'b', 'c'), sigs('a', 'b'), 3)).toEqual({ reuse: 2, target: 2 });
    expect(planPrefix(sigs('a', 'b', 'c'), sigs('a', 'b'), sigs('a', 'b', 'c'), 2)).toEqual({ reuse: 0, target: 2 });
  });
});
