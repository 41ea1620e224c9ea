// What every TimelineStore must do, whatever its backend: SQLite and
// PostgreSQL run this same suite (timeline-store.test.ts).
import { describe, expect, it } from 'vitest';
import type { Layer } from '../../shared/doc-schema.ts';
import type { TimelineEvent } from '../../shared/timeline.ts';
import type { Store } from '../../server/store/store.ts';
import type { NewFrame } from '../../server/store/timeline.ts';
import { testLayer } from '../helpers/layers.ts';

const src = (n: number) => `/media/${n.toString(16).padStart(64, '0')}.png`;

export const layer = (id: string, n: number, fields: Partial<Layer> = {}): Layer =>
  testLayer({ id, src: src(n), createdBy: 'u1', ...fields });

export function timelineStoreContract(name: string, open: () => Promise<Store>): void {
  let clock = Date.parse('2026-01-01T00:00:00.000Z');
  const tick = () => {
    clock += 1000;
    return new Date(clock).toISOString();
  };
  const frame = (roomId: string, event: TimelineEvent, fields: Partial<NewFrame> = {}): NewFrame => ({
    roomId,
    at: tick(),
    event,
    actorId: 'u1',
    prompt: '',
    layers: [],
    images: [],
    workId: null,
    ...fields,
  });

  describe(`TimelineStore contract: ${name}`, () => {
    it('keeps frames in order, each as written, and ends a work’s timeline at its publish frame', async () => {
      const store = await open();
      const t = store.timeline;
      await t.append(frame('r1', 'prompt', { prompt: 'a' }), 100);
      await t.append(frame('r1', 'place', { prompt: 'a', layers: [layer('l1', 1, { opacity: 0.5, blend: 'multiply', x: 3 })] }), 100);
      await t.append(frame('other', 'prompt', { prompt: 'elsewhere' }), 100);
      await t.append(frame('r1', 'generate', { actorId: null, images: [src(7)] }), 100);
      const published = frame('r1', 'publish', { prompt: 'a b', layers: [layer('l1', 1)], workId: 'w1' });
      await t.append(published, 100);
      // A retry of the same publish keeps one frame.
      await t.append(published, 100);
      await t.append(frame('r1', 'prompt', { prompt: 'after the publish' }), 100);

      const frames = await t.forWork('r1', { id: 'w1', createdAt: published.at });
      expect(frames.map((f) => f.event)).toEqual(['prompt', 'place', 'generate', 'publish']);
      expect(frames[1]).toMatchObject({ roomId: 'r1', actorId: 'u1', prompt: 'a', images: [], workId: null });
      expect(frames[1]?.layers).toEqual([layer('l1', 1, { opacity: 0.5, blend: 'multiply', x: 3 })]);
      expect(frames[2]).toMatchObject({ actorId: null, images: [src(7)] });
      expect(frames[3]).toMatchObject({ workId: 'w1', prompt: 'a b' });
      expect(frames.map((f) => f.seq)).toEqual([...frames.map((f) => f.seq)].sort((a, b) => a - b));
      expect(await t.count('r1')).toBe(5);
      expect(await t.count('other')).toBe(1);
    });

    it('without a publish frame, ends a work’s timeline at the time it was published', async () => {
      const store = await open();
      const t = store.timeline;
      await t.append(frame('r2', 'prompt', { prompt: 'one' }), 100);
      const second = frame('r2', 'prompt', { prompt: 'two' });
      await t.append(second, 100);
      await t.append(frame('r2', 'prompt', { prompt: 'three' }), 100);
      const frames = await t.forWork('r2', { id: 'never-recorded', createdAt: second.at });
      expect(frames.map((f) => f.prompt)).toEqual(['one', 'two']);
      expect(await t.forWork('r2', { id: 'x', createdAt: '2000-01-01T00:00:00.000Z' })).toEqual([]);
    });

    it('appends a batch of several rooms as one append each, in order, thinning within the batch', async () => {
      const store = await open();
      const t = store.timeline;
      await t.appendMany([], 5);
      const batch = Array.from({ length: 12 }, (_, i) => frame(i % 3 === 2 ? 'r5' : 'r4', 'prompt', { prompt: `b${i}` }));
      await t.appendMany(batch, 5);
      const everything = { id: 'none', createdAt: new Date(clock + 1).toISOString() };
      const r4 = (await t.forWork('r4', everything)).map((f) => f.prompt);
      expect(r4.length).toBeLessThanOrEqual(5);
      expect(r4[0]).toBe('b0');
      expect(r4.at(-1)).toBe('b10');
      expect(r4).toEqual([...r4].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1))));
      expect((await t.forWork('r5', everything)).map((f) => f.prompt)).toEqual(['b2', 'b5', 'b8', 'b11']);
    });

    it('stays within the limit, thinning prompt frames first and keeping placements, publishes and both ends', async () => {
      const store = await open();
      const t = store.timeline;
      const max = 20;
      const events: TimelineEvent[] = [];
      for (let i = 0; i < 60; i++) {
        const event: TimelineEvent = i % 10 === 5 ? 'place' : i === 30 ? 'publish' : 'prompt';
        events.push(event);
        await t.append(frame('r3', event, { prompt: `p${i}`, workId: event === 'publish' ? 'w3' : null }), max);
        expect(await t.count('r3')).toBeLessThanOrEqual(max);
      }
      const frames = await t.forWork('r3', { id: 'none', createdAt: new Date(clock + 1).toISOString() });
      expect(frames.length).toBeLessThanOrEqual(max);
      // Every placement and the publish survive: only prompt frames were thinned.
      expect(frames.filter((f) => f.event === 'place')).toHaveLength(events.filter((e) => e === 'place').length);
      expect(frames.filter((f) => f.event === 'publish')).toHaveLength(1);
      expect(frames[0]?.prompt).toBe('p0');
      expect(frames.at(-1)?.prompt).toBe('p59');
      // Older prompt frames are sparser than newer ones.
      const promptIndexes = frames.filter((f) => f.event === 'prompt').map((f) => Number(f.prompt.slice(1)));
      const olderHalf = promptIndexes.filter((i) => i < 30).length;
      const newerHalf = promptIndexes.filter((i) => i >= 30).length;
      expect(olderHalf).toBeLessThan(newerHalf);
    });
  });
}
