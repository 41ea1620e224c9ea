// A private redis-server, killed and started again (empty) in the middle of a
// session: nodes keep serving on their own, and once Redis is back every open
// room resyncs with its peers and with the log, so nothing edited meanwhile
// is lost anywhere.
import { expect, it } from 'vitest';
import { roomChannel } from '../../server/realtime/socketio/socketio-server.ts';
import { ROOTS } from '../../shared/doc-schema.ts';
import type { Job } from '../../shared/protocol.ts';
import { joinWithSocketIo } from '../helpers/clients.ts';
import { clusterEnv, startNodes } from '../helpers/cluster.ts';
import { api, WAIT_BUDGET_MS, waitFor } from '../helpers/server.ts';
import { describeWith, postgresService, redisServerBinary, startPrivateRedis } from '../helpers/services.ts';
import { names, promptOf } from '../helpers/replica.ts';

const postgres = await postgresService();
const binary = await redisServerBinary();

describeWith([postgres, binary], 'Redis restarted mid-session', () => {
  it('rooms resync with peers and the log; presence, room events and shared limits come back', async () => {
    const redis = await startPrivateRedis();
    const env = await clusterEnv({ url: redis.url }, postgres, { SESSIONS_PER_MINUTE: '1000' });
    const [a, b] = await startNodes(2, env);
    const http = api(a!.url);
    const [ann, bob, cat, dan] = await Promise.all(['Ann', 'Bob', 'Cat', 'Dan'].map((n) => http.session(n)));
    // Room one: a participant on each node, both staying. Room two: its only
    // participant on node A leaves during the outage, so node A forgets it.
    const one = (await http.room(ann!.token)).room;
    const two = (await http.room(cat!.token)).room;
    const pAnn = await joinWithSocketIo(a!.url, ann!.token, one.id);
    const pBob = await joinWithSocketIo(b!.url, bob!.token, one.id);
    const pCat = await joinWithSocketIo(a!.url, cat!.token, two.id);
    const pDan = await joinWithSocketIo(b!.url, dan!.token, two.id);
    pAnn.doc.getText(ROOTS.prompt).insert(0, 'before');
    await waitFor(() => promptOf(pBob.doc) === 'before', WAIT_BUDGET_MS, 'relay before the outage');

    await redis.stop();
    await waitFor(() => !a!.scale!.redis.isReady && !b!.scale!.redis.isReady, WAIT_BUDGET_MS, 'nodes notice Redis is gone');
    pAnn.doc.getText(ROOTS.prompt).insert(6, ' ann');
    pBob.doc.getText(ROOTS.prompt).insert(0, 'bob ');
    pCat.doc.getText(ROOTS.prompt).insert(0, 'cat was here');
    // Each node still stores what its own participants send.
    await waitFor(async () => (await a!.store.docLog.load(two.id)).entries >= 2, WAIT_BUDGET_MS, 'cat stored');
    pCat.provider.destroy();
    pCat.socket.disconnect();
    await waitFor(() => a!.registry.get(two.id) === undefined, WAIT_BUDGET_MS, 'room two unloaded on node A');
    // Requests are still served, under each node's own limits.
    expect((await api(b!.url).request('POST', '/api/session', { body: {} })).status).toBe(201);
    expect(promptOf(pBob.doc)).toBe('bob before');

    await redis.start();
    await waitFor(() => promptOf(pAnn.doc) === 'bob before ann' && promptOf(pBob.doc) === 'bob before ann', 15_000, 'room one converged');
    await waitFor(() => promptOf(pDan.doc) === 'cat was here', 15_000, 'room two levelled from the log');

    // The relay carries new edits and presence again.
    pBob.doc.getText(ROOTS.prompt).insert(0, '> ');
    await waitFor(() => promptOf(pAnn.doc) === '> bob before ann', WAIT_BUDGET_MS, 'relay after the outage');
    pAnn.provider.awareness.setLocalStateField('user', { name: 'Ann' });
    await waitFor(() => names(pBob.provider.awareness.getStates()).includes('Ann'), WAIT_BUDGET_MS, 'presence after the outage');

    // Room events through the adapter, on a Redis that lost its stream.
    const job: Job = {
      id: 'j',
      roomId: one.id,
      status: 'queued',
      progress: 0,
      prompt: '',
      params: {},
      requestedBy: ann!.user.id,
      createdAt: new Date().toISOString(),
    };
    let got: Job | undefined;
    pBob.socket.on('gen:update', (_roomId, j) => (got = j));
    await waitFor(
      async () => {
        a!.socketIo.io.to(roomChannel(one.id)).emit('gen:update', one.id, job);
        await new Promise((r) => setTimeout(r, 100));
        return got !== undefined;
      },
      15_000,
      'gen:update across nodes after the outage',
    );
    expect(got).toEqual(job);
  });
});
