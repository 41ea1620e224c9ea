// What a node keeps for the other nodes while Redis is away is bounded
// (ADAPTER_OFFLINE_MAX_COMMANDS, _BYTES): past the bound the oldest room
// events are dropped and counted, the node's own clients still hear every
// one at once, and the other nodes hear the newest ones once Redis is back;
// a job whose updates were dropped is sent to them again as it is then.
import pino from 'pino';
import { createClient } from 'redis';
import { expect, it } from 'vitest';
import { roomChannel } from '../../server/realtime/events/channels.ts';
import { AdapterOutbox, sizeOf } from '../../server/scale/adapter-outbox.ts';
import type { Redis } from '../../server/scale/redis-client.ts';
import { FAKE_KEY, startFakeOpenAi } from '../generation/fake-openai.ts';
import { startJob } from '../generation/helpers.ts';
import { runningJob, twoNodesOnOwnRedis } from '../helpers/cluster.ts';
import { WAIT_BUDGET_MS, waitFor } from '../helpers/server.ts';
import { describeWith, postgresService, redisServerBinary, startPrivateRedis } from '../helpers/services.ts';

const postgres = await postgresService();
const binary = await redisServerBinary();

const KEPT = 3;
const SENT = 10;

/** The i-th of the room events a test sends by hand. */
const job = (roomId: string, i: number, prompt: string) => runningJob(roomId, `J${String(i).padStart(21, '0')}`, prompt);

describeWith([postgres, binary], 'room events kept for other nodes while Redis is away', () => {
  it("are bounded: the oldest are dropped and counted, the node's own clients hear all, the other node the newest", async () => {
    const { redis, a, b, roomId, jobs } = await twoNodesOnOwnRedis(postgres, { ADAPTER_OFFLINE_MAX_COMMANDS: String(KEPT) });
    const heard = (node: 'a' | 'b') => jobs[node].all.map((j) => j.prompt);
    const send = (i: number, prompt: string) => b.broadcast.to(roomChannel(roomId)).emit('gen:update', roomId, job(roomId, i, prompt));

    await redis.stop();
    await waitFor(() => !b.scale?.redis.isReady && !a.scale?.redis.isReady, WAIT_BUDGET_MS, 'both nodes notice Redis is gone');
    const prompts = Array.from({ length: SENT }, (_, i) => `event ${i}`);
    for (const [i, prompt] of prompts.entries()) send(i, prompt);
    await waitFor(() => heard('b').length === SENT, WAIT_BUDGET_MS, "node B's own socket hears every event");
    expect(heard('b')).toEqual(prompts);
    expect(b.scale!.outbox.waiting.commands).toBe(KEPT);
    expect((await b.metrics.adapterDropped.get()).values[0]?.value).toBe(SENT - KEPT);

    await redis.start();
    const newest = prompts.slice(SENT - KEPT);
    await waitFor(() => heard('a').length >= KEPT, 20_000, "node A's socket hears what node B kept");
    // A marker sent once Redis is back: everything B kept was written before it, so A has heard all it ever will of them.
    await waitFor(() => b.scale!.redis.isReady, WAIT_BUDGET_MS, 'node B is back on Redis');
    send(SENT, 'after');
    await waitFor(() => heard('a').includes('after'), 20_000, "node A's socket hears the event sent after the outage");
    expect(heard('a')).toEqual([...newest, 'after']);
    expect(b.scale!.outbox.waiting).toEqual({ commands: 0, bytes: 0 });
  }, 60_000);

  it('drops by bytes as by count, and warns once per outage', async () => {
    const redis = await startPrivateRedis();
    const client: Redis = createClient({ url: redis.url, socket: { reconnectStrategy: () => 50 } });
    client.on('error', () => undefined);
    await client.connect();
    const warnings: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => warnings.push(line) });
    let droppedBytes = 0;
    const entry = { payload: 'x'.repeat(1000) };
    const size = sizeOf(['stream', '*', entry]);
    const outbox = new AdapterOutbox({
      redis: client,
      limits: { maxCommands: 100, maxBytes: 2 * size },
      logger,
    });
    outbox.events.add({
      dropped: ({ bytes }) => {
        droppedBytes += bytes;
      },
    });
    const adapterSees = outbox.client();
    try {
      for (const outage of [1, 2]) {
        await redis.stop();
        await waitFor(() => !client.isReady, WAIT_BUDGET_MS, 'the client notices Redis is gone');
        const sent = [1, 2, 3, 4, 5].map(() => adapterSees.xAdd('stream', '*', entry).catch((err: Error) => err.message));
        expect(outbox.waiting).toEqual({ commands: 2, bytes: 2 * size });
        expect(droppedBytes).toBe(3 * size * outage);
        expect(warnings).toHaveLength(outage);
        await redis.start();
        const results = await Promise.all(sent);
        // node-redis' AbortError: taken out of its queue, never written.
        expect(results.slice(0, 3)).toEqual(Array(3).fill('The command was aborted'));
        expect(results.slice(3).every((id) => typeof id === 'string' && /^\d+-\d+$/.test(id))).toBe(true);
        // The server is new and empty each time: it holds exactly the two kept.
        expect(await client.xLen('stream')).toBe(2);
        expect(outbox.waiting).toEqual({ commands: 0, bytes: 0 });
      }
    } finally {
      client.destroy();
    }
  }, 60_000);
});

describeWith([postgres, binary], 'a job whose updates were dropped for the other nodes while Redis was away', () => {
  it("reaches the other node's client as it is now once Redis is back", async () => {
    const fake = await startFakeOpenAi();
    const { redis, a, b, roomId, sockets, jobs } = await twoNodesOnOwnRedis(postgres, {
      ADAPTER_OFFLINE_MAX_COMMANDS: String(KEPT),
      OPENAI_API_KEY: FAKE_KEY,
      OPENAI_BASE_URL: fake.baseUrl,
      OPENAI_MODERATION: 'false',
    });
    const { a: onA, b: onB } = jobs;
    fake.hold();
    const started = await startJob(sockets.b, roomId, { provider: 'openai', prompt: 'a lighthouse' });
    await onA.until(started.id, 'running');
    await waitFor(() => fake.held === 1, WAIT_BUDGET_MS, 'the provider asked');

    await redis.stop();
    await waitFor(() => !b.scale?.redis.isReady && !a.scale?.redis.isReady, WAIT_BUDGET_MS, 'both nodes notice Redis is gone');
    fake.release();
    const final = await onB.until(started.id, 'succeeded');
    // Newer room events push every update of the job out of what node B keeps for the other nodes.
    const elsewhere = b.broadcast.to(roomChannel('elsewhere'));
    for (let i = 0; i < KEPT; i++) elsewhere.emit('gen:update', 'elsewhere', job('elsewhere', i, `filler ${i}`));
    expect(b.scale!.outbox.waiting.commands).toBe(KEPT);
    expect(onA.latest(started.id)?.status).toBe('running');

    await redis.start();
    expect(await onA.until(started.id, 'succeeded')).toEqual(final);
  }, 60_000);
});
