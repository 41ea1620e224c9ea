// npm run bench:live — live rooms under load (docs/live.md, docs/benchmarks.md).
// R listed rooms, M makers in each typing K keys/s and S spectators spread over
// the rooms, each on the one connection a room page opens (the room's Yjs
// WebSocket with events, `/yjs/:roomId?events=1`): raw clients, the makers
// parsing only the updates they receive, the spectators counting frames. A
// painter per room (the client's RoomProvider) moves a layer, and a "Live now"
// subscriber on Socket.IO (as the live page). LIVE_ROUNDS pairs of runs, each
// on a fresh server: the same rooms and makers with neither spectators nor
// previews (makers only), and with both; a pair's two runs back to back, the
// pairs alternating which goes first (ABBA), every run drawing the same
// numbers (LIVE_SEED: the makers' Yjs client ids, typing and painting phases).
// Reports every run (with the load average at its start and end), each
// pair's ratio of the makers' keystroke delivery p99, and the medians over
// the pairs with their ranges (bench/live/report.ts); besides, figures the
// machine's load moves less: the server's main-thread CPU and its garbage
// collections (bench/live/server-gauges.ts). And the preview freshness (a
// layer moved → a live:update with a new previewUrl), server RSS per
// spectator, CPU and frames delivered.
// Settings: bench/live/options.ts.
import os from 'node:os';
import { monitorEventLoopDelay, performance as perf } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { io } from 'socket.io-client';
import type { LiveItem } from '../shared/live.ts';
import type { AtelierClientSocket } from '../client/realtime/socketio-provider.ts';
import { post } from './lib/http.ts';
import { machine, sampleProcess } from './lib/proc-stats.ts';
import { startServerProcess } from './lib/server-process.ts';
import { seededRandom } from './lib/shuffle.ts';
import { summarize } from './lib/stats.ts';
import { KeystrokeSource } from './peers/lib/keystrokes.ts';
import { forEachStruct } from './peers/lib/update-structs.ts';
import { type Painter, startPainter } from './live/painter.ts';
import { connectLiveRaw, connectLiveSocketIo, type LiveRawClient } from './live/raw-client.ts';
import { liveLines, type Pair, pairsTable, type RunResult, runsTable } from './live/report.ts';
import { type HeapSampling, INSPECT_NODE_ARGS, startHeapSampling } from './live/heap-sampling.ts';
import { PERF_NODE_ARGS, recordMainThread } from './live/perf-window.ts';
import { GcCounter, mainThreadCpuSeconds } from './live/server-gauges.ts';
import { type SpectatorThread, startSpectatorThread } from './live/spectator-thread.ts';
import { liveOptions as O } from './live/options.ts';
import { cursorMove, pool } from './live/workload.ts';

interface Session {
  token: string;
  user: { id: string };
}

const progress = (line: string) => process.stderr.write(`  ${line}\n`);

const loadNow = () => os.loadavg()[0] ?? NaN;

async function run(live: boolean, pair: number): Promise<RunResult> {
  progress(
    `pair ${pair + 1} of ${O.rounds}: run ${live ? 'with spectators and previews' : 'with makers only'} (load ${loadNow().toFixed(2)})`,
  );
  const startedAt = new Date().toISOString().slice(11, 19);
  // The same numbers in every run: each maker's client id, its typing phase, each room's painting phase.
  const random = seededRandom(O.seed);
  const server = await startServerProcess(
    {
      LIVE_PREVIEW_MS: String(O.previewMs),
      MAX_SPECTATORS_PER_ROOM: String(O.spectators + 10),
      MESSAGES_PER_SECOND: '1000',
      MESSAGE_BURST: '3000',
      UPLOADS_PER_MINUTE: '100000',
      GEN_PROVIDERS: 'local',
    },
    [
      '--trace-gc-nvp',
      ...(O.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${O.profileDir}`] : []),
      ...(O.perfDir ? PERF_NODE_ARGS : []),
      ...(O.heapDir ? INSPECT_NODE_ARGS : []),
    ],
  );
  const gcCounter = new GcCounter(server.pid, server.child.stdout!);
  const closers: Array<() => void> = [];
  try {
    const { url } = server;
    const session = (name: string) => post<Session>(url, '/api/session', { name });
    // By index, not as they complete: a room's place decides its makers, spectators and phases.
    const rooms: Array<{ id: string; edit: string; owner: Session }> = [];
    await pool(
      Array.from({ length: O.rooms }, (_, i) => i),
      8,
      async (i) => {
        const owner = await session(`Owner ${i}`);
        const { room, invites } = await post<{ room: { id: string }; invites: { edit: string } }>(
          url,
          '/api/rooms',
          { linkAccess: 'view' },
          owner.token,
        );
        if (live) {
          const res = await fetch(`${url}/api/rooms/${room.id}`, {
            method: 'PATCH',
            headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${owner.token}` },
            body: JSON.stringify({ listed: true }),
          });
          if (!res.ok) throw new Error(`listing: ${res.status}`);
        }
        rooms[i] = { id: room.id, edit: invites.edit, owner };
      },
    );

    progress(`${rooms.length} rooms`);
    // Makers: each keystroke's send time, by Yjs (client, clock); deliveries to the room's other makers.
    const sentAt = new Map<number, number>();
    const key = (client: number, clock: number) => client * 1_000_000 + clock;
    let measuring = false;
    const latencies: number[] = [];
    let unparsed = 0;
    const typists: Array<{ client: LiveRawClient; source: KeystrokeSource; roomId: string }> = [];
    const clientIds = Array.from({ length: O.rooms * O.makers }, () => 1 + Math.floor(random() * 2 ** 30));
    await pool(
      rooms.flatMap((room) => Array.from({ length: O.makers }, () => room)),
      16,
      async (room, i) => {
        const me = await session('Maker');
        const source = new KeystrokeSource(clientIds[i] ?? i + 1);
        const client = await connectLiveRaw({
          url,
          token: me.token,
          roomId: room.id,
          options: { invite: room.edit },
          onUpdate: (update) => {
            const now = performance.now();
            const found: number[] = [];
            try {
              forEachStruct(update, (c, clock, length) => {
                for (let k = clock; k < clock + length; k++) {
                  const at = sentAt.get(key(c, k));
                  if (at !== undefined) found.push(now - at);
                }
              });
            } catch {
              // A painter's layer change in the same turn: not a keystroke-only update, not timed.
              unparsed++;
              return;
            }
            if (measuring) latencies.push(...found);
          },
        });
        typists[i] = { client, source, roomId: room.id };
        closers.push(() => client.close());
      },
    );

    progress(`${typists.length} makers joined`);
    // Painters (both runs, so the rooms are the same), spectators and a subscriber (live only).
    const painters: Painter[] = [];
    await pool(rooms, 8, async (room, i) => {
      const painter = await startPainter(url, room.owner.token, room.id, room.edit, room.owner.user.id);
      painters[i] = painter;
      closers.push(() => painter.close());
    });
    progress(`${painters.length} painters placed their layers`);
    const rssBefore = sampleProcess(server.pid).rssBytes;
    const spectatorLag: number[] = [];
    // Keystrokes a timed spectator received within the measured window (its times are this thread's performance.now()).
    const measured = { from: Number.POSITIVE_INFINITY, to: Number.POSITIVE_INFINITY };
    const spectatorGot = (client: number, clock: number, at: number) => {
      const sent = sentAt.get(key(client, clock));
      if (sent !== undefined && at >= measured.from && at < measured.to) spectatorLag.push(at - sent);
    };
    const timeSpectator = (update: Uint8Array) => {
      const now = performance.now();
      try {
        forEachStruct(update, (c, clock, length) => {
          for (let k = clock; k < clock + length; k++) spectatorGot(c, k, now);
        });
      } catch {
        // A painter's layer change merged in: not timed.
      }
    };
    const spectators: LiveRawClient[] = [];
    const counting: LiveRawClient[] = [];
    const freshness: number[] = [];
    const paintedAt = new Map<string, number>();
    const lastPreview = new Map<string, string | null>();
    let previews = 0;
    let thread: SpectatorThread | null = null;
    if (live && O.spectatorThread) {
      thread = await startSpectatorThread(
        url,
        rooms.map((room) => room.id),
        O.spectators,
        spectatorGot,
      );
      const started = thread;
      closers.push(() => void started.close());
    } else if (live) {
      await pool(
        Array.from({ length: O.spectators }, (_, i) => i),
        32,
        async (i) => {
          const viewer = await session('Spectator');
          const room = rooms[i % rooms.length];
          if (!room) return;
          // The first spectator of each room times the keystrokes it is sent (the rest only count frames).
          const onUpdate = i < rooms.length ? timeSpectator : undefined;
          const join = { url, token: viewer.token, roomId: room.id, options: { watch: true }, onUpdate };
          const client = O.spectatorTransport === 'socket.io' ? await connectLiveSocketIo(join) : await connectLiveRaw(join);
          spectators.push(client);
          if (!onUpdate) counting.push(client);
          closers.push(() => client.close());
        },
      );
    }
    const framesSoFar = () => thread?.frames() ?? spectators.reduce((s, c) => s + c.frames, 0);
    if (live) {
      const fan = await session('Fan');
      const socket: AtelierClientSocket = io(url, { auth: { token: fan.token }, transports: ['websocket'], forceNew: true });
      closers.push(() => socket.disconnect());
      socket.on('live:update', (item: LiveItem) => {
        const before = lastPreview.get(item.room.id);
        lastPreview.set(item.room.id, item.previewUrl);
        if (item.previewUrl === before || item.previewUrl === null) return;
        previews++;
        const painted = paintedAt.get(item.room.id);
        if (painted !== undefined && measuring) freshness.push(Date.now() - painted);
        paintedAt.delete(item.room.id);
      });
      socket.emit('live:subscribe');
    }
    progress(`${thread?.joined ?? spectators.length} spectators joined${thread ? ' (on a thread of their own)' : ''}`);
    await sleep(2000);
    const rssAfter = sampleProcess(server.pid).rssBytes;

    // Type: every typist K keys/s, start times spread; paint each room every LIVE_PAINT_MS.
    const timers: NodeJS.Timeout[] = [];
    for (const t of typists) {
      const start = setTimeout(
        () => {
          timers.push(
            setInterval(() => {
              const clock = t.source.clock;
              const update = t.source.next();
              sentAt.set(key(t.source.client, clock), performance.now());
              t.client.sendUpdate(update);
            }, 1000 / O.keys),
          );
        },
        random() * (1000 / O.keys),
      );
      timers.push(start);
    }
    if (O.cursorHz > 0) {
      for (const t of typists) {
        let clock = 0;
        const start = setTimeout(
          () => {
            timers.push(setInterval(() => t.client.sendAwareness(cursorMove(t.source.client, ++clock)), 1000 / O.cursorHz));
          },
          random() * (1000 / O.cursorHz),
        );
        timers.push(start);
      }
    }
    for (const [i, painter] of painters.entries()) {
      const roomId = rooms[i]?.id ?? '';
      const start = setTimeout(() => {
        timers.push(
          setInterval(() => {
            // The first change after the last preview is the one the next preview should show.
            if (!paintedAt.has(roomId)) paintedAt.set(roomId, painter.paint());
            else painter.paint();
          }, O.paintMs),
        );
      }, random() * O.paintMs);
      timers.push(start);
    }
    await sleep(O.warmup * 1000);
    const loopDelay = monitorEventLoopDelay({ resolution: 1 });
    loopDelay.enable();
    const eluFrom = perf.eventLoopUtilization();
    const loadFrom = loadNow();
    measuring = true;
    measured.from = performance.now();
    const cpuFrom = sampleProcess(server.pid);
    const mainFrom = mainThreadCpuSeconds(server.pid);
    gcCounter.start();
    const perfWindow = O.perfDir
      ? recordMainThread(O.perfDir, `pair${pair + 1}-${live ? 'spectators' : 'makers'}-${server.pid}`, server.pid, O.seconds)
      : null;
    const heap: HeapSampling | null = O.heapDir
      ? await startHeapSampling(O.heapDir, `pair${pair + 1}-${live ? 'spectators' : 'makers'}-${server.pid}`)
      : null;
    const framesFrom = framesSoFar();
    if (O.spectatorsPaused) for (const client of counting) client.pause();
    await sleep(O.seconds * 1000);
    measuring = false;
    measured.to = performance.now();
    loopDelay.disable();
    const benchLoop = { utilization: perf.eventLoopUtilization(eluFrom).utilization, delayP99: loopDelay.percentile(99) / 1e6 };
    const cpuTo = sampleProcess(server.pid);
    const mainTo = mainThreadCpuSeconds(server.pid);
    gcCounter.stop();
    const allocations = await heap?.stop();
    if (allocations) {
      progress(`  main thread's allocations over the window, by allocating function (MB):`);
      for (const { frame, bytes } of allocations.slice(0, 25)) progress(`    ${(bytes / 2 ** 20).toFixed(1).padStart(7)}  ${frame}`);
    }
    await perfWindow?.done;
    for (const timer of timers) clearInterval(timer);
    if (O.spectatorsPaused) {
      // What waited for them, and the last hold after the window (at most a frame each).
      for (const client of counting) client.resume();
      await sleep(1000);
    }
    const framesTo = framesSoFar();
    // The thread's last timed deliveries (it sends them every 250 ms).
    if (thread) await sleep(500);
    const result: Omit<RunResult, 'gc'> = {
      live,
      pair,
      startedAt,
      load: [loadFrom, loadNow()],
      keystrokes: summarize(latencies),
      freshness: summarize(freshness),
      spectatorLag: summarize(spectatorLag),
      benchLoop,
      rssPerSpectatorKiB: live ? (rssAfter - rssBefore) / 1024 / Math.max(1, thread?.joined ?? spectators.length) : 0,
      cpu: (cpuTo.cpuSeconds - cpuFrom.cpuSeconds) / ((cpuTo.at - cpuFrom.at) / 1000),
      mainCpuMs: ((mainTo - mainFrom) * 1000) / ((cpuTo.at - cpuFrom.at) / 1000),
      spectatorFrames: (framesTo - framesFrom) / O.seconds,
      previews,
      unparsed,
    };
    for (const close of closers.splice(0)) close();
    await server.stop();
    // Its stdout flushed as it exited: every collection's line is in.
    return { ...result, gc: await gcCounter.tally() };
  } finally {
    for (const close of closers) close();
    await server.stop();
  }
}

const out = (line: string) => process.stdout.write(`${line}\n`);
out(`bench:live on ${machine()}`);
out(
  `${O.rooms} rooms × ${O.makers} makers typing ${O.keys} keys/s${O.cursorHz > 0 ? ` and moving their cursors ${O.cursorHz} times/s` : ''}, ${O.spectators} spectators${O.spectatorTransport === 'socket.io' ? ' on Socket.IO' : ''}${O.spectatorThread ? ' (on a thread of the benchmark)' : O.spectatorsPaused ? ' (paused over the measured window but the timed ones)' : ''}, ${O.rounds} pairs of runs (ABBA, seed ${O.seed}), ${O.seconds} s measured after ${O.warmup} s, LIVE_PREVIEW_MS=${O.previewMs}, a layer moved every ${O.paintMs} ms per room`,
);
const runs: RunResult[] = [];
const pairs: Pair[] = [];
for (let pair = 0; pair < O.rounds; pair++) {
  // ABBA: makers only first in even pairs, with spectators first in odd ones.
  const order = pair % 2 === 0 ? [false, true] : [true, false];
  const done: RunResult[] = [];
  for (const live of order) {
    const result = await run(live, pair);
    progress(
      `  keystroke p50 / p99 ${result.keystrokes.p50.toFixed(2)} / ${result.keystrokes.p99.toFixed(2)} ms, load ${result.load.map((v) => v.toFixed(2)).join(' → ')}`,
    );
    done.push(result);
    runs.push(result);
  }
  const makers = done.find((r) => !r.live);
  const withLive = done.find((r) => r.live);
  if (makers && withLive) pairs.push({ makers, live: withLive, makersFirst: order[0] === false });
}
out('');
for (const line of runsTable(runs)) out(line);
out('');
for (const line of pairsTable(pairs)) out(line);
out('');
for (const line of liveLines(pairs, O.previewMs)) out(line);
out(
  `load average at the end: ${os
    .loadavg()
    .map((v) => v.toFixed(2))
    .join(', ')}`,
);
process.exit(0);
