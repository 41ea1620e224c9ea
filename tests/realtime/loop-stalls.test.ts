// Rate budgets credit the event loop's own stalls (issue 18, finding 6): a
// client sending at an honest rate through a freeze is not charged for the
// burst the freeze made of its messages. Deterministic clocks throughout.
import { describe, expect, it } from 'vitest';
import { LoopStalls } from '../../server/loop-stalls.ts';
import { TokenBucket } from '../../server/rate-limit.ts';

/** How many messages a bucket lets through when `count` arrive at `now`. */
function drain(bucket: TokenBucket, count: number, now: number): number {
  let taken = 0;
  for (let i = 0; i < count; i++) if (bucket.take(1, now)) taken++;
  return taken;
}

describe('stall credit', () => {
  it('a 20 s freeze: the backlog of an honest 10/s sender passes, and only that much', () => {
    const stalls = new LoopStalls();
    stalls.tick(0);
    const credited = new TokenBucket(10, 20, 0, stalls);
    const plain = new TokenBucket(10, 20, 0);
    // The loop freezes from 0 to 20 s; 200 messages sent meanwhile are read at 20 s, before the late tick runs.
    expect(stalls.stalledSince(0, 20_000)).toBeGreaterThan(19_800);
    expect(drain(plain, 200, 20_000)).toBe(20);
    expect(drain(credited, 200, 20_000)).toBe(200);
    // The credit is the stall's worth, not a blank cheque: a flood on top is still dropped.
    expect(drain(credited, 200, 20_000)).toBeLessThan(30);
  });

  it('a recorded stall is credited to buckets that last refilled before it, not after', () => {
    const stalls = new LoopStalls();
    stalls.tick(0);
    stalls.tick(5_000);
    stalls.tick(5_050);
    expect(stalls.stalledSince(0, 5_060)).toBeGreaterThan(4_800);
    expect(stalls.stalledSince(5_050, 5_060)).toBe(0);
    const before = new TokenBucket(10, 10, 0, stalls);
    expect(drain(before, 60, 5_060)).toBeGreaterThan(50);
    const after = new TokenBucket(10, 10, 5_050, stalls);
    expect(drain(after, 60, 5_060)).toBe(10);
  });

  it('of several stalls, only what lies since the last refill is credited', () => {
    const stalls = new LoopStalls();
    // Stalls at 50–1,000, 1,100–3,000 and 3,100–5,000 ms, each measured by the late tick that ended it.
    for (const at of [0, 1_000, 1_050, 3_000, 3_050, 5_000, 5_050]) stalls.tick(at);
    expect(stalls.stalledSince(0, 5_060)).toBe(950 + 1_900 + 1_900);
    expect(stalls.stalledSince(2_000, 5_060)).toBe(1_000 + 1_900);
    expect(stalls.stalledSince(3_050, 5_060)).toBe(1_900);
    expect(stalls.stalledSince(5_000, 5_060)).toBe(0);
  });

  it('msUntil says when the next token is there', () => {
    const bucket = new TokenBucket(10, 2, 0);
    expect(bucket.msUntil(1, 0)).toBe(0);
    expect(drain(bucket, 5, 0)).toBe(2);
    expect(bucket.msUntil(1, 0)).toBeCloseTo(100);
    expect(bucket.msUntil(1, 50)).toBeCloseTo(50);
  });
});
