// Where a node's Socket.IO adapter starts reading its stream (server/scale/
// adapter-stream.ts), on real Redis: from the last entry there was at start-up,
// so neither the stream's history nor what comes after start-up is missed,
// whenever the reader first gets an answer. The outage this is for is in
// tests/realtime/ws-events-nodes.test.ts.
import pino from 'pino';
import { expect, it } from 'vitest';
import { readingFrom, streamEnd } from '../../server/scale/adapter-stream.ts';
import { closeRedis, connectRedis } from '../../server/scale/redis-client.ts';
import { createRedisPrefix, describeWith, redisService } from '../helpers/services.ts';

const logger = pino({ level: 'silent' });
const redis = await redisService();

describeWith([redis], "the adapter's stream reader", () => {
  it("asks from the stream's last id at start-up where the adapter asks for `$`, and from its first entry when it had none", async () => {
    const client = await connectRedis(redis.url, 'test', logger);
    const prefix = createRedisPrefix(redis);
    const stream = `${prefix}socket.io`;
    const other = `${prefix}other`;
    try {
      expect(await streamEnd(client, stream)).toBe('0-0');
      await client.xAdd(stream, '*', { n: 'history' });
      const last = await client.xAdd(stream, '*', { n: 'before start-up' });
      const startId = await streamEnd(client, stream);
      expect(startId).toBe(last);
      // The adapter's reader is a duplicate of the client it is given.
      const reader = readingFrom(client, stream, startId).duplicate();
      await reader.connect();
      try {
        await client.xAdd(stream, '*', { n: 'after start-up' });
        await client.xAdd(other, '*', { n: 'elsewhere' });
        const read = await reader.xRead([{ key: stream, id: '$' }], { COUNT: 100 });
        expect(read?.[0]?.messages.map((m) => m.message.n)).toEqual(['after start-up']);
        // Other streams, and ids the adapter names itself, are asked as they are.
        expect(await reader.xRead([{ key: other, id: '$' }], { COUNT: 100 })).toBeNull();
        const all = await reader.xRead({ key: stream, id: '0-0' }, { COUNT: 100 });
        expect(all?.[0]?.messages).toHaveLength(3);
      } finally {
        await closeRedis(reader);
      }
    } finally {
      await closeRedis(client);
    }
  });
});
