// What every SignalStore must do, whatever its backend: the PostgreSQL store
// runs this same suite (signalStoreContract('postgres', open)).
import { describe, expect, it } from 'vitest';
import type { NewSignal, StoredSignal } from '../../server/store/signals.ts';
import { streamShared } from '../../server/store/signals.ts';
import type { Store } from '../../server/store/store.ts';

export function signalStoreContract(name: string, open: () => Promise<Store>): void {
  let counter = 0;
  const id = (prefix: string) => `${prefix}${String(++counter).padStart(21 - prefix.length, '0')}x`;
  const src = (n: number) => `/media/${n.toString(16).padStart(64, '0')}.png`;

  async function world() {
    const store = await open();
    const user = async (shareSignals: boolean) => {
      const record = { id: id('u'), name: 'U', color: '#123456', createdAt: new Date().toISOString(), shareSignals };
      await store.records.createUser(record);
      return record.id;
    };
    return { store, ann: await user(true), bob: await user(false), cid: await user(true) };
  }

  const like = (userId: string, roomId: string, at: string, fields: Partial<NewSignal> = {}): NewSignal =>
    ({
      key: id('k'),
      type: 'like',
      userId,
      roomId,
      jobId: null,
      at,
      subjects: [],
      data: { workId: id('w') },
      ...fields,
    }) as NewSignal;

  const outcome = (userId: string, jobId: string, candidate: number, outcome: 'placed' | 'discarded', at: string): NewSignal => ({
    key: `outcome:${jobId}-${candidate}:${outcome}`,
    type: 'candidate_outcome',
    userId,
    roomId: 'room',
    jobId,
    at,
    subjects: [],
    data: { jobId, candidateId: `${jobId}-${candidate}`, src: src(candidate), outcome, layerId: null, workId: null },
  });

  const keys = (signals: readonly StoredSignal[]) => signals.map((s) => s.key);

  describe(`SignalStore contract: ${name}`, () => {
    it('stores each key once, in one transaction per call, and reads the records back as written', async () => {
      const { store, ann } = await world();
      const first = like(ann, 'r1', '2026-02-01T10:00:00.000Z');
      const second = outcome(ann, 'job1', 0, 'placed', '2026-02-01T10:00:01.000Z');
      expect(await store.signals.append([first, second])).toBe(2);
      expect(await store.signals.append([first, { ...second, at: '2030-01-01T00:00:00.000Z' }])).toBe(0);
      expect(await store.signals.append([])).toBe(0);
      const page = await store.signals.sharedPage({ since: '1970-01-01T00:00:00.000Z', limit: 10 });
      const { subjects: _a, ...firstStored } = first;
      const { subjects: _b, ...secondStored } = second;
      expect(page).toEqual([
        { ...firstStored, seq: expect.any(Number) },
        { ...secondStored, seq: expect.any(Number) },
      ]);
      expect(page[1]!.seq).toBeGreaterThan(page[0]!.seq);
    });

    it('finds the latest of a type in a room and the records of a job in order', async () => {
      const { store, ann, bob } = await world();
      const revision = (jobId: string, text: string, roomId = 'r1'): NewSignal => ({
        key: `prompt:${jobId}`,
        type: 'prompt_revision',
        userId: ann,
        roomId,
        jobId,
        at: '2026-02-01T10:00:00.000Z',
        subjects: [],
        data: { jobId, text, previous: null, diff: [['+', text]] },
      });
      expect(await store.signals.latest('r1', 'prompt_revision')).toBeNull();
      await store.signals.append([revision('j1', 'one'), revision('j2', 'two'), revision('j3', 'elsewhere', 'r2')]);
      await store.signals.append([like(ann, 'r1', '2026-02-01T10:00:00.000Z')]);
      const latest = await store.signals.latest('r1', 'prompt_revision');
      expect(latest).toMatchObject({ type: 'prompt_revision', jobId: 'j2', data: { text: 'two' } });
      expect(await store.signals.latest('r1', 'remix')).toBeNull();

      await store.signals.append([outcome(bob, 'j1', 1, 'discarded', '2026-02-01T10:00:02.000Z')]);
      await store.signals.append([outcome(ann, 'j1', 0, 'placed', '2026-02-01T10:00:03.000Z')]);
      await store.signals.append([outcome(ann, 'j2', 0, 'placed', '2026-02-01T10:00:04.000Z')]);
      const forJob = await store.signals.forJob('j1', 'candidate_outcome');
      expect(forJob.map((s) => [s.data.candidateId, s.data.outcome, s.userId])).toEqual([
        ['j1-1', 'discarded', bob],
        ['j1-0', 'placed', ann],
      ]);
      expect(await store.signals.forJob('j1', 'generation')).toEqual([]);
    });

    it('shares a record only while every one of its subjects shares signals, reading consent at each page', async () => {
      const { store, ann, bob, cid } = await world();
      const at = '2026-02-01T10:00:00.000Z';
      await store.signals.append([
        like(ann, 'r', at, { key: 'ann' }),
        like(bob, 'r', at, { key: 'bob' }),
        like(ann, 'r', at, { key: 'ann+bob', subjects: [bob] }),
        like(ann, 'r', at, { key: 'ann+cid', subjects: [cid, ann] }),
        like(ann, 'r', at, { key: 'ann+stranger', subjects: ['nobody-knows-me'] }),
        like('nobody-knows-me', 'r', at, { key: 'stranger' }),
      ]);
      const shared = async () => keys(await store.signals.sharedPage({ since: '1970-01-01T00:00:00.000Z', limit: 100 }));
      expect(await shared()).toEqual(['ann', 'ann+cid']);
      await store.records.updateUser(bob, { shareSignals: true });
      expect(await shared()).toEqual(['ann', 'bob', 'ann+bob', 'ann+cid']);
      await store.records.updateUser(ann, { shareSignals: false });
      expect(await shared()).toEqual(['bob']);
    });

    it('pages by seq from a time on, every record once, and streams all pages', async () => {
      const { store, ann, bob } = await world();
      const signals: NewSignal[] = [];
      for (let i = 0; i < 25; i++) {
        // Out of time order on purpose (two nodes' clocks): `since` filters by time, pages go by seq.
        const minute = i % 2 === 0 ? 10 + i : 40 - i;
        signals.push(
          like(i % 5 === 0 ? bob : ann, 'r', `2026-03-01T00:${String(minute).padStart(2, '0')}:00.000Z`, {
            key: `k${String(i).padStart(2, '0')}`,
          }),
        );
      }
      await store.signals.append(signals);
      const since = '2026-03-01T00:20:00.000Z';
      const expected = signals.filter((s) => s.userId === ann && s.at >= since).map((s) => s.key);
      expect(expected.length).toBeGreaterThan(5);

      const seen: string[] = [];
      let after: number | undefined;
      for (;;) {
        const page = await store.signals.sharedPage(after === undefined ? { since, limit: 4 } : { since, after, limit: 4 });
        if (page.length === 0) break;
        expect(page.length).toBeLessThanOrEqual(4);
        seen.push(...keys(page));
        after = page[page.length - 1]!.seq;
      }
      expect(seen).toEqual(expected);

      const streamed: string[] = [];
      for await (const page of streamShared(store.signals, since, 3)) streamed.push(...keys(page));
      expect(streamed).toEqual(expected);
      expect(await store.signals.sharedPage({ since: '2099-01-01T00:00:00.000Z', limit: 10 })).toEqual([]);
    });
  });
}
