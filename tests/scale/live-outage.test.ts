// Redis goes away under two nodes: "Live now" keeps answering from what each
// node last knew of the board (`stale: true`), an owner's unlisting is
// answered and the room shown by no node, and the live tick goes on without
// waiting for Redis, its writes kept one per room and sent once Redis is back.
// Redis away is either stopped (connections refused: node-redis keeps every
// command for its return), cut off by a gate that accepts and drops
// connections (commands written and failed), Redis keeping its keys, or
// paused (connections open, nothing answered: commands wait for it).
import { expect, it } from 'vitest';
import type { Atelier } from '../../server/atelier.ts';
import { LastKnownBoard } from '../../server/live/last-known-board.ts';
import type { SessionResponse } from '../../shared/protocol.ts';
import { clusterEnv } from '../helpers/cluster.ts';
import { api, startServer, type TestEnv, WAIT_BUDGET_MS, waitFor } from '../helpers/server.ts';
import { describeWith, postgresService, redisServerBinary, redisService, startPrivateRedis } from '../helpers/services.ts';
import { startTcpGate } from '../helpers/tcp-gate.ts';
import { joinRoom, listeningSocket, livePage, nextPreview } from '../live/helpers.ts';

const redis = await redisService();
const postgres = await postgresService();
const binary = await redisServerBinary();

interface Listed {
  /** Redis reachable again. */
  back(): Promise<void>;
  a: Atelier;
  b: Atelier;
  ann: SessionResponse;
  bob: SessionResponse;
  /** Ann's room, held on node A; Bob's, on node B. */
  onA: string;
  onB: string;
}

/**
 * Two nodes, a listed room held on each, both rooms on both nodes' "Live now";
 * then Redis goes away: a Redis of their own stopped (it comes back empty) or
 * paused (SIGSTOP: the nodes are not told), or the shared one cut off by a
 * gate in front of it (it keeps the board).
 */
async function listedThenRedisAway(
  away: 'stopped' | 'cut' | 'paused',
  previewMs = 60_000,
  { env: extra = {}, beforeAway }: { env?: TestEnv; beforeAway?: (listed: Omit<Listed, 'back'>) => Promise<void> } = {},
): Promise<Listed> {
  const own = away === 'cut' ? undefined : await startPrivateRedis();
  const gate = away === 'cut' ? await startTcpGate(redis.url) : undefined;
  // Board entries live 180 s by default: none expires during the test, so one that is gone was removed.
  const env = await clusterEnv(own ?? redis, postgres, {
    LIVE_PREVIEW_MS: String(previewMs),
    HTTP_REQUESTS_PER_MINUTE: '1000000',
    ...extra,
    ...(gate ? { REDIS_URL: gate.url } : {}),
  });
  const a = await startServer({ ...env, NODE_ID: 'node-a' });
  const b = await startServer({ ...env, NODE_ID: 'node-b' });
  const [ann, bob] = await Promise.all([api(a.url).session('Ann'), api(b.url).session('Bob')]);
  const listRoom = async (node: Atelier, owner: SessionResponse) => {
    const { room } = await api(node.url).room(owner.token, { linkAccess: 'none' });
    await api(node.url).json('PATCH', `/api/rooms/${room.id}`, { token: owner.token, body: { listed: true } });
    expect((await joinRoom(listeningSocket(node.url, owner.token).socket, room.id)).ok).toBe(true);
    return room.id;
  };
  const onA = await listRoom(a, ann);
  const onB = await listRoom(b, bob);
  for (const node of [a, b]) {
    await waitFor(
      async () => {
        await a.live.rooms.tick();
        await b.live.rooms.tick();
        return (await livePage(api(node.url))).items.length === 2;
      },
      10_000,
      `both rooms in ${node.config.nodeId}'s "Live now"`,
    );
  }
  await beforeAway?.({ a, b, ann, bob, onA, onB });
  if (away === 'paused') {
    own?.pause();
    return { back: async () => own?.resume(), a, b, ann, bob, onA, onB };
  }
  await own?.stop();
  gate?.cut();
  await waitFor(() => !a.scale?.redis.isReady && !b.scale?.redis.isReady, WAIT_BUDGET_MS, 'both nodes notice Redis is gone');
  const back = async () => {
    await own?.start();
    gate?.restore();
  };
  return { back, a, b, ann, bob, onA, onB };
}

const roomsOf = (page: { items: Array<{ room: { id: string } }> }) => page.items.map((item) => item.room.id).sort();

describeWith([redis, postgres, binary], '"Live now" while Redis is away', () => {
  it('answers with the board as the node last knew it, marked stale, and fresh again once Redis is back', async () => {
    const { back, a, b, onA, onB } = await listedThenRedisAway('stopped');
    for (const node of [a, b]) {
      const page = await livePage(api(node.url));
      expect(roomsOf(page)).toEqual([onA, onB].sort());
      expect(page.stale).toBe(true);
    }
    // Answered while Redis was still away.
    expect(a.scale!.redis.isReady || b.scale!.redis.isReady).toBe(false);

    await back();
    for (const node of [a, b]) {
      await waitFor(async () => (await livePage(api(node.url))).stale === undefined, 20_000, `a fresh page on ${node.config.nodeId}`);
    }
  }, 60_000);

  it('answers while Redis is paused, marked stale, and fresh again once it answers', async () => {
    const { back, a, b, onA, onB } = await listedThenRedisAway('paused');
    // Nobody told the nodes: the first command each sends waits REDIS_COMMAND_TIMEOUT_MS, the rest not at all.
    for (const node of [a, b]) {
      const page = await livePage(api(node.url));
      expect(roomsOf(page)).toEqual([onA, onB].sort());
      expect(page.stale).toBe(true);
    }
    expect(a.scale!.answers.paused && b.scale!.answers.paused).toBe(true);

    await back();
    for (const node of [a, b]) {
      await waitFor(async () => (await livePage(api(node.url))).stale === undefined, 20_000, `a fresh page on ${node.config.nodeId}`);
    }
  }, 60_000);

  it('unlists while Redis is paused: answered, the room shown by no node, off the board once Redis answers', async () => {
    const { back, a, b, bob, onA, onB } = await listedThenRedisAway('paused');
    const unlisted = await api(b.url).json<{ listed: boolean }>('PATCH', `/api/rooms/${onB}`, {
      token: bob.token,
      body: { listed: false },
    });
    expect(unlisted.listed).toBe(false);
    for (const node of [a, b]) expect(roomsOf(await livePage(api(node.url)))).toEqual([onA]);
    // The live tick does not wait for Redis either.
    await Promise.all([a.live.rooms.tick(), b.live.rooms.tick()]);

    await back();
    const board = b.live.board;
    if (!(board instanceof LastKnownBoard)) throw new Error('a scaled node answers from what it last knew');
    await waitFor(() => board.pending === 0 && !board.stale, 20_000, "node B's board writes sent");
    expect((await board.entries(Date.now())).some((entry) => entry.roomId === onB)).toBe(false);
  }, 60_000);

  it("forgets a room's preview with its last entry when its removal was dropped while Redis was paused", async () => {
    // One write kept for Redis per node: the unlisting's removal is dropped for the next write.
    const { back, a, b, bob, onB } = await listedThenRedisAway('paused', 250, {
      env: { ADAPTER_OFFLINE_MAX_COMMANDS: '1' },
      beforeAway: async ({ b, onB }) => void (await nextPreview(b, onB, new Set())),
    });
    await api(b.url).json('PATCH', `/api/rooms/${onB}`, { token: bob.token, body: { listed: false } });
    await livePage(api(b.url));
    await back();
    const board = b.live.board;
    if (!(board instanceof LastKnownBoard)) throw new Error('a scaled node answers from what it last knew');
    await waitFor(() => board.pending === 0 && !board.stale, 20_000, "node B's board writes sent");
    // Its entry is still there (the removal took it too): it expires (10 s), and whoever reads the board then forgets both.
    await waitFor(
      async () => {
        await a.live.board.entries(Date.now());
        return (await a.live.board.preview(onB)) === null;
      },
      30_000,
      "the unlisted room's preview forgotten",
    );
  }, 60_000);

  it("keeps the other node's rooms past their entries' expiry: as they were when Redis went", async () => {
    // Entries live 10 s, refreshed every few ticks until Redis goes, and not after.
    const { a, onA, onB } = await listedThenRedisAway('stopped', 250);
    const entry = (await a.live.board.entries(Date.now())).find((e) => e.roomId === onB);
    if (!entry) throw new Error("node B's entry on node A's board");
    await waitFor(() => Date.now() > entry.expiresAt, 30_000, "node B's entry past its expiry");
    const page = await livePage(api(a.url));
    expect(roomsOf(page)).toEqual([onA, onB].sort());
    expect(page.stale).toBe(true);
  }, 60_000);

  it('unlists at once: the room is shown by no node meanwhile, and is off the board once Redis is back', async () => {
    const { back, a, b, bob, onA, onB } = await listedThenRedisAway('cut');
    const unlisted = await api(b.url).json<{ listed: boolean }>('PATCH', `/api/rooms/${onB}`, {
      token: bob.token,
      body: { listed: false },
    });
    expect(unlisted.listed).toBe(false);
    expect(b.scale!.redis.isReady).toBe(false);
    for (const node of [a, b]) expect(roomsOf(await livePage(api(node.url)))).toEqual([onA]);

    await back();
    await waitFor(() => b.scale?.redis.isReady, 20_000, 'node B back on Redis');
    const board = b.live.board;
    if (!(board instanceof LastKnownBoard)) throw new Error('a scaled node answers from what it last knew');
    await waitFor(() => board.pending === 0 && !board.stale, 20_000, "node B's board writes sent");
    expect((await board.entries(Date.now())).some((entry) => entry.roomId === onB)).toBe(false);
  }, 60_000);

  it('ticks without waiting for Redis, keeping one write per room, sent once Redis is back', async () => {
    const { back, a, b, onA } = await listedThenRedisAway('stopped');
    const board = a.live.board;
    if (!(board instanceof LastKnownBoard)) throw new Error('a scaled node answers from what it last knew');
    // Spectators come and go on node A: each tick has a new entry of the room to put.
    const watchers = await Promise.all([1, 2, 3].map((i) => api(a.url).session(`Watcher ${i}`)));
    for (const watcher of watchers) {
      const socket = listeningSocket(a.url, watcher.token);
      expect(await joinRoom(socket.socket, onA, { watch: true })).toMatchObject({ ok: true, role: 'viewer' });
      await a.live.rooms.tick();
      expect(board.pending).toBe(1);
    }
    expect(a.scale!.redis.isReady).toBe(false);
    // This node's own rooms are current on its page meanwhile.
    const page = await livePage(api(a.url));
    expect(page.items.find((item) => item.room.id === onA)?.spectators).toBe(3);

    await back();
    await waitFor(
      async () => (await livePage(api(b.url))).items.find((item) => item.room.id === onA)?.spectators === 3,
      20_000,
      'node B sees the spectators',
    );
  }, 60_000);
});
