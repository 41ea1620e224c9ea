// The fuzzer's short seeded run (scripts/fuzz, `npm run fuzz` for long ones):
// a server in its own process takes mutated Socket.IO events, raw Socket.IO
// packets, mutated Yjs WebSocket frames and crafted Yjs updates from hostile
// editors and viewers, while honest participants on both transports edit the
// same rooms. It must not exit, no handler may throw past validation, and
// afterwards every honest replica must equal the server's copy.
import { expect, it } from 'vitest';
import { runFuzz } from '../../scripts/fuzz/fuzz.ts';
import { CRAFTS } from '../../scripts/fuzz/yjs-craft.ts';

it('a short seeded fuzz of both transports: no crash, no handler failure, no divergence', async () => {
  const report = await runFuzz({
    seconds: 15,
    seed: 20261207,
    transports: ['socket.io', 'websocket'],
    // Only a diverging run waits this long; generous, for a CI machine busy with other suites.
    settleMs: 20_000,
    // Every craft, writing under another participant's client id included (refused since rooms own client ids).
    crafts: CRAFTS,
  });
  expect(report.crash).toBeUndefined();
  expect(report.handlerFailures).toEqual([]);
  expect(report.divergences).toEqual([]);
  expect(report.clientExceptions).toEqual([]);
  // It did fuzz: hostile messages of every kind went out, and honest edits reached the other peers.
  expect(report.stats.sent.entries().map(([key]) => key.split(' ')[0])).toEqual(
    expect.arrayContaining(['socket.io', 'socket.io-raw', 'websocket', 'websocket-events']),
  );
  expect(report.stats.refused.total).toBeGreaterThan(0);
  expect(report.honest.samples).toBeGreaterThan(0);
  expect(report.failed).toBe(false);
}, 120_000);
