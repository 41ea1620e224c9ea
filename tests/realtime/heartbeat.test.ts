import { afterEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { WebSocket } from 'ws';
import { type Beating, HEARTBEAT_SLICES, Heartbeat } from '../../server/realtime/yjs-websocket/heartbeat.ts';
import { rawYjsSocket } from '../helpers/raw-ws.ts';
import { api, startServer, waitFor } from '../helpers/server.ts';

const INTERVAL_MS = 30_000;
const TICK_MS = INTERVAL_MS / HEARTBEAT_SLICES;

/** A socket whose client answers every ping at once (`answers`), or never. */
class FakeSocket implements Beating {
  alive = true;
  heartbeatSlice = 0;
  pings = 0;
  terminatedAt: number | null = null;
  readonly addedAt = Date.now();
  readonly ws;

  constructor(answers: boolean, onTerminate: (socket: FakeSocket) => void, perTick: { actions: number }) {
    this.ws = {
      ping: () => {
        this.pings++;
        perTick.actions++;
        if (answers) this.alive = true;
      },
      terminate: () => {
        perTick.actions++;
        this.terminatedAt = Date.now();
        onTerminate(this);
      },
    };
  }
}

describe('the Yjs WebSocket heartbeat', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('pings a slice of the sockets per tick, each once an interval, and drops the dead within two intervals', () => {
    vi.useFakeTimers();
    const heartbeat = new Heartbeat<FakeSocket>(INTERVAL_MS);
    const perTick = { actions: 0 };
    // The owner takes a terminated socket out (on its close event).
    const closed = (socket: FakeSocket) => heartbeat.delete(socket);
    const sockets: FakeSocket[] = [];
    const open = (count: number) => {
      for (let i = 0; i < count; i++) {
        const socket = new FakeSocket(i % 10 !== 0, closed, perTick);
        sockets.push(socket);
        heartbeat.add(socket);
      }
    };
    open(600);
    const left = new FakeSocket(true, closed, perTick);
    heartbeat.add(left);
    let busiest = 0;
    for (let tick = 1; tick <= 3 * HEARTBEAT_SLICES; tick++) {
      perTick.actions = 0;
      vi.advanceTimersByTime(TICK_MS);
      busiest = Math.max(busiest, perTick.actions);
      // Joins after the start land in the slices too; one socket leaves.
      if (tick === HEARTBEAT_SLICES / 2) open(300);
      if (tick === 5) heartbeat.delete(left);
    }
    heartbeat.close();

    // 900 sockets over 30 slices: 30 a tick, not 900 in one.
    expect(busiest).toBeLessThanOrEqual(Math.ceil(900 / HEARTBEAT_SLICES));
    expect(left.pings).toBeLessThanOrEqual(1);
    const dead = sockets.filter((_, i) => i % 10 === 0);
    const live = sockets.filter((socket) => !dead.includes(socket));
    for (const socket of dead) {
      expect(socket.terminatedAt).not.toBeNull();
      expect(socket.pings).toBe(1);
      expect(socket.terminatedAt! - socket.addedAt).toBeLessThanOrEqual(2 * INTERVAL_MS);
    }
    for (const socket of live) {
      expect(socket.terminatedAt).toBeNull();
      // Once an interval: 3 for the first 600 in 3 intervals, 2 for those that came halfway.
      expect(socket.pings).toBeGreaterThanOrEqual(2);
      expect(socket.pings).toBeLessThanOrEqual(3);
    }
  });

  it('drops a real client that stops answering pings and keeps one that answers', async () => {
    const server = await startServer({ WS_PING_INTERVAL_MS: '1000' });
    const http = api(server.url);
    const { token } = await http.session();
    const { room } = await http.room(token);
    const path = `/yjs/${room.id}?token=${token}`;
    const live = rawYjsSocket(server.url, path);
    let livePings = 0;
    live.ws.on('ping', () => livePings++);
    const dead = new WebSocket(server.url.replace(/^http/, 'ws') + path, { autoPong: false });
    onTestFinished(() => dead.terminate());
    let deadPings = 0;
    dead.on('ping', () => deadPings++);
    let deadCode: number | null = null;
    dead.once('close', (code) => {
      deadCode = code;
    });
    await live.opened;

    await waitFor(() => deadCode !== null);
    // Terminated, not closed: the server does not wait for a client that no longer answers.
    expect(deadCode).toBe(1006);
    expect(deadPings).toBe(1);
    await waitFor(() => livePings >= 3);
    expect(live.ws.readyState).toBe(WebSocket.OPEN);
  });
});
