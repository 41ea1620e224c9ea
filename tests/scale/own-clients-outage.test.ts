// Redis goes away: every node keeps serving its own clients, on both
// transports. A room event a node sends (a job's gen:update) reaches its own
// Socket.IO sockets at once, as it reaches its own event sockets, not once
// Redis is back; and it still reaches the other node's clients when Redis
// returns (the adapter's stream entry waits for Redis, as before).
import { expect, it } from 'vitest';
import { roomChannel } from '../../server/realtime/events/channels.ts';
import type { Job } from '../../shared/protocol.ts';
import { connectSocket } from '../helpers/clients.ts';
import { clusterEnv } from '../helpers/cluster.ts';
import { api, startServer, waitFor } from '../helpers/server.ts';
import { describeWith, postgresService, redisServerBinary, startPrivateRedis } from '../helpers/services.ts';
import { eventWs } from '../helpers/ws-events.ts';

const postgres = await postgresService();
const binary = await redisServerBinary();

describeWith([postgres, binary], "a node's own clients while Redis is away", () => {
  it("hear the node's broadcasts at once on Socket.IO as on event sockets; the other node's hear them once Redis is back", async () => {
    const redis = await startPrivateRedis();
    const env = await clusterEnv({ url: redis.url }, postgres);
    const a = await startServer({ ...env, NODE_ID: 'node-a' });
    const b = await startServer({ ...env, NODE_ID: 'node-b' });
    const ann = await api(b.url).session('Ann');
    const { room } = await api(b.url).room(ann.token);
    const heard = new Map<string, string[]>();
    for (const [name, node] of [
      ['b', b],
      ['a', a],
    ] as const) {
      const socket = connectSocket(node.url, ann.token);
      expect(await socket.timeout(10_000).emitWithAck('room:join', room.id, { yjs: false })).toMatchObject({ ok: true });
      heard.set(name, []);
      socket.on('gen:update', (_roomId, job) => heard.get(name)!.push(job.id));
    }
    const annWs = eventWs(b.url, room.id, ann.token);
    await annWs.next('room:joined');

    await redis.stop();
    await waitFor(() => !b.scale?.redis.isReady && !a.scale?.redis.isReady, 10_000, 'both nodes notice Redis is gone');
    const job: Job = {
      id: 'O'.repeat(22),
      roomId: room.id,
      status: 'running',
      progress: 0.5,
      prompt: 'during the outage',
      params: {},
      requestedBy: ann.user.id,
      createdAt: new Date().toISOString(),
    };
    b.broadcast.to(roomChannel(room.id)).emit('gen:update', room.id, job);
    expect(await annWs.next('gen:update')).toEqual([room.id, job]);
    await waitFor(() => heard.get('b')!.includes(job.id), 10_000, "node B's own Socket.IO socket hears it");
    expect(b.scale!.redis.isReady).toBe(false);

    await redis.start();
    await waitFor(() => heard.get('a')!.includes(job.id), 20_000, "node A's socket hears it once Redis is back");
    // Once each: node B's socket is not told again when the entry reaches the stream.
    expect(heard.get('b')).toEqual([job.id]);
  }, 60_000);
});
