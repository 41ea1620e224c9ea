// Cancelling a job another node runs goes through Redis. While Redis is away
// the request answers `unavailable` at once, rather than hanging or leaving a
// rejected promise nobody handles (which would end the process); once Redis
// is back the same cancel goes through.
import { setImmediate as nextTurn } from 'node:timers/promises';
import pino from 'pino';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { closeRedis, connectRedis } from '../../server/scale/redis-client.ts';
import { adapterClient } from '../../server/scale/scale.ts';
import { FAKE_KEY, startFakeOpenAi } from '../generation/fake-openai.ts';
import { genCancel, startJob, watchJobs } from '../generation/helpers.ts';
import { joinWithSocketIo } from '../helpers/clients.ts';
import { clusterEnv, twoNodesAndARoom } from '../helpers/cluster.ts';
import { WAIT_BUDGET_MS, waitFor } from '../helpers/server.ts';
import { describeWith, postgresService, redisServerBinary, startPrivateRedis } from '../helpers/services.ts';

const postgres = await postgresService();
const binary = await redisServerBinary();

const logger = pino({ level: 'silent' });
const unhandled: unknown[] = [];
const record = (reason: unknown) => void unhandled.push(reason);
beforeEach(() => {
  unhandled.length = 0;
  process.on('unhandledRejection', record);
});
afterEach(() => {
  process.off('unhandledRejection', record);
});

describeWith([postgres, binary], 'cancel across nodes while Redis is away', () => {
  it('answers unavailable at once, with no unhandled rejection; works again once Redis is back', async () => {
    const redis = await startPrivateRedis();
    const fake = await startFakeOpenAi();
    const env = await clusterEnv({ url: redis.url }, postgres, {
      OPENAI_API_KEY: FAKE_KEY,
      OPENAI_BASE_URL: fake.baseUrl,
      OPENAI_MODERATION: 'false',
    });
    const { a, b, ann, bob, roomId } = await twoNodesAndARoom(env);
    const pa = await joinWithSocketIo(a.url, ann.token, roomId);
    const pb = await joinWithSocketIo(b.url, bob.token, roomId);
    const onB = watchJobs(pb.socket);
    fake.hold();
    const job = await startJob(pa.socket, roomId, { provider: 'openai', prompt: 'one' });
    await onB.until(job.id, 'running');

    await redis.stop();
    await waitFor(() => !b.scale!.redis.isReady, WAIT_BUDGET_MS, 'node B notices Redis is gone');
    // At once means without asking the other nodes: with Redis away the adapter never answers, and the
    // request would wait out its own deadline first. (What is asked, not how long it took: CI's load varies.)
    const asked = vi.spyOn(b.socketIo.io.of('/').adapter, 'serverSideEmit');
    const res = await genCancel(pb.socket, roomId, job.id);
    expect(res).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect(asked).not.toHaveBeenCalled();
    asked.mockRestore();
    expect((await a.generation.roomJobs(roomId)).find((j) => j.id === job.id)?.status).toBe('running');

    await redis.start();
    await waitFor(() => a.scale!.redis.isReady && b.scale!.redis.isReady, 15_000, 'nodes reconnect');
    // The adapter learns of its peers again from their heartbeats: until then a request may find nobody.
    await waitFor(
      async () => {
        const again = await genCancel(pb.socket, roomId, job.id);
        return again.ok && again.job.status === 'cancelled';
      },
      20_000,
      'cancelled once Redis is back',
    );
    // Whatever the adapter had under way failed with the connection, or went out once it was back (in order,
    // before this cancel's request): either way handled.
    expect(unhandled).toEqual([]);
    fake.release();
  }, 60_000);

  it("a command whose promise the adapter drops (a request's PUBLISH) fails on a closed client without an unhandled rejection", async () => {
    const redis = await startPrivateRedis();
    const client = await connectRedis(redis.url, 'adapter', logger);
    const seen = adapterClient(client, logger);
    expect(await seen.publish('channel', 'before')).toBe(0);
    await closeRedis(client);
    // As the adapter sends a request: the promise is dropped.
    void seen.publish('channel', 'after');
    // A caller that does look still sees the failure: the same command on the same client, failing after it.
    await expect(async () => seen.publish('channel', 'again')).rejects.toThrow();
    // Node reports a rejection nobody handled as the turn it happened in ends.
    await nextTurn();
    expect(unhandled).toEqual([]);
  });
});
