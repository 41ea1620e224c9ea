// npm run bench:live — live rooms under load (docs/live.md, docs/benchmarks.md).
// R listed rooms, M makers in each typing K keys/s and S spectators spread over
// the rooms, each on the one connection a room page opens (the room's Yjs
// WebSocket with events, `/yjs/:roomId?events=1`): raw clients, the makers
// parsing only the updates they receive, the spectators counting frames. A
// painter per room (the client's RoomProvider) moves a layer, and a "Live now"
// subscriber on Socket.IO (as the live page). Two runs on fresh servers: the same rooms and makers
// with neither spectators nor previews (baseline), then with both (live).
// Reports the makers' keystroke delivery p99 in each and their ratio, the
// preview freshness (a layer moved → a live:update with a new previewUrl),
// server RSS per spectator, CPU and frames delivered.
//   LIVE_ROOMS=50 LIVE_MAKERS=5 LIVE_KEYS=2 LIVE_SPECTATORS=1000 LIVE_SECONDS=30
//   LIVE_WARMUP=5 LIVE_PREVIEW_MS=3000 LIVE_PAINT_MS=7000 npm run bench:live
// LIVE_CURSOR_HZ=N has each maker move its cursor N times a second too (an
// awareness state the size of the web client's, ~300 bytes); 0 by default.
// LIVE_CPU_PROF_DIR=DIR profiles each run's server (node --cpu-prof) into DIR,
// for `node bench/profile-summary.ts FILE --last 30s`. LIVE_SPECTATOR_THREAD=1
// joins the spectators on a worker thread (bench/live/spectator-thread.ts), so
// their frames are not read on the loop that times the makers' keystrokes.
// The first spectator of each room times the keystrokes it is sent (the
// feed's freshness); this process's own loop use is reported too.
// LIVE_SPECTATOR_TRANSPORT=socket.io joins the spectators on Socket.IO instead
// (raw clients counting WebSocket messages, two per event; none timed).
import { monitorEventLoopDelay, performance as perf } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import * as encoding from 'lib0/encoding';
import { io } from 'socket.io-client';
import type { LiveItem } from '../shared/live.ts';
import type { AtelierClientSocket } from '../client/realtime/socketio-provider.ts';
import { post } from './lib/http.ts';
import { machine, sampleProcess } from './lib/proc-stats.ts';
import { startServerProcess } from './lib/server-process.ts';
import { ms, summarize } from './lib/stats.ts';
import { KeystrokeSource } from './peers/lib/keystrokes.ts';
import { forEachStruct } from './peers/lib/update-structs.ts';
import { type Painter, startPainter } from './live/painter.ts';
import { connectLiveRaw, connectLiveSocketIo, type LiveRawClient } from './live/raw-client.ts';
import { type SpectatorThread, startSpectatorThread } from './live/spectator-thread.ts';

const int = (name: string, fallback: number) => Number.parseInt(process.env[name] ?? '', 10) || fallback;
const O = {
  rooms: int('LIVE_ROOMS', 50),
  makers: int('LIVE_MAKERS', 5),
  keys: int('LIVE_KEYS', 2),
  spectators: int('LIVE_SPECTATORS', 1000),
  seconds: int('LIVE_SECONDS', 30),
  warmup: int('LIVE_WARMUP', 5),
  previewMs: int('LIVE_PREVIEW_MS', 3000),
  paintMs: int('LIVE_PAINT_MS', 7000),
  cursorHz: Number.parseInt(process.env.LIVE_CURSOR_HZ ?? '0', 10) || 0,
  profileDir: process.env.LIVE_CPU_PROF_DIR,
  spectatorThread: process.env.LIVE_SPECTATOR_THREAD === '1',
  /** `socket.io`: spectators join on Socket.IO (raw clients, untimed) instead of the room page's Yjs WebSocket. */
  spectatorTransport: process.env.LIVE_SPECTATOR_TRANSPORT === 'socket.io' ? 'socket.io' : 'yjs',
};

interface Session {
  token: string;
  user: { id: string };
}

interface RunResult {
  keystrokes: number[];
  freshness: number[];
  /** A keystroke sent → its change reaching a timed spectator (one per room), ms. */
  spectatorLag: number[];
  /** This process's own event loop over the measured window: how busy, and how late a 1 ms timer ran (p99, ms). */
  benchLoop: { utilization: number; delayP99: number };
  rssPerSpectatorKiB: number;
  cpu: number;
  spectatorFrames: number;
  previews: number;
  /** Updates mixing keystrokes with a layer change, left out of the timing. */
  unparsed: number;
}

async function pool<T>(items: readonly T[], limit: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i] as T, i);
      }
    }),
  );
}

/** One awareness update: the client's state as the web client's room page sets it while typing. */
function cursorMove(client: number, clock: number): Uint8Array {
  const state = {
    user: { name: 'Maker', color: '#3366cc' },
    watching: false,
    typing: true,
    layerId: null,
    cursor: { anchor: { type: { client, clock: 0 }, tname: null, item: { client, clock }, assoc: 0 }, head: null },
  };
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 1);
  encoding.writeVarUint(encoder, client);
  encoding.writeVarUint(encoder, clock);
  encoding.writeVarString(encoder, JSON.stringify(state));
  return encoding.toUint8Array(encoder);
}

const progress = (line: string) => process.stderr.write(`  ${line}\n`);

async function run(live: boolean): Promise<RunResult> {
  progress(live ? 'run with spectators and previews' : 'run with makers only');
  const server = await startServerProcess(
    {
      LIVE_PREVIEW_MS: String(O.previewMs),
      MAX_SPECTATORS_PER_ROOM: String(O.spectators + 10),
      MESSAGES_PER_SECOND: '1000',
      MESSAGE_BURST: '3000',
      UPLOADS_PER_MINUTE: '100000',
      GEN_PROVIDERS: 'local',
    },
    O.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${O.profileDir}`] : [],
  );
  const closers: Array<() => void> = [];
  try {
    const { url } = server;
    const session = (name: string) => post<Session>(url, '/api/session', { name });
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
        rooms.push({ id: room.id, edit: invites.edit, owner });
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
    await pool(
      rooms.flatMap((room) => Array.from({ length: O.makers }, () => room)),
      16,
      async (room) => {
        const me = await session('Maker');
        const source = new KeystrokeSource(1 + Math.floor(Math.random() * 2 ** 30));
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
        typists.push({ client, source, roomId: room.id });
        closers.push(() => client.close());
      },
    );

    progress(`${typists.length} makers joined`);
    // Painters (both runs, so the rooms are the same), spectators and a subscriber (live only).
    const painters = new Map<string, Painter>();
    await pool(rooms, 8, async (room) => {
      const painter = await startPainter(url, room.owner.token, room.id, room.edit, room.owner.user.id);
      painters.set(room.id, painter);
      closers.push(() => painter.close());
    });
    progress(`${painters.size} painters placed their layers`);
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
        Math.random() * (1000 / O.keys),
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
          Math.random() * (1000 / O.cursorHz),
        );
        timers.push(start);
      }
    }
    for (const [roomId, painter] of painters) {
      const start = setTimeout(() => {
        timers.push(
          setInterval(() => {
            // The first change after the last preview is the one the next preview should show.
            if (!paintedAt.has(roomId)) paintedAt.set(roomId, painter.paint());
            else painter.paint();
          }, O.paintMs),
        );
      }, Math.random() * O.paintMs);
      timers.push(start);
    }
    await sleep(O.warmup * 1000);
    const loopDelay = monitorEventLoopDelay({ resolution: 1 });
    loopDelay.enable();
    const eluFrom = perf.eventLoopUtilization();
    measuring = true;
    measured.from = performance.now();
    const cpuFrom = sampleProcess(server.pid);
    const framesFrom = framesSoFar();
    await sleep(O.seconds * 1000);
    measuring = false;
    measured.to = performance.now();
    loopDelay.disable();
    const benchLoop = { utilization: perf.eventLoopUtilization(eluFrom).utilization, delayP99: loopDelay.percentile(99) / 1e6 };
    const cpuTo = sampleProcess(server.pid);
    const framesTo = framesSoFar();
    for (const timer of timers) clearInterval(timer);
    // The thread's last timed deliveries (it sends them every 250 ms).
    if (thread) await sleep(500);
    return {
      keystrokes: latencies,
      freshness,
      spectatorLag,
      benchLoop,
      rssPerSpectatorKiB: live ? (rssAfter - rssBefore) / 1024 / Math.max(1, thread?.joined ?? spectators.length) : 0,
      cpu: (cpuTo.cpuSeconds - cpuFrom.cpuSeconds) / ((cpuTo.at - cpuFrom.at) / 1000),
      spectatorFrames: (framesTo - framesFrom) / O.seconds,
      previews,
      unparsed,
    };
  } finally {
    for (const close of closers) close();
    await server.stop();
  }
}

const out = (line: string) => process.stdout.write(`${line}\n`);
out(`bench:live on ${machine()}`);
out(
  `${O.rooms} rooms × ${O.makers} makers typing ${O.keys} keys/s${O.cursorHz > 0 ? ` and moving their cursors ${O.cursorHz} times/s` : ''}, ${O.spectators} spectators${O.spectatorTransport === 'socket.io' ? ' on Socket.IO' : ''}, ${O.seconds} s measured after ${O.warmup} s, LIVE_PREVIEW_MS=${O.previewMs}, a layer moved every ${O.paintMs} ms per room`,
);
const baseline = await run(false);
const withLive = await run(true);
const b = summarize(baseline.keystrokes);
const l = summarize(withLive.keystrokes);
const f = summarize(withLive.freshness);
out('');
out('| run | keystroke deliveries | p50 ms | p99 ms | server CPU (cores) |');
out('| --- | --- | --- | --- | --- |');
out(`| makers only | ${b.count} | ${ms(b.p50)} | ${ms(b.p99)} | ${baseline.cpu.toFixed(2)} |`);
out(`| with spectators and previews | ${l.count} | ${ms(l.p50)} | ${ms(l.p99)} | ${withLive.cpu.toFixed(2)} |`);
out('');
out(`keystroke p99 ratio (live / makers only): ${(l.p99 / b.p99).toFixed(2)} (target ≤ 1.25)`);
out(
  `preview freshness: ${f.count} previews measured, p50 ${ms(f.p50)} ms, p99 ${ms(f.p99)} ms (target ≤ ${2 * O.previewMs} ms); ${withLive.previews} new previews in all`,
);
const sl = summarize(withLive.spectatorLag);
out(`keystroke to a spectator (one timed per room): ${sl.count} deliveries, p50 ${ms(sl.p50)} ms, p99 ${ms(sl.p99)} ms`);
const loop = (r: RunResult) => `${(r.benchLoop.utilization * 100).toFixed(0)} % busy, 1 ms timer late p99 ${ms(r.benchLoop.delayP99)} ms`;
out(`this benchmark's own event loop: makers only ${loop(baseline)}; with spectators ${loop(withLive)}`);
out(`server RSS per spectator: ${withLive.rssPerSpectatorKiB.toFixed(1)} KiB`);
out(`updates not timed (a layer change merged in): ${baseline.unparsed} / ${withLive.unparsed}`);
out(`frames delivered to spectators: ${withLive.spectatorFrames.toFixed(0)}/s`);
process.exit(0);
