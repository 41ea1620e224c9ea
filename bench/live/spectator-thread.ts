// bench:live's spectators on a thread of their own. On the benchmark's main
// thread, 1,000 spectators' frames (a room's 20 arrive together, every 200 ms)
// were read on the event loop that also reads the makers' keystrokes and
// stamps their arrival: the benchmark charged its own queueing to the server.
// Real spectators are other machines. The thread joins them, counts their
// frames in shared memory, and sends back when each timed spectator (the
// first of each room) received each keystroke.
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { post } from '../lib/http.ts';
import { forEachStruct } from '../peers/lib/update-structs.ts';
import { connectLiveRaw, type LiveRawClient } from './raw-client.ts';

interface ThreadData {
  url: string;
  roomIds: string[];
  spectators: number;
  /** One Int32: frames received by all spectators. */
  frames: SharedArrayBuffer;
}

type FromThread =
  | { type: 'joined'; count: number }
  | { type: 'failed'; message: string }
  /** Triples: client, clock, epoch ms received (performance.timeOrigin + now). */
  | { type: 'deliveries'; triples: Float64Array };

export interface SpectatorThread {
  readonly joined: number;
  /** Frames received by every spectator so far. */
  frames(): number;
  close(): Promise<void>;
}

/** Starts the thread and joins `spectators` spread over the rooms; `delivered` gets each timed keystroke (main thread's performance.now()). */
export async function startSpectatorThread(
  url: string,
  roomIds: readonly string[],
  spectators: number,
  delivered: (client: number, clock: number, at: number) => void,
): Promise<SpectatorThread> {
  const frames = new SharedArrayBuffer(4);
  const counter = new Int32Array(frames);
  const data: ThreadData = { url, roomIds: [...roomIds], spectators, frames };
  const worker = new Worker(new URL(import.meta.url), { workerData: data });
  const joined = await new Promise<number>((resolve, reject) => {
    worker.once('error', reject);
    worker.on('message', (message: FromThread) => {
      switch (message.type) {
        case 'joined':
          resolve(message.count);
          return;
        case 'failed':
          reject(new Error(message.message));
          return;
        case 'deliveries': {
          const { triples } = message;
          for (let i = 0; i + 2 < triples.length; i += 3) {
            delivered(triples[i] ?? 0, triples[i + 1] ?? 0, (triples[i + 2] ?? 0) - performance.timeOrigin);
          }
          return;
        }
      }
    });
  });
  return {
    joined,
    frames: () => Atomics.load(counter, 0),
    close: async () => {
      await worker.terminate();
    },
  };
}

async function runThread(port: NonNullable<typeof parentPort>, data: ThreadData): Promise<void> {
  const counter = new Int32Array(data.frames);
  let pending: number[] = [];
  const clients: LiveRawClient[] = [];
  const timed = (update: Uint8Array) => {
    const at = performance.timeOrigin + performance.now();
    try {
      forEachStruct(update, (client, clock, length) => {
        for (let k = clock; k < clock + length; k++) pending.push(client, k, at);
      });
    } catch {
      // A painter's layer change merged in: not timed.
    }
  };
  let next = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < data.spectators) {
        const i = next++;
        const roomId = data.roomIds[i % data.roomIds.length];
        if (roomId === undefined) return;
        const viewer = await post<{ token: string }>(data.url, '/api/session', { name: 'Spectator' });
        const client = await connectLiveRaw({
          url: data.url,
          token: viewer.token,
          roomId,
          options: { watch: true },
          onUpdate: i < data.roomIds.length ? timed : undefined,
          onFrame: () => Atomics.add(counter, 0, 1),
        });
        clients.push(client);
      }
    }),
  );
  setInterval(() => {
    if (pending.length === 0) return;
    const triples = Float64Array.from(pending);
    pending = [];
    port.postMessage({ type: 'deliveries', triples } satisfies FromThread, [triples.buffer]);
  }, 250);
  port.postMessage({ type: 'joined', count: clients.length } satisfies FromThread);
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  runThread(port, workerData as ThreadData).catch((err: unknown) => {
    port.postMessage({ type: 'failed', message: err instanceof Error ? err.message : String(err) } satisfies FromThread);
  });
}
