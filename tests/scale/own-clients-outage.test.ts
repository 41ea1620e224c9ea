// Redis goes away: every node keeps serving its own clients, on both
// transports. A room event a node sends (a job's gen:update) reaches its own
// Socket.IO sockets at once, as it reaches its own event sockets, not once
// Redis is back; and it still reaches the other node's clients when Redis
// returns (the adapter's stream entry waits for Redis, as before).
import { expect, it } from 'vitest';
import { roomChannel } from '../../server/realtime/events/channels.ts';
import { runningJob, twoNodesOnOwnRedis } from '../helpers/cluster.ts';
import { WAIT_BUDGET_MS, waitFor } from '../helpers/server.ts';
import { describeWith, postgresService, redisServerBinary } from '../helpers/services.ts';
import { eventWs } from '../helpers/ws-events.ts';

const postgres = await postgresService();
const binary = await redisServerBinary();

describeWith([postgres, binary], "a node's own clients while Redis is away", () => {
  it("hear the node's broadcasts at once on Socket.IO as on event sockets; the other node's hear them once Redis is back", async () => {
    const { redis, a, b, ann, roomId, jobs } = await twoNodesOnOwnRedis(postgres);
    const heard = (node: 'a' | 'b') => jobs[node].all.map((j) => j.id);
    const annWs = eventWs(b.url, roomId, ann.token);
    await annWs.next('room:joined');

    await redis.stop();
    await waitFor(() => !b.scale?.redis.isReady && !a.scale?.redis.isReady, WAIT_BUDGET_MS, 'both nodes notice Redis is gone');
    const job = runningJob(roomId, 'O'.repeat(22), 'during the outage', ann.user.id);
    b.broadcast.to(roomChannel(roomId)).emit('gen:update', roomId, job);
    expect(await annWs.next('gen:update')).toEqual([roomId, job]);
    await waitFor(() => heard('b').includes(job.id), WAIT_BUDGET_MS, "node B's own Socket.IO socket hears it");
    expect(b.scale!.redis.isReady).toBe(false);

    await redis.start();
    await waitFor(() => heard('a').includes(job.id), 20_000, "node A's socket hears it once Redis is back");
    // Once each: node B's socket is not told again when the entry reaches the stream. A marker node A sends now
    // reaches node B through the same stream, after that entry.
    await waitFor(() => a.scale!.redis.isReady, WAIT_BUDGET_MS, 'node A is back on Redis');
    const marker = runningJob(roomId, 'M'.repeat(22), 'after the outage', ann.user.id);
    a.broadcast.to(roomChannel(roomId)).emit('gen:update', roomId, marker);
    await waitFor(() => heard('b').includes(marker.id), 20_000, "node B's socket hears node A's marker");
    expect(heard('b')).toEqual([job.id, marker.id]);
  }, 60_000);
});
