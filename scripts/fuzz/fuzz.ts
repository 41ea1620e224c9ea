// One fuzz run: a server in its own process, honest participants and hostile
// ones in the same rooms on the chosen transports, for a fixed time from a
// fixed seed; then quiescence and the convergence check. Used by
// `npm run fuzz` (run.ts) and by the short CI run (tests/realtime/fuzz-short.test.ts).
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { type Attack, type AttackerKind, attack } from './attackers.ts';
import type { Transport } from './clients.ts';
import { loadCorpus } from './corpus.ts';
import { type Divergence, HonestPeers } from './honest.ts';
import { httpAttacker } from './http-attacker.ts';
import { newRoom, newSession } from './http.ts';
import { type Scaled, startNodes } from './nodes.ts';
import { Random } from './random.ts';
import type { ErrorLine } from './server-process.ts';
import { FuzzStats, percentile } from './stats.ts';
import { CRAFTS, type Craft } from './yjs-craft.ts';

export interface FuzzOptions {
  seconds: number;
  seed: number;
  transports: readonly Transport[];
  /** Server RSS past this fails the run. */
  maxRssMb: number;
  /** Hostile connections of each kind (socket.io, socket.io-raw, websocket). */
  attackersPerKind: number;
  /** Messages per second per hostile connection. */
  rate: number;
  /** How long replicas may take to converge once traffic stops. */
  settleMs: number;
  /** HTTP attackers (http-attacker.ts) calling the JSON routes; 0: none. */
  httpAttackers: number;
  /** Requests per second each. */
  httpRate: number;
  /** Share of hostile messages that are crafted Yjs updates. */
  craftShare: number;
  /** Which crafted updates to send (yjs-craft.ts); empty: none. */
  crafts: readonly Craft[];
  /** Scaled mode: two nodes on this Redis (a key prefix of the run's own) and PostgreSQL (a database of its own). */
  scaled?: Scaled;
  /** Progress lines (a line every ~10 s); silent when not given. */
  progress?: (line: string) => void;
  /** Told each server process's pid once it runs (the watchdog kills it with a hung run). */
  onServerStarted?: (pid: number) => void;
}

export const DEFAULT_OPTIONS: FuzzOptions = {
  seconds: 60,
  seed: 1,
  transports: ['socket.io', 'websocket'],
  maxRssMb: 1024,
  attackersPerKind: 2,
  rate: 40,
  httpAttackers: 1,
  httpRate: 20,
  settleMs: 15_000,
  craftShare: 0.15,
  crafts: CRAFTS,
};

export interface FuzzReport {
  options: Omit<FuzzOptions, 'progress' | 'onServerStarted'>;
  stats: FuzzStats;
  /** A server process exited during the run. */
  crash: { code: number | null; signal: string | null; stderr: string } | undefined;
  /** Server processes: 1, or 2 in scaled mode (peers and attackers alternate between them). */
  nodes: number;
  /** Redis PINGs the nodes sent (scaled mode): the relay's catch-up waits among them. */
  redisPings: number | undefined;
  /**
   * Sync step 1s hostile connections were sent, against what they sent and
   * the connections they opened: more step 1s than both together is amplification.
   */
  asked: { step1s: number; sent: number; connections: number };
  /** Errors the last-resort guard caught: a handler threw instead of validating. */
  handlerFailures: ErrorLine[];
  /** HTTP answers that were not typed refusals or took what they must refuse (http-attacker.ts). */
  httpFailures: string[];
  /** Every error-level line of the server, by message. */
  errorLines: Record<string, number>;
  divergences: Divergence[];
  honest: Latency & { peers: number; edits: number; byTransport: Partial<Record<Transport, Latency>> };
  rss: { startMb?: number; peakMb?: number; endMb?: number };
  /** The rooms' documents at the end: encoded size and client ids (hostile ones included). */
  rooms: { roomId: string; updateBytes: number; clients: number }[];
  /** The fuzzer's own event-loop delay: latencies above are only as good as this is small. */
  fuzzerLoopDelayP99Ms: number;
  /** Exceptions thrown inside this process by the honest clients (a server message they could not take). */
  clientExceptions: string[];
  failed: boolean;
}

const KINDS: Record<Transport, AttackerKind[]> = {
  'socket.io': ['socket.io', 'socket.io-raw'],
  websocket: ['websocket', 'websocket-events'],
};
const mb = (bytes: number | undefined) => (bytes === undefined ? undefined : Math.round(bytes / 1024 / 102.4) / 10);

export async function runFuzz(given: Partial<FuzzOptions> = {}): Promise<FuzzReport> {
  const { progress, onServerStarted, ...options } = { ...DEFAULT_OPTIONS, ...given };
  const corpus = loadCorpus();
  const random = new Random(options.seed);
  const stats = new FuzzStats();
  const clientExceptions: string[] = [];
  const onException = (err: unknown) =>
    clientExceptions.push(String(err instanceof Error ? (err.stack ?? err.message) : err).slice(0, 500));
  process.on('uncaughtException', onException);
  process.on('unhandledRejection', onException);
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const cluster = await startNodes(options.scaled);
  const { nodes } = cluster;
  for (const node of nodes) onServerStarted?.(node.pid);
  const server = nodes[0];
  if (!server) throw new Error('no server');
  // Peers and attackers alternate between the nodes; rooms and the owner are made on the first.
  const urlOf = (i: number) => (nodes[i % nodes.length] ?? server).url;
  const exited = () => nodes.find((node) => node.exit !== undefined)?.exit;
  // The largest node's memory.
  const nodeRss = () => {
    const each = nodes.map((node) => node.rss()).filter((v): v is number => v !== undefined);
    return each.length > 0 ? Math.max(...each) : undefined;
  };
  const rss: number[] = [];
  const sampler = setInterval(() => {
    const value = nodeRss();
    if (value !== undefined) rss.push(value);
  }, 1000);
  const honest = new HonestPeers(random.fork());
  try {
    const owner = await newSession(server.url, 'Owner');
    // The link alone makes a viewer, so a viewer stays one whatever it rejoins with; editors hold the edit invite.
    const rooms = [await newRoom(server.url, owner.token, 'view'), await newRoom(server.url, owner.token, 'view')];
    // Two honest peers a room (one per transport when both are fuzzed), so each edit has someone to reach.
    for (const [r, { room, invites }] of rooms.entries()) {
      for (let i = 0; i < 2; i++) {
        const transport = options.transports[i % options.transports.length] ?? 'socket.io';
        const { token } = await newSession(server.url, `honest-${r}-${i}`);
        await honest.join(urlOf(i + r), token, room.id, transport, `h${r}${i}-${transport === 'socket.io' ? 'sio' : 'ws'}`, invites.edit);
      }
    }
    const startRss = nodeRss();
    const end = performance.now() + options.seconds * 1000;
    const stopped = () => performance.now() > end || exited() !== undefined;
    const attacks: Promise<void>[] = [];
    let n = 0;
    for (const transport of options.transports) {
      for (const kind of KINDS[transport]) {
        for (let i = 0; i < options.attackersPerKind; i++, n++) {
          const target = rooms[n % rooms.length];
          if (!target) continue;
          const { token } = await newSession(server.url, `attacker-${n}`);
          const a: Attack = {
            url: urlOf(n),
            roomId: target.room.id,
            token,
            // The first of each kind (of two or more) is a viewer: what it sends must change nothing.
            invite: i === 0 && options.attackersPerKind > 1 ? undefined : target.invites.edit,
            corpus,
            random: random.fork(),
            stats,
            rate: options.rate,
            stopped,
            craftShare: options.craftShare,
            crafts: options.crafts,
          };
          attacks.push(attack(kind, a));
        }
      }
    }
    const httpFailures: string[] = [];
    for (let i = 0; i < options.httpAttackers; i++) {
      const target = rooms[i % rooms.length];
      if (!target) continue;
      const { token } = await newSession(server.url, `http-attacker-${i}`);
      attacks.push(
        httpAttacker({
          url: urlOf(i),
          token,
          roomId: target.room.id,
          random: random.fork(),
          stats,
          rate: options.httpRate,
          stopped,
          failures: httpFailures,
        }),
      );
    }
    const ticker = progress
      ? setInterval(() => {
          const left = Math.max(0, Math.round((end - performance.now()) / 1000));
          progress(
            `${left}s left: sent ${stats.sent.total}, refused ${stats.refused.total}, honest edits ${honest.edits}, rss ${mb(nodeRss())} MB`,
          );
        }, 10_000)
      : undefined;
    // Attackers stop at the end of the run; one stuck in a handshake is not waited for long.
    await Promise.race([Promise.all([...attacks, honest.run(150, stopped)]), delay(options.seconds * 1000 + 10_000)]);
    clearInterval(ticker);
    progress?.('traffic stopped; waiting for every replica to equal the server');
    const crashed = exited() !== undefined;
    const divergences = crashed
      ? []
      : await honest.converge(
          nodes.map((node) => node.url),
          owner.token,
          options.settleMs,
        );
    progress?.(`convergence checked: ${divergences.length} divergences`);
    const endRss = nodeRss();
    const peak = rss.length > 0 ? Math.max(...rss) : undefined;
    const errors = nodes.flatMap((node) => node.errors);
    const errorLines: Record<string, number> = {};
    for (const line of errors) errorLines[line.msg] = (errorLines[line.msg] ?? 0) + 1;
    const handlerFailures = errors.filter((line) => line.msg.startsWith('handler failed'));
    const asked = { step1s: stats.asked.total, sent: stats.sent.total, connections: stats.connections.total };
    const report: FuzzReport = {
      options,
      stats,
      crash: exited(),
      nodes: nodes.length,
      redisPings: cluster.redisPings(),
      asked,
      handlerFailures,
      httpFailures,
      errorLines,
      divergences,
      honest: {
        peers: honest.peers.length,
        edits: honest.edits,
        ...latency(honest.latencies),
        byTransport: Object.fromEntries(options.transports.map((t) => [t, latency(honest.latenciesTo[t])])),
      },
      rss: { startMb: mb(startRss), peakMb: mb(peak), endMb: mb(endRss) },
      rooms: honest.rooms,
      fuzzerLoopDelayP99Ms: Math.round(loop.percentile(99) / 1e6),
      clientExceptions,
      failed: false,
    };
    report.failed =
      report.crash !== undefined ||
      handlerFailures.length > 0 ||
      httpFailures.length > 0 ||
      divergences.length > 0 ||
      clientExceptions.length > 0 ||
      asked.step1s > asked.sent + asked.connections ||
      (peak ?? 0) > options.maxRssMb * 1024 * 1024;
    return report;
  } finally {
    clearInterval(sampler);
    loop.disable();
    honest.destroy();
    await cluster.stop();
    // Late errors of closing clients still count until here.
    await delay(100);
    process.off('uncaughtException', onException);
    process.off('unhandledRejection', onException);
  }
}

export interface Latency {
  samples: number;
  p50Ms?: number;
  p99Ms?: number;
  maxMs?: number;
}

function latency(samples: readonly number[]): Latency {
  return {
    samples: samples.length,
    p50Ms: round(percentile(samples, 50)),
    p99Ms: round(percentile(samples, 99)),
    maxMs: round(percentile(samples, 100)),
  };
}

const round = (ms: number | undefined) => (ms === undefined ? undefined : Math.round(ms * 10) / 10);
