// The fuzzer's short seeded run in scaled mode (`npm run fuzz -- --scaled`):
// two server processes on Redis (a key prefix of the run's own) and PostgreSQL
// (a database of its own), honest peers and attackers alternating between
// them, every craft sent, a flood of foreign sync step 2s among them (each of
// which makes a node wait for its relay and ask again). No crash, no handler
// failure, no divergence on either node, no amplification.
import { expect, it } from 'vitest';
import { runFuzz } from '../../scripts/fuzz/fuzz.ts';
import { CRAFTS } from '../../scripts/fuzz/yjs-craft.ts';
import { expectNothingBroke } from '../helpers/fuzz-report.ts';
import { describeWith, postgresService, redisService } from '../helpers/services.ts';

const redis = await redisService();
const postgres = await postgresService();

describeWith([redis, postgres], 'the fuzzer on two nodes', () => {
  it('a short seeded fuzz of both transports on two nodes: no crash, no handler failure, no divergence, no amplification', async () => {
    const report = await runFuzz({
      seconds: 12,
      seed: 20261208,
      transports: ['socket.io', 'websocket'],
      settleMs: 20_000,
      crafts: CRAFTS,
      // Crafted updates a third of the time, so the foreign step 2s come in numbers.
      craftShare: 0.35,
      scaled: { redisUrl: redis.url, databaseUrl: postgres.url },
    });
    expect(report.nodes).toBe(2);
    expectNothingBroke(report);
    expect(report.asked.step1s).toBeLessThanOrEqual(report.asked.sent + report.asked.connections);
    expect(report.stats.sent.entries().some(([key]) => key.endsWith('craft:foreign-step2'))).toBe(true);
  }, 180_000);
});
