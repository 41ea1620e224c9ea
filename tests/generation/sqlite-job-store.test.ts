import { describe, expect, it, onTestFinished } from 'vitest';
import { openSqliteStore } from '../../server/store/sqlite/store.ts';
import { tempDir } from '../helpers/server.ts';
import { jobStoreContract, storeFixture } from './job-store-contract.ts';

jobStoreContract('sqlite', async () => {
  const store = openSqliteStore(tempDir());
  onTestFinished(() => store.close());
  return storeFixture(store);
});

describe('SQLite job store: rooms without jobs', () => {
  // It answers a room without jobs from memory: what it knows must come from the file when it opens.
  it('lists the jobs a store made before it was opened again', async () => {
    const dir = tempDir();
    const first = openSqliteStore(dir);
    const { jobs, room } = await storeFixture(first);
    const [withJob, without] = [await room(), await room()];
    const createdAt = new Date().toISOString();
    await jobs.create({
      id: 'job-before-reopen',
      roomId: withJob,
      status: 'succeeded',
      progress: 1,
      prompt: 'p',
      params: { prompt: 'p', size: '512x512', count: 1, seed: 1, provider: 'local', model: 'procedural-v1' },
      requestedBy: 'user-a',
      createdAt,
      finishedAt: createdAt,
      nodeId: 'node-1',
      updatedAt: createdAt,
    });
    await first.close();

    const again = openSqliteStore(dir);
    onTestFinished(() => again.close());
    expect((await again.jobs.listForRoom(withJob, 5)).map((job) => job.id)).toEqual(['job-before-reopen']);
    expect(await again.jobs.listForRoom(without, 5)).toEqual([]);
  });
});
