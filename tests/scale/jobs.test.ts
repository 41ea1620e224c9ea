// Jobs across two nodes: limits held in Redis (a room's participants spread
// over nodes share its GEN_ROOM_QUEUE_LIMIT, a user spreading requests over
// nodes shares one GEN_USER_JOBS_PER_MINUTE), and a job cancelled from a node
// other than the one running it.
import { expect, it } from 'vitest';
import { FAKE_KEY, startFakeOpenAi } from '../generation/fake-openai.ts';
import { genCancel, genStart, startJob, watchJobs } from '../generation/helpers.ts';
import { joinWithSocketIo } from '../helpers/clients.ts';
import { clusterEnv, twoNodesAndARoom } from '../helpers/cluster.ts';
import { api, WAIT_BUDGET_MS, waitFor } from '../helpers/server.ts';
import { describeWith, postgresService, redisService } from '../helpers/services.ts';

const redis = await redisService();
const postgres = await postgresService();

describeWith([redis, postgres], 'jobs across nodes', () => {
  it('a participant on another node cancels a running job; everyone sees it cancelled', async () => {
    const fake = await startFakeOpenAi();
    const env = await clusterEnv(redis, postgres, { OPENAI_API_KEY: FAKE_KEY, OPENAI_BASE_URL: fake.baseUrl, OPENAI_MODERATION: 'false' });
    const { a, b, ann, bob, roomId } = await twoNodesAndARoom(env);
    const pa = await joinWithSocketIo(a.url, ann.token, roomId);
    const pb = await joinWithSocketIo(b.url, bob.token, roomId);
    const onA = watchJobs(pa.socket);
    const onB = watchJobs(pb.socket);
    fake.hold();
    const job = await startJob(pa.socket, roomId, { provider: 'openai', prompt: 'one' });
    await onB.until(job.id, 'running');
    // The adapter learns of its peers from their heartbeats: until then a request may find nobody.
    await waitFor(
      async () => {
        const res = await genCancel(pb.socket, roomId, job.id);
        return res.ok && res.job.status === 'cancelled';
      },
      15_000,
      'cancelled from node B',
    );
    await onA.until(job.id, 'cancelled');
    await onB.until(job.id, 'cancelled');
    expect((await a.generation.roomJobs(roomId)).find((j) => j.id === job.id)?.status).toBe('cancelled');
    // A job nobody runs any more answers its final state, from any node.
    expect(await genCancel(pb.socket, roomId, job.id)).toMatchObject({ ok: true, job: { status: 'cancelled' } });
    fake.release();
  });

  it('a room’s active jobs are counted across nodes, and its places come back as jobs finish', async () => {
    const fake = await startFakeOpenAi();
    const env = await clusterEnv(redis, postgres, {
      OPENAI_API_KEY: FAKE_KEY,
      OPENAI_BASE_URL: fake.baseUrl,
      OPENAI_MODERATION: 'false',
      GEN_ROOM_QUEUE_LIMIT: '2',
    });
    const { a, b, ann, bob, roomId } = await twoNodesAndARoom(env);
    const pa = await joinWithSocketIo(a.url, ann.token, roomId);
    const pb = await joinWithSocketIo(b.url, bob.token, roomId);
    const watched = watchJobs(pb.socket);
    fake.hold();
    const first = await startJob(pa.socket, roomId, { provider: 'openai', prompt: 'one' });
    const second = await startJob(pb.socket, roomId, { provider: 'openai', prompt: 'two' });
    // Each node holds one job; without the shared count each could take another.
    const refused = await genStart(pa.socket, roomId, { provider: 'openai', prompt: 'three' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    expect(await genStart(pb.socket, roomId, { provider: 'openai', prompt: 'three' })).toMatchObject({
      ok: false,
      error: { code: 'rate_limited' },
    });
    // Another room is not affected.
    const other = (await api(a.url).room(ann.token)).room;
    const po = await joinWithSocketIo(a.url, ann.token, other.id);
    await startJob(po.socket, other.id, { provider: 'openai', prompt: 'elsewhere' });

    fake.release();
    await watched.until(first.id, 'succeeded');
    await watched.until(second.id, 'succeeded');
    await waitFor(
      async () => (await genStart(pb.socket, roomId, { provider: 'openai', prompt: 'four' })).ok,
      WAIT_BUDGET_MS,
      'a place again',
    );
  });

  it('one user’s jobs per minute are counted across nodes', async () => {
    const env = await clusterEnv(redis, postgres, { GEN_USER_JOBS_PER_MINUTE: '2' });
    const { a, b, ann, roomId } = await twoNodesAndARoom(env);
    const pa = await joinWithSocketIo(a.url, ann.token, roomId);
    const pb = await joinWithSocketIo(b.url, ann.token, roomId);
    const results = [];
    for (const p of [pa, pb, pa, pb]) results.push((await genStart(p.socket, roomId, { prompt: 'x', size: '256x256' })).ok);
    expect(results).toEqual([true, true, false, false]);
  });
});
