// A node cut off from Redis (but not from PostgreSQL) while it runs a job:
// the other node finds it dead once its heartbeat expires and fails the job
// in the store. The cut-off node must stop that job there and then, telling its
// own clients, not go on running it (and showing it running) until Redis is
// back. The frozen-process case is tests/scale/presumed-dead.test.ts.
import { expect, it } from 'vitest';
import type { Job } from '../../shared/protocol.ts';
import { FAKE_KEY, startFakeOpenAi } from '../generation/fake-openai.ts';
import { startJob, watchJobs } from '../generation/helpers.ts';
import { joinWithSocketIo } from '../helpers/clients.ts';
import { clusterEnv } from '../helpers/cluster.ts';
import { api, startServer, WAIT_BUDGET_MS, waitFor } from '../helpers/server.ts';
import { describeWith, postgresService, redisService } from '../helpers/services.ts';
import { startTcpGate } from '../helpers/tcp-gate.ts';
import { eventWs } from '../helpers/ws-events.ts';

const redis = await redisService();
const postgres = await postgresService();

describeWith([redis, postgres], 'a node cut off from Redis', () => {
  it('stops a job the other node failed while it is still cut off, and tells its own clients', async () => {
    const gate = await startTcpGate(redis.url);
    const fake = await startFakeOpenAi();
    const env = await clusterEnv(redis, postgres, {
      NODE_HEARTBEAT_MS: '250',
      NODE_TIMEOUT_MS: '1500',
      OPENAI_API_KEY: FAKE_KEY,
      OPENAI_BASE_URL: fake.baseUrl,
      OPENAI_MODERATION: 'false',
    });
    const a = await startServer({ ...env, NODE_ID: 'node-a' });
    const b = await startServer({ ...env, REDIS_URL: gate.url, NODE_ID: 'node-b' });
    const [ann, bob] = await Promise.all([api(b.url).session('Ann'), api(a.url).session('Bob')]);
    const { room } = await api(b.url).room(ann.token);
    const onA = watchJobs((await joinWithSocketIo(a.url, bob.token, room.id)).socket);
    const annSio = (await joinWithSocketIo(b.url, ann.token, room.id)).socket;
    const onB = watchJobs(annSio);
    // Ann's room page on node B: its events are delivered by node B itself, Redis or not.
    const annWs = eventWs(b.url, room.id, ann.token);
    await annWs.next('room:joined');
    fake.hold();
    const job = await startJob(annSio, room.id, { provider: 'openai', prompt: 'a held harbour' });
    await onA.until(job.id, 'running');
    await waitFor(() => fake.held === 1, WAIT_BUDGET_MS, 'the provider asked');

    gate.cut();
    // Node A finds node B dead and fails the job in the store (its own clients hear it).
    const failed = await onA.until(job.id, 'failed', 20_000);
    expect(failed.error).toEqual({ code: 'interrupted', message: 'the server running this job went away' });
    // Node B, still cut off, stops it: the provider's request is abandoned, its own clients hear the stored state on both transports.
    const isFailed = (args: unknown[]) => (args[1] as Job).id === job.id && (args[1] as Job).status === 'failed';
    expect((await annWs.next('gen:update', isFailed, 20_000))[1]).toEqual(failed);
    await waitFor(() => fake.aborted === 1, WAIT_BUDGET_MS, 'the provider request abandoned');
    expect((await onB.until(job.id, 'failed', 10_000)).error).toEqual(failed.error);
    expect(b.scale!.redis.isReady).toBe(false);
    gate.restore();
  });
});
