// Redis paused under a node rather than down: its connections stay open and
// nothing is answered (a Redis of the test's own stopped with SIGSTOP, as
// CLIENT PAUSE or a frozen host would). Every request is answered as while
// Redis is away (the first to meet the pause after REDIS_COMMAND_TIMEOUT_MS),
// and a node's shutdown completes; nothing waits for Redis to wake.
// "Live now" while paused: live-outage.test.ts.
import { expect, it } from 'vitest';
import { clusterEnv, spawnNode } from '../helpers/cluster.ts';
import { connectSocket } from '../helpers/clients.ts';
import { api, startServer, waitFor } from '../helpers/server.ts';
import { describeWith, postgresService, redisServerBinary, startPrivateRedis } from '../helpers/services.ts';

const postgres = await postgresService();
const binary = await redisServerBinary();

const loginOptions = (url: string) => api(url).request('POST', '/api/auth/passkeys/options', { body: { purpose: 'login' } });

describeWith([postgres, binary], 'a node while its Redis is paused', () => {
  it('answers as while Redis is away: a join not held up, rate limits its own, sign-in unavailable', async () => {
    const redis = await startPrivateRedis();
    const node = await startServer({ ...(await clusterEnv({ url: redis.url }, postgres)), NODE_ID: 'node-a' });
    const ann = await api(node.url).session('Ann');
    const { room } = await api(node.url).room(ann.token);
    const socket = connectSocket(node.url, ann.token);
    await new Promise((resolve) => socket.once('connect', () => resolve(undefined)));

    redis.pause();
    // The first to meet the pause: loading the room subscribes its relay channel, which Redis does not confirm.
    const joined = await socket.emitWithAck('room:join', room.id, { yjs: false });
    expect(joined.ok).toBe(true);
    expect(node.scale!.answers.paused).toBe(true);
    expect(node.scale!.redis.isReady).toBe(false);
    // A new session passes the sessions' and the requests' rate limits: this node's own buckets.
    const bob = await api(node.url).session('Bob');
    expect(bob.token).toEqual(expect.any(String));
    // A sign-in's challenge must be one any node can take: refused, as with Redis away.
    expect((await loginOptions(node.url)).status).toBe(503);
    expect(await api(node.url).json('GET', '/healthz')).toMatchObject({ status: 'degraded', redis: { ok: false } });

    redis.resume();
    await waitFor(() => !node.scale!.answers.paused, 20_000, 'Redis answering again');
    expect(node.scale!.redis.isReady).toBe(true);
    expect((await loginOptions(node.url)).status).toBe(200);
  }, 60_000);

  it('shuts down within SHUTDOWN_TIMEOUT_MS (exit code 0) while Redis is paused', async () => {
    const redis = await startPrivateRedis();
    const node = await spawnNode(await clusterEnv({ url: redis.url }, postgres), 'node-a');
    // A listed room held open: on the live board, in a relay channel, besides the heartbeat and the buses.
    const ann = await api(node.url).session('Ann');
    const { room } = await api(node.url).room(ann.token);
    await api(node.url).json('PATCH', `/api/rooms/${room.id}`, { token: ann.token, body: { listed: true } });
    const socket = connectSocket(node.url, ann.token);
    expect((await socket.emitWithAck('room:join', room.id, { yjs: false })).ok).toBe(true);

    redis.pause();
    // 1 once SHUTDOWN_TIMEOUT_MS (10 s) passed without the node closed.
    expect(await node.kill('SIGTERM')).toBe(0);
    expect(node.logs).toContainEqual(expect.objectContaining({ msg: 'atelier stopped' }));
  }, 60_000);
});
