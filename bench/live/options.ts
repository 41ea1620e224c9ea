// bench:live's settings, from the environment (bench/live.ts says what it measures).
//   LIVE_ROUNDS=5 LIVE_SEED=1 LIVE_ROOMS=50 LIVE_MAKERS=5 LIVE_KEYS=2 LIVE_SPECTATORS=1000
//   LIVE_SECONDS=30 LIVE_WARMUP=5 LIVE_PREVIEW_MS=3000 LIVE_PAINT_MS=7000 npm run bench:live
// LIVE_CURSOR_HZ=N has each maker move its cursor N times a second too (an
// awareness state the size of the web client's, ~300 bytes); 0 by default.
// LIVE_CPU_PROF_DIR=DIR profiles each run's server (node --cpu-prof) into DIR,
// for `node bench/profile-summary.ts FILE --last 30s`; LIVE_PERF_DIR=DIR
// records the server's main thread with Linux perf over each measured window
// (bench/live/perf-window.ts); LIVE_HEAP_PROFILE_DIR=DIR samples where its
// main thread allocates (bench/live/heap-sampling.ts). LIVE_SPECTATOR_THREAD=1
// joins the spectators on a worker thread (bench/live/spectator-thread.ts), so
// their frames are not read on the loop that times the makers' keystrokes.
// The first spectator of each room times the keystrokes it is sent (the
// feed's freshness); this process's own loop use is reported too.
// The spectators that only count frames (all but the timed ones) stop
// reading over the measured window, so that the benchmark's loop, which
// stamps the makers' deliveries, reads the same sockets in both runs but for
// the 50 timed spectators (reading them all made it 5–9 points busier than
// with makers only); their frames wait in the kernel (a few KiB each) and are
// counted after it, with the last hold. LIVE_SPECTATOR_READS=read keeps them
// reading, as before 2026-12-07 18:40 UTC.
// LIVE_SPECTATOR_TRANSPORT=socket.io joins the spectators on Socket.IO instead
// (raw clients counting WebSocket messages, two per event; none timed).

const int = (name: string, fallback: number) => Number.parseInt(process.env[name] ?? '', 10) || fallback;
export const liveOptions = {
  rounds: int('LIVE_ROUNDS', 5),
  seed: int('LIVE_SEED', 1),
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
  perfDir: process.env.LIVE_PERF_DIR,
  heapDir: process.env.LIVE_HEAP_PROFILE_DIR,
  spectatorThread: process.env.LIVE_SPECTATOR_THREAD === '1',
  /** The spectators that only count frames stop reading over the measured window (their frames wait in the kernel); `read` keeps them reading. */
  spectatorsPaused: process.env.LIVE_SPECTATOR_READS !== 'read',
  /** `socket.io`: spectators join on Socket.IO (raw clients, untimed) instead of the room page's Yjs WebSocket. */
  spectatorTransport: process.env.LIVE_SPECTATOR_TRANSPORT === 'socket.io' ? 'socket.io' : 'yjs',
};
