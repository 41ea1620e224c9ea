// The social benchmark's measurements: HTTP reads under autocannon (each
// request a different user, query or work), and likes posted on one node
// timed until the author's `notification` arrives on another.
import autocannon from 'autocannon';
import { io } from 'socket.io-client';
import { Agent, request } from 'node:http';
import type { AtelierClientSocket } from '../../client/realtime/socketio-provider.ts';
import { summarize } from '../lib/stats.ts';
import { rng } from './dataset.ts';

export interface ReadRound {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
}

/** One autocannon run in which every request asks for a path (and token) of its own. */
export async function readRound(
  url: string,
  connections: number,
  seconds: number,
  next: () => { path: string; token?: string },
): Promise<ReadRound> {
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    requests: [
      {
        setupRequest: (req) => {
          const { path, token } = next();
          return { ...req, method: 'GET', path, headers: token ? { authorization: `Bearer ${token}` } : {} };
        },
      },
    ],
  });
  return {
    requestsPerSecond: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx + result.timeouts,
  };
}

export interface LikeTarget {
  workId: string;
  /** The work's first author, whose socket listens on the other node. */
  authorId: string;
  authorToken: string;
}

export interface NotifyRound {
  likes: number;
  delivered: number;
  p50: number;
  p99: number;
  max: number;
}

/**
 * Authors listen on node B (one Socket.IO client each); `concurrency` loops
 * post likes on node A as fresh users for `seconds`; each like's latency runs
 * from sending its request to its notification's arrival.
 */
export async function likeToNotification(
  nodeA: string,
  nodeB: string,
  targets: readonly LikeTarget[],
  likers: ReadonlyArray<{ id: string; token: string }>,
  options: { concurrency: number; seconds: number; seed: number },
): Promise<NotifyRound> {
  const random = rng(options.seed);
  const pending = new Map<string, number>();
  const latencies: number[] = [];
  const sockets: AtelierClientSocket[] = [];
  for (const target of new Map(targets.map((t) => [t.authorId, t])).values()) {
    const socket: AtelierClientSocket = io(nodeB, {
      auth: { token: target.authorToken },
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
    });
    socket.on('notification', (n) => {
      const key = `${n.workId}|${n.actor.id}`;
      const sent = pending.get(key);
      if (sent === undefined) return;
      pending.delete(key);
      latencies.push(performance.now() - sent);
    });
    sockets.push(socket);
  }
  await Promise.all(sockets.map((s) => (s.connected ? undefined : new Promise<void>((r) => s.once('connect', () => r())))));
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  const post = (path: string, token: string) =>
    new Promise<number>((resolve, reject) => {
      const req = request(`${nodeA}${path}`, { method: 'POST', agent, headers: { authorization: `Bearer ${token}` } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end();
    });
  const used = new Set<string>();
  let likes = 0;
  const deadline = performance.now() + options.seconds * 1000;
  const loop = async () => {
    while (performance.now() < deadline) {
      const target = targets[Math.floor(random() * targets.length)]!;
      const liker = likers[Math.floor(random() * likers.length)]!;
      const key = `${target.workId}|${liker.id}`;
      if (used.has(key) || liker.id === target.authorId) continue;
      used.add(key);
      pending.set(key, performance.now());
      const status = await post(`/api/works/${target.workId}/like`, liker.token);
      if (status !== 200) pending.delete(key);
      else likes++;
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, loop));
  // Stragglers: wait a little for the last notifications.
  const settle = performance.now() + 2000;
  while (pending.size > 0 && performance.now() < settle) await new Promise((r) => setTimeout(r, 20));
  for (const socket of sockets) socket.disconnect();
  agent.destroy();
  const summary = summarize(latencies);
  return { likes, delivered: latencies.length, p50: summary.p50, p99: summary.p99, max: summary.max };
}
