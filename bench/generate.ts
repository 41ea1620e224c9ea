// Generation benchmark: the local renderer alone at 512 and 1024 px, then jobs
// per second through the whole pipeline (gen:start over Socket.IO → queue →
// render → media store → candidate in a client's synced doc) at the
// concurrency limit. Run: `npm run bench:generate` (options: --renders N --jobs N --size WxH).
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { io } from 'socket.io-client';
import * as Y from 'yjs';
import { type AtelierClientSocket, SocketIoProvider } from '../client/realtime/socketio-provider.ts';
import { startAtelier } from '../server/atelier.ts';
import { loadConfig } from '../server/config.ts';
import { LocalProvider } from '../server/generation/local-provider.ts';
import { type GenerationRequest, parseSize } from '../server/generation/provider.ts';
import { ROOTS } from '../shared/doc-schema.ts';
import { type CreateRoomResponse, IMAGE_SIZES, type ImageSize, type SessionResponse } from '../shared/protocol.ts';

const { values: options } = parseArgs({
  options: {
    renders: { type: 'string', default: '40' },
    jobs: { type: 'string', default: '40' },
    size: { type: 'string', default: '1024x1024' },
    concurrency: { type: 'string' },
  },
});
const RENDERS = Number(options.renders);
const JOBS = Number(options.jobs);
const PIPELINE_SIZE = options.size as ImageSize;
if (!IMAGE_SIZES.includes(PIPELINE_SIZE)) throw new Error(`--size must be one of ${IMAGE_SIZES.join(', ')}`);

const PROMPTS = [
  'a lighthouse on a cliff by the stormy sea at dusk',
  'neon city skyline at night with stars',
  'a quiet forest with a golden sun and birds',
  'abstract pink and teal geometric pattern',
  'red boats in a harbour under clouds',
];

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function summary(samples: number[]): { p50: number; p99: number; mean: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), mean: samples.reduce((s, x) => s + x, 0) / samples.length };
}

const ms = (n: number) => `${n.toFixed(1)} ms`;

async function benchRenderer(): Promise<void> {
  const provider = new LocalProvider();
  console.log(`\n## Local renderer (${RENDERS} renders per size, 1 image each, after 3 warm-up renders)\n`);
  console.log('| size | p50 | p99 | mean |');
  console.log('| --- | --- | --- | --- |');
  for (const size of ['512x512', '1024x1024'] as const) {
    const request = (i: number): GenerationRequest => ({
      jobId: `bench-${i}`,
      prompt: PROMPTS[i % PROMPTS.length]!,
      seed: i,
      size,
      ...parseSize(size),
      count: 1,
      model: 'procedural-v1',
      user: 'bench',
    });
    const signal = new AbortController().signal;
    for (let i = 0; i < 3; i++) await provider.generate(request(i), { signal, onProgress: () => {} });
    const times: number[] = [];
    for (let i = 0; i < RENDERS; i++) {
      const started = performance.now();
      await provider.generate(request(i), { signal, onProgress: () => {} });
      times.push(performance.now() - started);
    }
    const s = summary(times);
    console.log(`| ${size} | ${ms(s.p50)} | ${ms(s.p99)} | ${ms(s.mean)} |`);
  }
}

async function benchPipeline(): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'atelier-bench-'));
  const config = loadConfig({
    PORT: '0',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    GEN_USER_JOBS_PER_MINUTE: '100000',
    GEN_ROOM_QUEUE_LIMIT: '1000',
    GEN_QUEUE_LIMIT: '1000',
    GEN_MAX_CANDIDATES: String(JOBS + 10),
    ...(options.concurrency ? { GEN_CONCURRENCY: options.concurrency } : {}),
  });
  const concurrency = config.generation.concurrency;
  const atelier = await startAtelier(config, pino({ level: 'silent' }));
  let socket: AtelierClientSocket | undefined;
  try {
    const post = async <T>(route: string, body: object, token?: string): Promise<T> => {
      const res = await fetch(atelier.url + route, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      });
      return (await res.json()) as T;
    };
    const { token } = await post<SessionResponse>('/api/session', { name: 'Bench' });
    const { room } = await post<CreateRoomResponse>('/api/rooms', { title: 'bench' }, token);
    socket = io(atelier.url, { auth: { token }, transports: ['websocket'], forceNew: true, reconnection: false });
    const doc = new Y.Doc();
    const provider = new SocketIoProvider(socket, room.id, doc);
    await provider.whenSynced();

    // Each job's clock stops when its candidate shows up in this client's doc.
    const arrived = new Map<string, () => void>();
    doc.getArray<Y.Map<unknown>>(ROOTS.candidates).observe((event) => {
      for (const item of event.changes.added) {
        for (const content of item.content.getContent()) {
          if (content instanceof Y.Map) arrived.get(String(content.get('jobId')))?.();
        }
      }
    });

    const latencies: number[] = [];
    let next = 0;
    const runOne = async (): Promise<void> => {
      const i = next++;
      const started = performance.now();
      const res = await socket!.emitWithAck('gen:start', room.id, { prompt: PROMPTS[i % PROMPTS.length]!, seed: i, size: PIPELINE_SIZE });
      if (!res.ok) throw new Error(`gen:start refused: ${res.error.code} ${res.error.message}`);
      await new Promise<void>((resolve) => arrived.set(res.job.id, resolve));
      latencies.push(performance.now() - started);
    };
    const worker = async () => {
      while (next < JOBS) await runOne();
    };
    const started = performance.now();
    // Closed loop: exactly `concurrency` jobs in flight, so the queue never waits and never idles.
    await Promise.all(Array.from({ length: concurrency }, worker));
    const seconds = (performance.now() - started) / 1000;
    const s = summary(latencies);
    console.log(
      `\n## Pipeline: gen:start → candidate in a client's doc (${JOBS} jobs, ${PIPELINE_SIZE}, GEN_CONCURRENCY=${concurrency})\n`,
    );
    console.log('| jobs/s | latency p50 | latency p99 |');
    console.log('| --- | --- | --- |');
    console.log(`| ${(JOBS / seconds).toFixed(2)} | ${ms(s.p50)} | ${ms(s.p99)} |`);
    provider.destroy();
  } finally {
    socket?.disconnect();
    await atelier.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

console.log(
  `# Generation benchmark — ${new Date().toISOString()}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`,
);
await benchRenderer();
await benchPipeline();
