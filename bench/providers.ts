// Provider relay benchmark: Atelier (its own process) drives the fake ComfyUI
// (this process), whose prompts each emit `steps` progress messages and
// `previews` binary previews; `rooms` jobs are in flight at once, one per room,
// each room with `participants` connections: raw Socket.IO clients that only
// count frames, and `observers` full socket.io-client participants that time
// every `gen:update` against the moment the fake sent the frame that caused it
// (one clock: the fake and the observers share this process).
//
// Figures: the added latency (fake frame → participants' gen:update) of
// progress and of previews; the server's CPU per preview relayed (rounds with
// and without previews, the difference divided by the previews); the server's
// RSS over `--rss-jobs` jobs. Run: `npm run bench:providers` (options below).
import { parseArgs } from 'node:util';
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, CreateRoomResponse, Job, ServerToClientEvents, SessionResponse } from '../shared/protocol.ts';
import { type FakeComfyUi, startFakeComfyUi } from '../tests/generation/fakes/fake-comfyui.ts';
import { post } from './lib/http.ts';
import { cpuShare, machine, sampleProcess } from './lib/proc-stats.ts';
import { connectRawSocketIo, type RawSocketIoClient } from './lib/raw-socketio-client.ts';
import { startServerProcess } from './lib/server-process.ts';
import { ms, summarize } from './lib/stats.ts';
import { machineCores, sampleMachine } from './peers/lib/machine-cpu.ts';

const { values: options } = parseArgs({
  options: {
    rooms: { type: 'string', default: '8' },
    participants: { type: 'string', default: '30' },
    observers: { type: 'string', default: '3' },
    jobs: { type: 'string', default: '160' },
    rounds: { type: 'string', default: '3' },
    steps: { type: 'string', default: '20' },
    previews: { type: 'string', default: '5' },
    'step-ms': { type: 'string', default: '25' },
    'rss-jobs': { type: 'string', default: '1000' },
  },
});
const ROOMS = Number(options.rooms);
const PARTICIPANTS = Number(options.participants);
const OBSERVERS = Math.min(PARTICIPANTS, Number(options.observers));
const JOBS = Number(options.jobs);
const ROUNDS = Number(options.rounds);
const STEPS = Number(options.steps);
const PREVIEWS = Number(options.previews);
const STEP_MS = Number(options['step-ms']);
const RSS_JOBS = Number(options['rss-jobs']);

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

interface Room {
  id: string;
  starter: ClientSocket;
  observers: ClientSocket[];
  raw: RawSocketIoClient[];
}

/** When the fake sent each frame: `<prompt text>|<progress value>` and the latest preview per prompt text. */
const sentProgress = new Map<string, number>();
const sentPreview = new Map<string, number>();
const progressLatency: number[] = [];
const previewLatency: number[] = [];
let finished = 0;
const waiters = new Map<string, () => void>();

function watch(fake: FakeComfyUi): void {
  fake.onFrame = (frame) => {
    if (frame.promptId === undefined) return;
    const text = fake.texts.get(frame.promptId);
    if (text === undefined) return;
    if (frame.type === 'progress' && frame.value !== undefined) sentProgress.set(`${text}|${frame.value}`, frame.sentAt);
    if (frame.type === 'preview') sentPreview.set(text, frame.sentAt);
  };
}

function observe(socket: ClientSocket): void {
  const seenPreview = new Map<string, string>();
  socket.on('gen:update', (_roomId, job: Job) => {
    const now = performance.now();
    if (job.status === 'running' && job.progress > 0 && job.progress < 1) {
      // The provider reports step value / max × 0.98 for a one-image job.
      const value = Math.round((job.progress / 0.98) * STEPS);
      const sent = sentProgress.get(`${job.prompt}|${value}`);
      if (sent !== undefined) progressLatency.push(now - sent);
    }
    const preview = job.previews?.[0];
    if (preview && preview !== seenPreview.get(job.id)) {
      seenPreview.set(job.id, preview);
      const sent = sentPreview.get(job.prompt);
      if (sent !== undefined && job.status === 'running') previewLatency.push(now - sent);
    }
  });
}

function connect(url: string, token: string): Promise<ClientSocket> {
  return new Promise((resolve, reject) => {
    const socket: ClientSocket = io(url, { auth: { token }, transports: ['websocket'], reconnection: false });
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

async function join(socket: ClientSocket, roomId: string): Promise<void> {
  const res = await socket.timeout(10_000).emitWithAck('room:join', roomId, {});
  if (!res.ok) throw new Error(`join refused: ${res.error.message}`);
}

async function setUp(url: string): Promise<Room[]> {
  const rooms: Room[] = [];
  for (let r = 0; r < ROOMS; r++) {
    const owner = await post<SessionResponse>(url, '/api/session', { name: `owner ${r}` });
    const { room } = await post<CreateRoomResponse>(url, '/api/rooms', { title: `bench ${r}` }, owner.token);
    const starter = await connect(url, owner.token);
    await join(starter, room.id);
    const observers = [starter];
    for (let o = 1; o < OBSERVERS; o++) {
      const session = await post<SessionResponse>(url, '/api/session', { name: `observer ${r}.${o}` });
      const socket = await connect(url, session.token);
      await join(socket, room.id);
      observers.push(socket);
    }
    for (const socket of observers) observe(socket);
    starter.on('gen:update', (_roomId, job) => {
      if (job.status === 'succeeded' || job.status === 'failed' || job.status === 'cancelled') {
        if (job.status !== 'succeeded') console.error(`job ${job.id} ${job.status}: ${JSON.stringify(job.error)}`);
        finished++;
        waiters.get(job.id)?.();
      }
    });
    const raw: RawSocketIoClient[] = [];
    for (let p = OBSERVERS; p < PARTICIPANTS; p++) {
      const session = await post<SessionResponse>(url, '/api/session', { name: `raw ${r}.${p}` });
      raw.push(await connectRawSocketIo(url, session.token, room.id));
    }
    rooms.push({ id: room.id, starter, observers, raw });
  }
  return rooms;
}

/** Loaded into the server process: SIGUSR2 runs a full garbage collection. */
const GC_ON_SIGNAL = `data:text/javascript,${encodeURIComponent("process.on('SIGUSR2', () => globalThis.gc());")}`;

/** The server's V8 heap in use, from its own metrics. */
async function heapUsed(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(/^atelier_nodejs_heap_size_used_bytes (\d+)/m.exec(text)?.[1] ?? Number.NaN);
}

let jobNumber = 0;

/** Each room runs `perRoom` jobs back to back: `rooms` jobs in flight at all times. */
async function runJobs(rooms: Room[], perRoom: number, afterEach?: (done: number) => void): Promise<void> {
  let done = 0;
  await Promise.all(
    rooms.map(async (room) => {
      for (let i = 0; i < perRoom; i++) {
        const prompt = `bench job ${jobNumber++}`;
        const res = await room.starter
          .timeout(30_000)
          .emitWithAck('gen:start', room.id, { prompt, provider: 'comfyui', size: '512x512', steps: STEPS });
        if (!res.ok) throw new Error(`gen:start refused: ${res.error.message}`);
        await new Promise<void>((resolve) => waiters.set(res.job.id, resolve));
        waiters.delete(res.job.id);
        afterEach?.(++done);
      }
    }),
  );
}

async function main(): Promise<void> {
  const fake = await startFakeComfyUi({ parallel: ROOMS, autoClose: false });
  watch(fake);
  const server = await startServerProcess(
    {
      COMFYUI_URL: fake.url,
      GEN_PROVIDERS: 'local,comfyui',
      GEN_CONCURRENCY: String(ROOMS),
      COMFYUI_CONCURRENCY: String(ROOMS),
      GEN_USER_JOBS_PER_MINUTE: '1000000',
      GEN_QUEUE_LIMIT: '1000',
      GEN_PROVIDER_REFRESH_MS: '600000',
      MAX_PARTICIPANTS_PER_ROOM: String(PARTICIPANTS + 10),
    },
    ['--expose-gc', `--import=${GC_ON_SIGNAL}`],
  );
  try {
    const rooms = await setUp(server.url);
    const perRoom = Math.max(1, Math.round(JOBS / ROOMS));
    console.log(`# Provider relay benchmark\n`);
    console.log(`${machine()}; ${ROOMS} rooms × ${PARTICIPANTS} participants (${OBSERVERS} full observers each), ${ROOMS} jobs in flight,`);
    console.log(
      `each job one ComfyUI prompt of ${STEPS} steps (${STEP_MS} ms apart) and ${PREVIEWS} previews; ${perRoom * ROOMS} jobs per phase.\n`,
    );
    fake.behaviour = { steps: STEPS, previews: PREVIEWS, stepDelayMs: STEP_MS };
    await runJobs(rooms, 1); // warm-up: sharp, the WebSocket, the rooms
    progressLatency.length = 0;
    previewLatency.length = 0;

    console.log(
      '| round | previews | progress latency p50 / p99 | preview latency p50 / p99 | server CPU (cores) | server CPU per job | bench CPU (cores) | rest of machine (cores) |',
    );
    console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
    const perPreview: number[] = [];
    const p99s: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const cpuPerJob: Record<number, number> = {};
      for (const previews of [PREVIEWS, 0]) {
        fake.behaviour = { steps: STEPS, previews, stepDelayMs: STEP_MS };
        progressLatency.length = 0;
        previewLatency.length = 0;
        const [s0, b0, m0] = [sampleProcess(server.pid), sampleProcess(process.pid), sampleMachine()];
        await runJobs(rooms, perRoom);
        const [s1, b1, m1] = [sampleProcess(server.pid), sampleProcess(process.pid), sampleMachine()];
        const jobs = perRoom * ROOMS;
        cpuPerJob[previews] = (s1.cpuSeconds - s0.cpuSeconds) / jobs;
        const serverCores = cpuShare(s0, s1);
        const benchCores = cpuShare(b0, b1);
        const rest = machineCores(m0, m1) - serverCores - benchCores;
        const progress = summarize(progressLatency);
        const preview = summarize(previewLatency);
        if (previews > 0) p99s.push(progress.p99);
        console.log(
          `| ${round} | ${previews} | ${ms(progress.p50)} / ${ms(progress.p99)} ms (${progress.count}) | ${previews > 0 ? `${ms(preview.p50)} / ${ms(preview.p99)} ms (${preview.count})` : '—'} | ${serverCores.toFixed(2)} | ${(cpuPerJob[previews] * 1000).toFixed(1)} ms | ${benchCores.toFixed(2)} | ${rest.toFixed(2)} |`,
        );
      }
      perPreview.push(((cpuPerJob[PREVIEWS] ?? 0) - (cpuPerJob[0] ?? 0)) / Math.max(1, PREVIEWS));
    }
    const sortedPer = [...perPreview].sort((a, b) => a - b);
    const sortedP99 = [...p99s].sort((a, b) => a - b);
    console.log(
      `\nProgress latency p99 (with previews), median of ${ROUNDS} rounds: ${ms(sortedP99[Math.floor(ROUNDS / 2)] ?? NaN)} ms (${ms(sortedP99[0] ?? NaN)}–${ms(sortedP99.at(-1) ?? NaN)}).`,
    );
    console.log(
      `Server CPU per preview relayed (stored, sent to ${PARTICIPANTS} participants), median: ${((sortedPer[Math.floor(ROUNDS / 2)] ?? NaN) * 1000).toFixed(2)} ms (${((sortedPer[0] ?? NaN) * 1000).toFixed(2)}–${((sortedPer.at(-1) ?? NaN) * 1000).toFixed(2)}).`,
    );
    const frames = rooms.flatMap((r) => r.raw).reduce((sum, c) => sum + c.events, 0);
    console.log(`Raw clients counted ${frames} event frames.`);

    if (RSS_JOBS > 0) {
      fake.behaviour = { steps: STEPS, previews: PREVIEWS, stepDelayMs: STEP_MS };
      const total = Math.ceil(RSS_JOBS / ROOMS) * ROOMS;
      const every = Math.max(ROOMS, Math.round(total / 10));
      const samples: Array<{ jobs: number; rss: number; heap: number }> = [];
      const sample = async (jobs: number) => {
        // A full collection first (see GC_ON_SIGNAL), so the heap figure is what the server keeps.
        process.kill(server.pid, 'SIGUSR2');
        await new Promise((resolve) => setTimeout(resolve, 300));
        samples.push({ jobs, rss: sampleProcess(server.pid).rssBytes, heap: await heapUsed(server.url) });
      };
      await sample(0);
      const pending: Array<Promise<unknown>> = [];
      await runJobs(rooms, total / ROOMS, (done) => {
        if (done % every === 0) pending.push(sample(done));
      });
      await Promise.all(pending);
      await sample(total);
      const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
      console.log(`\nServer memory over ${total} more jobs (jobs: RSS / heap used, MiB):`);
      console.log(samples.map((s) => `${s.jobs}: ${mib(s.rss)} / ${mib(s.heap)}`).join(', '));
    }
    for (const room of rooms) {
      for (const socket of room.observers) socket.close();
      for (const client of room.raw) client.close();
    }
    console.log(`\n${finished} jobs finished in all.`);
  } finally {
    await server.stop();
    await fake.close();
  }
}

await main();
process.exit(0);
