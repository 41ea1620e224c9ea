// The fuzzer's short seeded run (scripts/fuzz, `npm run fuzz` for long ones):
// a server in its own process takes mutated Socket.IO events, raw Socket.IO
// packets, mutated Yjs WebSocket frames and crafted Yjs updates from hostile
// editors and viewers, and hostile JSON bodies on the HTTP routes, while honest
// participants on both transports edit the same rooms. It must not exit, no
// handler may throw past validation, every HTTP answer must be typed (never
// taking a body it must refuse), and afterwards every honest replica must
// equal the server's copy.
import { expect, it } from 'vitest';
import { runFuzz } from '../../scripts/fuzz/fuzz.ts';
import { CRAFTS } from '../../scripts/fuzz/yjs-craft.ts';
import { expectNothingBroke } from '../helpers/fuzz-report.ts';

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
  expectNothingBroke(report);
  // It did fuzz: hostile messages of every kind went out, and honest edits reached the other peers.
  expect(report.stats.sent.entries().map(([key]) => key.split(' ')[0])).toEqual(
    expect.arrayContaining(['socket.io', 'socket.io-raw', 'websocket', 'websocket-events', 'http']),
  );
  expect(report.stats.refused.total).toBeGreaterThan(0);
  // Bodies of the wrong type and hostile text reached the JSON routes and were refused as such.
  expect(report.stats.refused.entries().map(([key]) => key)).toEqual(
    expect.arrayContaining(['http 415 unsupported_media_type', 'http 400 bad_request']),
  );
}, 120_000);
