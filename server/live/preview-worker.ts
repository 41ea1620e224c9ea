// The event loop's side of the preview thread (preview-thread.ts). Drawing a
// preview allocates the raw pixels of every layer and of the canvas: on the
// event loop those buffers cost 30-45 ms garbage-collection pauses that every
// room waited out. One thread draws one preview at a time; behind it waits at
// most one request per room, the latest (an older picture of a room is not
// worth drawing once a newer one is asked for), and at most `queueLimit` rooms,
// so a slow thread never builds a backlog. The thread starts on first use; if
// it dies, the request it held fails, the death is logged, and the next
// request starts another: at once after a first death, then after a delay
// that doubles with each death in a row up to a cap, so a thread that dies on
// every start (a broken build, a missing library) is not restarted in a loop.
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { AppError } from '../errors.ts';
import { loadSharp } from '../media/sharp.ts';
import type { CompositorOptions, Scene } from '../render/compositor.ts';
import { WORKER_YOUNG_GENERATION_MB } from '../store/merge.ts';

export interface PreviewRequest {
  id: number;
  roomId: string;
  scene: Scene;
  /** Each layer `src` the scene draws and its encoded bytes (absent: no such file). */
  sources: Map<string, Uint8Array>;
}

export type PreviewReply = { id: number; webp: Uint8Array } | { id: number; error: string };

/** A room's request was replaced by a later one before the thread took it. */
export class PreviewSuperseded extends Error {
  constructor(roomId: string) {
    super(`a newer preview of ${roomId} was asked for`);
    this.name = 'PreviewSuperseded';
  }
}

/** When a dead thread is started again: deaths in a row wait longer, up to a cap. */
export interface RestartBackoff {
  /** The wait after the second death in a row (the first restarts at once); doubled for each death after it. */
  firstMs: number;
  /** The longest wait. */
  maxMs: number;
  /** A thread alive this long was healthy: the count of deaths in a row starts again. */
  healthyMs: number;
}

export const DEFAULT_RESTART_BACKOFF: RestartBackoff = { firstMs: 1000, maxMs: 60_000, healthyMs: 60_000 };

export interface PreviewWorkerOptions {
  compositor: CompositorOptions;
  /** Rooms waiting behind the one being drawn; past it, `unavailable`. */
  queueLimit: number;
  logger: Logger;
  /** DEFAULT_RESTART_BACKOFF unless given. */
  backoff?: RestartBackoff;
  /** The thread's module; preview-thread.ts unless given (tests give one that dies). */
  entry?: URL;
}

interface Job {
  request: Omit<PreviewRequest, 'id'>;
  resolve(webp: Buffer): void;
  reject(err: Error): void;
}

export class PreviewWorker {
  readonly #options: PreviewWorkerOptions;
  /** Waiting, one per room; a Map keeps first-asked order when a room's request is replaced. */
  readonly #queue = new Map<string, Job>();
  #worker: Worker | null = null;
  #starting: Promise<Worker> | null = null;
  #current: { id: number; job: Job } | null = null;
  #next = 0;
  #closed = false;
  #starts = 0;
  /** Deaths in a row, none after a healthy stretch. */
  #deaths = 0;
  /** Waiting to start a thread again after deaths in a row. */
  #restart: { timer: NodeJS.Timeout; delayMs: number } | null = null;
  /** Ends the current thread's probation: once it fires, the deaths in a row are forgotten. */
  #healthy: NodeJS.Timeout | undefined;

  constructor(options: PreviewWorkerOptions) {
    this.#options = options;
  }

  /** Draws the room's preview on the thread: the WebP's bytes. */
  draw(roomId: string, scene: Scene, sources: Map<string, Uint8Array>): Promise<Buffer> {
    if (this.#closed) return Promise.reject(new AppError('unavailable', 'the preview worker is closed'));
    const replaced = this.#queue.get(roomId);
    if (!replaced && this.#queue.size >= this.#options.queueLimit) {
      return Promise.reject(new AppError('unavailable', 'the preview worker is busy; try again shortly'));
    }
    return new Promise<Buffer>((resolve, reject) => {
      // set() on a key already there keeps its place: the room is not sent to the back for being busy.
      this.#queue.set(roomId, { request: { roomId, scene, sources }, resolve, reject });
      replaced?.reject(new PreviewSuperseded(roomId));
      this.#pump();
    });
  }

  /** Rooms waiting behind the one being drawn. */
  get waiting(): number {
    return this.#queue.size;
  }

  /** Threads started so far. */
  get starts(): number {
    return this.#starts;
  }

  /** Threads that died in a row without a healthy stretch between. */
  get deaths(): number {
    return this.#deaths;
  }

  /** How long the next start waits from the last death; 0 when it need not wait. */
  get restartDelayMs(): number {
    return this.#restart?.delayMs ?? 0;
  }

  /** Ends the thread as a crash would (tests, operations): the next request starts another. */
  async kill(): Promise<void> {
    await this.#starting?.catch(() => undefined);
    await this.#worker?.terminate();
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#restart?.timer);
    this.#restart = null;
    clearTimeout(this.#healthy);
    for (const job of this.#queue.values()) job.reject(new AppError('unavailable', 'the preview worker is closed'));
    this.#queue.clear();
    await this.#starting?.catch(() => undefined);
    await this.#worker?.terminate();
  }

  #pump(): void {
    if (this.#current || this.#starting || this.#restart || this.#closed) return;
    const [roomId, job] = this.#queue.entries().next().value ?? [];
    if (roomId === undefined || !job) return;
    if (!this.#worker) {
      this.#starting = this.#start().finally(() => {
        this.#starting = null;
      });
      this.#starting.then(
        () => this.#pump(),
        (err: unknown) => this.#died({ err }, 'could not start the preview worker'),
      );
      return;
    }
    this.#queue.delete(roomId);
    const id = this.#next++;
    this.#current = { id, job };
    // Not transferred: a Buffer from the media store may be a view into a pool other code shares.
    this.#worker.postMessage({ id, ...job.request } satisfies PreviewRequest);
  }

  async #start(): Promise<Worker> {
    this.#starts++;
    // sharp's documentation: the main thread loads it before any worker does, so that
    // libvips stays loaded when a worker that used it exits (and this one is restarted).
    await loadSharp();
    const worker = new Worker(this.#options.entry ?? new URL('./preview-thread.ts', import.meta.url), {
      workerData: this.#options.compositor,
      resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
    });
    clearTimeout(this.#healthy);
    this.#healthy = setTimeout(() => {
      this.#deaths = 0;
    }, this.#backoff.healthyMs).unref();
    // Previews are optional work: the thread never keeps a stopping process alive.
    worker.unref();
    worker.on('message', (reply: PreviewReply) => this.#settle(reply));
    worker.on('error', (err) => this.#options.logger.error({ err }, 'preview worker failed'));
    worker.on('exit', (code) => this.#exited(worker, code));
    if (this.#closed) await worker.terminate();
    this.#worker = worker;
    return worker;
  }

  #settle(reply: PreviewReply): void {
    const current = this.#current;
    if (current?.id !== reply.id) return;
    this.#current = null;
    if ('webp' in reply) current.job.resolve(Buffer.from(reply.webp.buffer, reply.webp.byteOffset, reply.webp.byteLength));
    else current.job.reject(new Error(reply.error));
    this.#pump();
  }

  #exited(worker: Worker, code: number): void {
    if (this.#worker !== worker) return;
    this.#worker = null;
    const current = this.#current;
    this.#current = null;
    if (this.#closed) {
      current?.job.reject(new AppError('unavailable', 'the preview worker is closed'));
      return;
    }
    current?.job.reject(new Error(`the preview worker exited (code ${code})`));
    this.#died({ code, roomId: current?.job.request.roomId }, 'preview worker exited; restarting it');
  }

  /** A thread died or could not start: the next starts at once after a first death, later after more in a row. */
  #died(context: Record<string, unknown>, message: string): void {
    clearTimeout(this.#healthy);
    this.#deaths++;
    const { firstMs, maxMs } = this.#backoff;
    const delayMs = this.#deaths < 2 ? 0 : Math.min(maxMs, firstMs * 2 ** (this.#deaths - 2));
    this.#options.logger.error({ ...context, deaths: this.#deaths, restartInMs: delayMs }, message);
    if (this.#closed) return;
    if (delayMs > 0) {
      const timer = setTimeout(() => {
        this.#restart = null;
        this.#pump();
      }, delayMs).unref();
      this.#restart = { timer, delayMs };
    }
    this.#pump();
  }

  get #backoff(): RestartBackoff {
    return this.#options.backoff ?? DEFAULT_RESTART_BACKOFF;
  }
}
