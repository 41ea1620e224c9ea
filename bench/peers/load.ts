// The peer benchmark's load generator, forked by bench/peers/run.ts so that it
// never shares a process with a server. Raw clients (bench/peers/clients) send
// pre-encoded keystrokes and only hand what they receive to the ledger; a few
// observers per room run the system's stock provider on a real Y.Doc.
// Latency runs from a keystroke's send to an observer's receipt of it, on this
// process's monotonic clock.
import { setTimeout as sleep } from 'node:timers/promises';
import * as Y from 'yjs';
import { DeliveryLedger, type Writer } from './lib/delivery-ledger.ts';
import { KeystrokeSource, TEXT_ROOT } from './lib/keystrokes.ts';
import type { Connected, LoadReply, LoadRequest, Measured, Stormed } from './protocol.ts';
import { SYSTEMS } from './systems/index.ts';
import type { ObserverConnection, PeerSystem, RawClient, RoomRef } from './system.ts';
import { shuffled } from '../lib/shuffle.ts';

interface Typist extends Writer {
  type(): void;
}

const SCHEDULER_TICK_MS = 2;
/** How long after a window closes its keystrokes may still arrive and count. */
const GRACE_MS = 5000;
const GRACE_POLL_MS = 20;

// Every y-socket.io provider adds a process 'exit' listener.
process.setMaxListeners(0);

class LoadGenerator {
  readonly #system: PeerSystem;
  readonly #url: string;
  readonly #rooms: RoomRef[] = [];
  readonly #typists: Typist[] = [];
  readonly #raw: RawClient[] = [];
  readonly #observers: ObserverConnection[] = [];
  readonly #ledger = new DeliveryLedger();
  #nextClient = 1;
  /** Made by `stormRooms`, for the next storm. */
  #stormRooms: RoomRef[] = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(system: PeerSystem, url: string) {
    this.#system = system;
    this.#url = url;
  }

  async connect(request: Extract<LoadRequest, { type: 'connect' }>): Promise<Connected> {
    const started = performance.now();
    const from = this.#rooms.length;
    const created = await this.#system.createRooms(this.#url, from, Math.max(0, request.rooms - from));
    this.#rooms.push(...created);
    const jobs: Array<() => Promise<void>> = [];
    let failed = 0;
    let firstError: string | undefined;
    const failure = (err: unknown) => {
      failed++;
      firstError ??= err instanceof Error ? err.message : String(err);
    };
    created.forEach((room, i) => {
      const observed = from + i < request.observerRooms;
      const observers = observed ? Math.min(request.observersPerRoom, request.clientsPerRoom) : 0;
      for (let o = 0; o < observers; o++) jobs.push(() => this.#addObserver(room, request.clientsPerRoom).catch(failure));
      for (let c = observers; c < request.clientsPerRoom; c++) {
        jobs.push(() => this.#addRaw(room, request.clientsPerRoom, observed).catch(failure));
      }
    });
    await pool(jobs, request.concurrency);
    const reply: Connected = {
      type: 'connected',
      rooms: this.#rooms.length,
      clients: this.#raw.length + this.#observers.length,
      observers: this.#observers.length,
      failed,
      seconds: (performance.now() - started) / 1000,
    };
    if (firstError !== undefined) reply.firstError = firstError;
    return reply;
  }

  async #addObserver(room: RoomRef, roomSize: number): Promise<void> {
    const doc = new Y.Doc();
    const client = this.#nextClient++;
    doc.clientID = client;
    this.#observers.push(await this.#system.connectObserver(this.#url, room, doc));
    doc.on('update', (update: Uint8Array, origin: unknown) => {
      // Local edits have no origin; everything a provider applies has one.
      if (origin !== null) this.#ledger.observe(update, client);
    });
    const text = doc.getText(TEXT_ROOT);
    const nextClock = () => Y.getState(doc.store, client);
    this.#typists.push({
      client,
      recipients: roomSize - 1,
      nextClock,
      type: () => {
        this.#ledger.sending(client, nextClock());
        text.insert(text.length, 'o');
      },
    });
  }

  async #addRaw(room: RoomRef, roomSize: number, observed: boolean): Promise<void> {
    const keystrokes = new KeystrokeSource(this.#nextClient++);
    const client = await this.#system.connectRaw(this.#url, room, keystrokes.client, this.#ledger);
    this.#raw.push(client);
    this.#typists.push({
      client: keystrokes.client,
      recipients: roomSize - 1,
      nextClock: () => keystrokes.clock,
      type: () => {
        // Only keystrokes that observers will receive are worth timing.
        if (observed) this.#ledger.sending(keystrokes.client, keystrokes.clock);
        client.sendUpdate(keystrokes.next());
      },
    });
  }

  /**
   * Every typist at `rate` keystrokes per second, each at its own phase of the
   * period. Phases go to typists in a shuffled order: in connection order a
   * room's clients would type in the same few milliseconds, a burst no room of
   * independent people produces (and one that favours servers merging updates).
   */
  type(rate: number): void {
    this.pause();
    const typists = shuffled(this.#typists);
    if (typists.length === 0 || rate <= 0) return;
    const period = 1000 / rate;
    const origin = performance.now();
    let cycle = 0;
    let cursor = 0;
    this.#timer = setInterval(() => {
      const now = performance.now();
      while (origin + cycle * period + (cursor * period) / typists.length <= now) {
        typists[cursor]!.type();
        if (++cursor === typists.length) {
          cursor = 0;
          cycle++;
        }
      }
    }, SCHEDULER_TICK_MS);
  }

  pause(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  async measure(seconds: number): Promise<Measured> {
    const typists = [...this.#typists];
    const ledger = this.#ledger;
    ledger.open(typists);
    const started = performance.now();
    await sleep(seconds * 1000);
    const { sent, expected } = ledger.close(typists);
    const elapsed = (performance.now() - started) / 1000;
    const graceEnds = performance.now() + GRACE_MS;
    while (ledger.delivered < expected && performance.now() < graceEnds) await sleep(GRACE_POLL_MS);
    const measured: Measured = {
      type: 'measured',
      seconds: elapsed,
      sent,
      delivered: ledger.delivered,
      expected,
      latencies: ledger.latencies,
      closed: this.#raw.filter((c) => !c.open).length,
    };
    ledger.reset();
    return measured;
  }

  async stormRooms(request: Extract<LoadRequest, { type: 'stormRooms' }>): Promise<void> {
    this.#stormRooms = await this.#system.createRooms(this.#url, this.#rooms.length, request.rooms);
    this.#rooms.push(...this.#stormRooms);
  }

  async storm(request: Extract<LoadRequest, { type: 'storm' }>): Promise<Stormed> {
    const rooms = this.#stormRooms;
    this.#stormRooms = [];
    const joinMs: number[] = [];
    let failed = 0;
    let firstError: string | undefined;
    const started = performance.now();
    let last = started;
    await pool(
      rooms.map((room) => async () => {
        const t0 = performance.now();
        try {
          const client = await this.#system.connectRaw(this.#url, room, this.#nextClient++, this.#ledger);
          last = performance.now();
          joinMs.push(last - t0);
          this.#raw.push(client);
        } catch (err) {
          failed++;
          firstError ??= err instanceof Error ? err.message : String(err);
        }
      }),
      request.concurrency,
    );
    const reply: Stormed = {
      type: 'stormed',
      clients: rooms.length,
      synced: joinMs.length,
      failed,
      seconds: (last - started) / 1000,
      joinMs,
    };
    if (firstError !== undefined) reply.firstError = firstError;
    return reply;
  }
}

async function pool(jobs: ReadonlyArray<() => Promise<void>>, limit: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, jobs.length) }, async () => {
      while (next < jobs.length) await jobs[next++]!();
    }),
  );
}

let generator: LoadGenerator | undefined;

async function handle(request: LoadRequest): Promise<LoadReply> {
  if (request.type === 'init') {
    generator = new LoadGenerator(SYSTEMS[request.system], request.url);
    return { type: 'ok' };
  }
  if (!generator) throw new Error('not initialised');
  switch (request.type) {
    case 'connect':
      return generator.connect(request);
    case 'type':
      generator.type(request.rate);
      return { type: 'ok' };
    case 'pause':
      generator.pause();
      return { type: 'ok' };
    case 'measure':
      return generator.measure(request.seconds);
    case 'stormRooms':
      await generator.stormRooms(request);
      return { type: 'ok' };
    case 'storm':
      return generator.storm(request);
    default: {
      const unknown: never = request;
      throw new Error(`unknown request ${JSON.stringify(unknown)}`);
    }
  }
}

process.on('message', (request: LoadRequest) => {
  handle(request).then(
    (reply) => process.send!(reply),
    (err: Error) => process.send!({ type: 'error', message: err.stack ?? err.message } satisfies LoadReply),
  );
});
process.on('disconnect', () => process.exit(0));
