// The fan-out load generator, run in its own process by bench/fanout.ts.
// R rooms × C clients each type K keystrokes per second. Load clients speak
// the raw protocol and only count frames; a few full Yjs clients per room
// observe keystroke-to-delivery latency.
import { io } from 'socket.io-client';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { SocketIoProvider } from '../client/realtime/socketio-provider.ts';
import { connectRawSocketIo } from './lib/raw-socketio-client.ts';
import { connectRawYws } from './lib/raw-yws-client.ts';
import { keystrokeMessages } from './lib/typing.ts';
import { shuffled } from './lib/shuffle.ts';
import { post } from './lib/http.ts';

export interface LoadOptions {
  urls: string[];
  rooms: number;
  clients: number;
  rate: number;
  warmupSeconds: number;
  seconds: number;
  transport: 'socket.io' | 'websocket';
  observerRooms: number;
  observersPerRoom: number;
}

export type LoadMessage =
  | { type: 'ready'; connectSeconds: number; clients: number; observers: number }
  | {
      type: 'result';
      sent: number;
      delivered: number;
      expectedDeliveries: number;
      seconds: number;
      latencies: number[];
    }
  | { type: 'error'; message: string };

interface Typist {
  send(): void;
}

const send = (message: LoadMessage) => process.send!(message);

async function pool<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

async function run(options: LoadOptions): Promise<void> {
  // Every y-websocket provider (the observers) adds a process 'exit' listener of its own.
  process.setMaxListeners(options.observerRooms * options.observersPerRoom + 10);
  const started = performance.now();
  const keystrokes = Math.ceil((options.warmupSeconds + options.seconds + 5) * options.rate);
  const counters: Array<{ received: number; close(): void }> = [];
  const typists: Typist[] = [];
  /** When each observed keystroke left, by `${client}:${clock}`. */
  const sentAt = new Map<string, number>();
  let measuring = false;
  const latencies: number[] = [];
  /** Updates delivered to observers while measuring (load clients count their own). */
  const observed = { received: 0 };
  let nextClientId = 1;
  const urlFor = (room: number) => options.urls[room % options.urls.length]!;

  const rooms = await Promise.all(
    Array.from({ length: options.rooms }, async (_, index) => {
      const url = urlFor(index);
      const { token } = await post<{ token: string }>(url, '/api/session', { name: `load ${index}` });
      const { room } = await post<{ room: { id: string } }>(url, '/api/rooms', { title: `bench ${index}` }, token);
      return { index, url, token, id: room.id };
    }),
  );

  // Observers first, so they see every load client's keystrokes.
  const observers: Array<{ doc: Y.Doc; destroy(): void }> = [];
  for (const room of rooms.slice(0, options.observerRooms)) {
    for (let o = 0; o < options.observersPerRoom; o++) {
      const doc = new Y.Doc();
      doc.clientID = nextClientId++;
      // Servers are at the same URL for all observers of a room, unless the
      // benchmark spreads observers over nodes on purpose.
      const url = options.urls[(room.index + o) % options.urls.length]!;
      let ready: Promise<void>;
      let destroy: () => void;
      if (options.transport === 'socket.io') {
        const socket = io(url, { auth: { token: room.token }, transports: ['websocket'], forceNew: true });
        const provider = new SocketIoProvider(socket, room.id, doc);
        ready = provider.whenSynced();
        destroy = () => {
          provider.destroy();
          socket.disconnect();
        };
      } else {
        const provider = new WebsocketProvider(`${url.replace(/^http/, 'ws')}/yjs`, room.id, doc, {
          params: { token: room.token },
          WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
          disableBc: true,
        });
        ready = new Promise((resolve) => provider.once('sync', () => resolve()));
        destroy = () => provider.destroy();
      }
      await ready;
      doc.on('update', (update: Uint8Array, origin: unknown) => {
        if (!measuring || origin === null) return;
        observed.received++;
        const now = performance.now();
        for (const struct of Y.decodeUpdate(update).structs) {
          const t0 = sentAt.get(`${struct.id.client}:${struct.id.clock}`);
          if (t0 !== undefined) latencies.push(now - t0);
        }
      });
      const text = doc.getText('prompt');
      typists.push({
        send() {
          const clock = Y.getState(doc.store, doc.clientID);
          if (measuring) sentAt.set(`${doc.clientID}:${clock}`, performance.now());
          text.insert(text.length, 'o');
        },
      });
      observers.push({ doc, destroy });
    }
  }

  const loadClients: Array<{ roomId: string; url: string; token: string }> = [];
  for (const room of rooms) {
    const observersHere = room.index < options.observerRooms ? options.observersPerRoom : 0;
    // With several nodes, a room's clients are spread over them like its observers.
    for (let c = observersHere; c < options.clients; c++) {
      loadClients.push({ roomId: room.id, url: options.urls[(room.index + c) % options.urls.length]!, token: room.token });
    }
  }
  await pool(loadClients, 50, async ({ roomId, url, token }) => {
    const client =
      options.transport === 'socket.io' ? await connectRawSocketIo(url, token, roomId) : await connectRawYws(url, token, roomId);
    counters.push(client);
    const messages = keystrokeMessages(keystrokes, nextClientId++);
    let i = 0;
    typists.push({ send: () => client.sendSync(roomId, messages[i++ % messages.length]!) });
  });

  send({
    type: 'ready',
    connectSeconds: (performance.now() - started) / 1000,
    clients: counters.length + observers.length,
    observers: observers.length,
  });
  await new Promise<void>((resolve) => process.once('message', () => resolve()));

  // Each typist keeps its own phase within the period, spread evenly, given
  // out in a shuffled order so a room's clients do not type in one burst.
  const period = 1000 / options.rate;
  const phases = shuffled(typists).map((t, i, all) => ({ t, phase: (i * period) / all.length }));
  const origin = performance.now();
  let cycle = 0;
  let cursor = 0;
  let sent = 0;
  const tick = () => {
    const now = performance.now();
    while (origin + cycle * period + phases[cursor]!.phase <= now) {
      phases[cursor]!.t.send();
      sent++;
      if (++cursor === phases.length) {
        cursor = 0;
        cycle++;
      }
    }
  };
  const timer = setInterval(tick, 2);
  const received = () => counters.reduce((s, c) => s + c.received, observed.received);

  await new Promise((r) => setTimeout(r, options.warmupSeconds * 1000));
  measuring = true;
  const sentBefore = sent;
  const receivedBefore = received();
  const measureStart = performance.now();
  await new Promise((r) => setTimeout(r, options.seconds * 1000));
  const seconds = (performance.now() - measureStart) / 1000;
  measuring = false;
  const sentInWindow = sent - sentBefore;
  const delivered = received() - receivedBefore;
  clearInterval(timer);
  send({
    type: 'result',
    sent: sentInWindow,
    delivered,
    expectedDeliveries: sentInWindow * (options.clients - 1),
    seconds,
    latencies,
  });
  for (const o of observers) o.destroy();
  for (const c of counters) c.close();
  setTimeout(() => process.exit(0), 200);
}

process.once('message', (options: LoadOptions) => {
  run(options).catch((err: Error) => {
    send({ type: 'error', message: err.stack ?? err.message });
    process.exit(1);
  });
});
