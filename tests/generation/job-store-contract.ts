// What every JobStore implementation must do. The SQLite store runs it now; a
// PostgreSQL store runs the same suite with its own `open`.
import { describe, expect, it } from 'vitest';
import { randomId } from '../../server/ids.ts';
import type { JobRecord, JobStore } from '../../server/store/jobs.ts';
import type { Store } from '../../server/store/store.ts';

export interface JobStoreFixture {
  jobs: JobStore;
  /** Creates a room the jobs can belong to and returns its id. */
  room(): Promise<string>;
}

/** A whole store as the fixture: one owner, and a fresh room of theirs for each `room()`. */
export async function storeFixture(store: Store): Promise<JobStoreFixture> {
  const owner = { id: randomId(), name: 'Owner', color: '#123456', createdAt: new Date().toISOString() };
  await store.records.createUser(owner);
  return {
    jobs: store.jobs,
    room: async () => {
      const id = randomId();
      await store.records.createRoom(
        { id, title: 't', ownerId: owner.id, linkAccess: 'edit', remixOf: null, createdAt: new Date().toISOString() },
        [],
      );
      return id;
    },
  };
}

let counter = 0;
function job(roomId: string, over: Partial<JobRecord> = {}): JobRecord {
  counter++;
  const createdAt = new Date(Date.UTC(2030, 0, 1, 0, 0, counter)).toISOString();
  return {
    id: `job${String(counter).padStart(19, '0')}`,
    roomId,
    status: 'queued',
    progress: 0,
    prompt: `prompt ${counter}`,
    params: { prompt: 'given', size: '512x512', count: 2, seed: 7, provider: 'local', model: 'procedural-v1' },
    requestedBy: 'user-a',
    createdAt,
    nodeId: 'node-1',
    updatedAt: createdAt,
    ...over,
  };
}

export function jobStoreContract(name: string, open: () => Promise<JobStoreFixture>): void {
  describe(`JobStore contract: ${name}`, () => {
    it('creates, saves and reads back every field', async () => {
      const { jobs, room } = await open();
      const roomId = await room();
      const created = job(roomId);
      await jobs.create(created);
      expect(await jobs.get(created.id)).toEqual(created);

      const running: JobRecord = {
        ...created,
        status: 'running',
        progress: 0.5,
        startedAt: '2030-01-01T00:01:00.000Z',
        previews: ['/media/a.webp', ''],
        updatedAt: '2030-01-01T00:01:00.000Z',
      };
      expect(await jobs.save(running)).toBe(true);
      expect(await jobs.get(created.id)).toEqual(running);

      const done: JobRecord = {
        ...running,
        status: 'succeeded',
        progress: 1,
        finishedAt: '2030-01-01T00:02:00.000Z',
        results: [{ src: `/media/${'a'.repeat(64)}.webp`, width: 512, height: 512, seed: 7 }],
      };
      expect(await jobs.save(done)).toBe(true);
      expect(await jobs.get(created.id)).toEqual(done);
      expect(await jobs.get('missing')).toBeNull();
    });

    it('never changes a finished job again', async () => {
      const { jobs, room } = await open();
      const failed = job(await room(), {
        status: 'failed',
        error: { code: 'timeout', message: 'too slow' },
        finishedAt: '2030-01-02T00:00:00.000Z',
      });
      await jobs.create(failed);
      expect(await jobs.save({ ...failed, status: 'running', error: undefined })).toBe(false);
      expect(await jobs.get(failed.id)).toEqual(failed);
    });

    it("lists a room's active jobs and its latest finished ones, newest first", async () => {
      const { jobs, room } = await open();
      const [roomId, other] = [await room(), await room()];
      const finished = [];
      for (let i = 0; i < 4; i++) {
        finished.push(job(roomId, { status: 'succeeded', progress: 1, finishedAt: '2030-01-03T00:00:00.000Z' }));
      }
      const queued = job(roomId);
      const running = job(roomId, { status: 'running' });
      for (const j of [...finished, queued, running, job(other)]) await jobs.create(j);
      const listed = await jobs.listForRoom(roomId, 2);
      expect(listed.map((j) => j.id)).toEqual([running.id, queued.id, finished[3]!.id, finished[2]!.id]);
      expect(await jobs.listForRoom(await room(), 5)).toEqual([]);
    });

    it('breaks ties of creation time by id, newest id first, within and across active and finished jobs', async () => {
      const { jobs, room } = await open();
      const roomId = await room();
      const at = '2031-01-01T00:00:00.000Z';
      const done = (id: string) => job(roomId, { id, createdAt: at, status: 'failed', finishedAt: at });
      const tied = [done('tie-a'), job(roomId, { id: 'tie-b', createdAt: at }), done('tie-c'), done('tie-d')];
      for (const j of tied) await jobs.create(j);
      // The two newest finished ids (d, c) and the active one (b), newest id first.
      expect((await jobs.listForRoom(roomId, 2)).map((j) => j.id)).toEqual(['tie-d', 'tie-c', 'tie-b']);
    });

    it("fails unfinished jobs as interrupted: one node's, or everyone's", async () => {
      const { jobs, room } = await open();
      const roomId = await room();
      const mine = job(roomId, { status: 'running', nodeId: 'node-dead' });
      const mineQueued = job(roomId, { nodeId: 'node-dead' });
      const theirs = job(roomId, { status: 'running', nodeId: 'node-alive' });
      const done = job(roomId, { status: 'cancelled', nodeId: 'node-dead', finishedAt: '2030-01-04T00:00:00.000Z' });
      for (const j of [mine, mineQueued, theirs, done]) await jobs.create(j);
      const error = { code: 'interrupted', message: 'node went away' } as const;

      const failed = await jobs.failUnfinished({ nodeId: 'node-dead', error, finishedAt: '2030-01-05T00:00:00.000Z' });
      expect(failed.map((j) => j.id).sort()).toEqual([mine.id, mineQueued.id].sort());
      expect(await jobs.get(mine.id)).toMatchObject({ status: 'failed', error, finishedAt: '2030-01-05T00:00:00.000Z' });
      expect(await jobs.get(theirs.id)).toMatchObject({ status: 'running' });
      expect(await jobs.get(done.id)).toEqual(done);

      expect(await jobs.unfinishedNodes()).toEqual(['node-alive']);
      expect((await jobs.failUnfinished({ error, finishedAt: '2030-01-06T00:00:00.000Z' })).map((j) => j.id)).toContain(theirs.id);
      expect(await jobs.unfinishedNodes()).toEqual([]);
      expect(await jobs.get(theirs.id)).toMatchObject({ status: 'failed', error });
    });

    it('lists every distinct requester of a room in order of their first job', async () => {
      const { jobs, room } = await open();
      const roomId = await room();
      for (const user of ['bob', 'ann', 'bob', 'cy', 'ann']) await jobs.create(job(roomId, { requestedBy: user }));
      await jobs.create(job(await room(), { requestedBy: 'dee' }));
      expect(await jobs.requesters(roomId)).toEqual(['bob', 'ann', 'cy']);
    });
  });
}
