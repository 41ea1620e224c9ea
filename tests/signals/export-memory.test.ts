// A large export streams: the server reads a page only when the client has
// taken the previous ones, and the heap stays flat however big the export.
import { get, type IncomingMessage } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { signalLineSchema } from '../../shared/signals.ts';
import type { NewSignal } from '../../server/store/signals.ts';
import { api, startServer, waitFor } from '../helpers/server.ts';
import { ADMIN_TOKEN, SIGNALS_ENV } from './helpers.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const RECORDS = 40_000;
const BATCH = 2_000;
const MB = 1024 * 1024;
/** Far below the export's size: a server that held the export, or a page per record read ahead, would pass it. */
const MAX_HEAP_GROWTH = 24 * MB;

/** The export over a connection of its own, read only as fast as the test asks. */
function openExport(url: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    get(`${url}/api/admin/signals.jsonl`, { agent: false, headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } }, resolve).on(
      'error',
      reject,
    );
  });
}

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

describe('a large export', () => {
  it(`streams ${RECORDS} records (about 80 MB) with backpressure and a bounded heap`, async () => {
    const server = await startServer(SIGNALS_ENV);
    const http = api(server.url);
    const ann = await http.session('Ann');
    await http.json('PATCH', '/api/session', { token: ann.token, body: { shareSignals: true } });

    // About 2 KB a line: a 1000-character prompt, its diff repeating it.
    const text = 'a lighthouse on a cliff at dusk, '.repeat(31).slice(0, 1000);
    for (let start = 0; start < RECORDS; start += BATCH) {
      const batch: NewSignal[] = [];
      for (let i = start; i < start + BATCH; i++) {
        batch.push({
          key: `prompt:job${i}`,
          type: 'prompt_revision',
          userId: ann.user.id,
          roomId: 'room',
          jobId: `job${i}`,
          at: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
          subjects: [],
          data: { jobId: `job${i}`, text: `${i} ${text}`, previous: null, diff: [['+', `${i} ${text}`]] },
        });
      }
      await server.store.signals.append(batch);
    }
    const exportedSoFar = async () => (await server.metrics.signalsExported.get()).values[0]?.value ?? 0;

    const baseline = heapAfterGc();
    let maxGrowth = 0;
    const sample = () => (maxGrowth = Math.max(maxGrowth, heapAfterGc() - baseline));

    // node:http on a connection of its own (not a pooled keep-alive socket the
    // server may be closing after the long insert); it stops reading the socket while the test does not ask for more.
    const res = await openExport(server.url);
    expect(res.statusCode).toBe(200);
    const reader = res[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    const decoder = new TextDecoder();
    let bytes = 0;
    let lines = 0;
    let rest = '';
    let previousSeq = 0;
    const consume = (chunk: Uint8Array) => {
      bytes += chunk.byteLength;
      const parts = (rest + decoder.decode(chunk, { stream: true })).split('\n');
      rest = parts.pop()!;
      for (const part of parts) {
        const line = signalLineSchema.parse(JSON.parse(part));
        expect(line.seq).toBeGreaterThan(previousSeq);
        previousSeq = line.seq;
        lines++;
      }
    };

    // Read a little, then stop reading: the server must stop too, once the socket's buffers are full.
    const first = await reader.next();
    consume(first.value);
    let last = -1;
    let steady = 0;
    await waitFor(
      async () => {
        const now = await exportedSoFar();
        steady = now === last ? steady + 1 : 0;
        last = now;
        return steady >= 10;
      },
      20_000,
      'the export to stop while nobody reads',
    );
    expect(last).toBeLessThan(RECORDS / 4);
    sample();

    let sinceSample = 0;
    for (;;) {
      const { done, value } = await reader.next();
      if (done) break;
      consume(value);
      sinceSample += value.byteLength;
      if (sinceSample >= 4 * MB) {
        sample();
        sinceSample = 0;
      }
    }
    expect(rest).toBe('');
    expect(lines).toBe(RECORDS);
    expect(bytes).toBeGreaterThan(70 * MB);
    expect(await exportedSoFar()).toBe(RECORDS);
    expect(maxGrowth).toBeLessThan(MAX_HEAP_GROWTH);

    // A client that hangs up half-way costs the server nothing: the next export runs whole.
    const abandoned = await openExport(server.url);
    await abandoned[Symbol.asyncIterator]().next();
    abandoned.destroy();
    await new Promise((resolve) => abandoned.once('close', resolve));
    let again = 0;
    for await (const chunk of await openExport(server.url)) again += (chunk as Buffer).byteLength;
    expect(again).toBe(bytes);
    // Three full exports of ~80 MB: a budget for a shared, busy machine, not a speed claim.
  }, 180_000);
});
