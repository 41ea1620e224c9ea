// The client's presence throttle (client/realtime/awareness-throttle.ts): the
// first change at once, what follows within the interval as one trailing
// update, a removal at once. Fake timers (performance.now included) make the
// interval exact.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AWARENESS_INTERVAL_MS, AwarenessThrottle } from '../../client/realtime/awareness-throttle.ts';

describe('AwarenessThrottle', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function throttle() {
    const sent: number[][] = [];
    return { sent, throttle: new AwarenessThrottle((clients) => sent.push(clients)) };
  }

  it('sends the first change at once and the rest of the interval as one trailing update', () => {
    const { sent, throttle: t } = throttle();
    t.changed([1], false);
    expect(sent).toEqual([[1]]);
    for (let i = 0; i < 50; i++) t.changed([1], false);
    expect(sent).toEqual([[1]]);
    vi.advanceTimersByTime(AWARENESS_INTERVAL_MS - 1);
    expect(sent).toEqual([[1]]);
    vi.advanceTimersByTime(1);
    expect(sent).toEqual([[1], [1]]);
    // Nothing changed since: nothing more goes out.
    vi.advanceTimersByTime(10 * AWARENESS_INTERVAL_MS);
    expect(sent).toHaveLength(2);
  });

  it('holds a steady stream to one update per interval (a 120 Hz drag-select goes out at ~30 Hz)', () => {
    const { sent, throttle: t } = throttle();
    for (let ms = 0; ms < 1000; ms += 8) {
      t.changed([7], false);
      vi.advanceTimersByTime(8);
    }
    vi.advanceTimersByTime(AWARENESS_INTERVAL_MS);
    expect(sent.length).toBeGreaterThanOrEqual(25);
    expect(sent.length).toBeLessThanOrEqual(Math.ceil(1000 / AWARENESS_INTERVAL_MS) + 1);
  });

  it('sends a removal at once with what was waiting, and a cancelled wait never fires', () => {
    const { sent, throttle: t } = throttle();
    t.changed([1], false);
    t.changed([2], false);
    t.changed([1], true);
    expect(sent).toEqual([[1], [2, 1]]);
    vi.advanceTimersByTime(AWARENESS_INTERVAL_MS);
    expect(sent).toHaveLength(2);
    t.changed([1], false);
    t.changed([1], false);
    t.cancel();
    vi.advanceTimersByTime(AWARENESS_INTERVAL_MS);
    expect(sent).toHaveLength(3);
  });
});
