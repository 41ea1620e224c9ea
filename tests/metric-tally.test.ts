// Tallied counters count in plain numbers on the hot path and hand them to
// prom-client when read: a scrape must see every count, once.
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { TalliedCounter } from '../server/metric-tally.ts';

function counter() {
  const registry = new Registry();
  const c = new TalliedCounter({
    name: 'test_messages_total',
    help: 'test',
    labelNames: ['transport', 'type'] as const,
    registers: [registry],
  });
  return { registry, c };
}

describe('TalliedCounter', () => {
  it('shows what its tallies counted in a scrape, once, beside ordinary incs', async () => {
    const { registry, c } = counter();
    const sync = c.tally({ transport: 'websocket', type: 'sync' });
    const awareness = c.tally({ transport: 'websocket', type: 'awareness' });
    sync.inc();
    sync.inc(4);
    awareness.inc();
    c.inc({ transport: 'websocket', type: 'sync' }, 10);
    const text = await registry.metrics();
    expect(text).toContain('test_messages_total{transport="websocket",type="sync"} 15');
    expect(text).toContain('test_messages_total{transport="websocket",type="awareness"} 1');
    // Read again with nothing new: the same totals, not doubled.
    expect(await registry.metrics()).toContain('test_messages_total{transport="websocket",type="sync"} 15');
    sync.inc(2);
    const { values } = await c.get();
    expect(values.find((v) => v.labels.type === 'sync')?.value).toBe(17);
  });

  it('gives one tally per label set', () => {
    const { c } = counter();
    expect(c.tally({ transport: 'a', type: 'sync' })).toBe(c.tally({ transport: 'a', type: 'sync' }));
    expect(c.tally({ transport: 'a', type: 'sync' })).not.toBe(c.tally({ transport: 'b', type: 'sync' }));
  });
});
