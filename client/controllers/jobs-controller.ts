// The room's generation jobs: the ones the join carried, then every
// `gen:update`; starting and cancelling them over the socket.
import type { GenParams, Job, Role, RoomInfo, WireError } from '../../shared/protocol.ts';
import { RoomAttachedController } from './room-attached-controller.ts';
import type { RoomSetup } from './room-connection.ts';

const ACK_TIMEOUT_MS = 15_000;
const KEEP_FINISHED = 12;

export type ActionResult<T> = { ok: true; value: T } | { ok: false; error: WireError };

/** Emits with an acknowledgement, turning a lost connection or silence into an error. */
export function emitWithAck<T>(
  send: (ack: (res: ({ ok: true } & T) | { ok: false; error: WireError }) => void) => void,
  connected: boolean,
): Promise<ActionResult<T>> {
  if (!connected)
    return Promise.resolve({
      ok: false,
      error: { code: 'unavailable', message: 'You are offline. Try again when the connection is back.' },
    });
  return new Promise((resolve) => {
    const timer = setTimeout(
      () => resolve({ ok: false, error: { code: 'unavailable', message: 'The server did not answer in time.' } }),
      ACK_TIMEOUT_MS,
    );
    send((res) => {
      clearTimeout(timer);
      resolve(res.ok ? { ok: true, value: res } : { ok: false, error: res.error });
    });
  });
}

export function isActive(job: Job): boolean {
  return job.status === 'queued' || job.status === 'running';
}

export class JobsController extends RoomAttachedController {
  #detach: (() => void) | null = null;
  #setup: RoomSetup | null = null;
  readonly #jobs = new Map<string, Job>();

  /** Newest first; finished jobs beyond the last few are dropped. */
  get jobs(): Job[] {
    return [...this.#jobs.values()].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  async start(params: GenParams): Promise<ActionResult<{ job: Job }>> {
    const setup = this.#setup;
    if (!setup) return { ok: false, error: { code: 'unavailable', message: 'Not connected to the room yet.' } };
    const result = await emitWithAck<{ job: Job }>(
      (ack) => setup.socket.emit('gen:start', setup.roomId, params, ack),
      setup.socket.connected,
    );
    if (result.ok) this.#remember(result.value.job);
    return result;
  }

  async cancel(jobId: string): Promise<ActionResult<{ job: Job }>> {
    const setup = this.#setup;
    if (!setup) return { ok: false, error: { code: 'unavailable', message: 'Not connected to the room yet.' } };
    const result = await emitWithAck<{ job: Job }>(
      (ack) => setup.socket.emit('gen:cancel', setup.roomId, jobId, ack),
      setup.socket.connected,
    );
    if (result.ok) this.#remember(result.value.job);
    return result;
  }

  protected attach(setup: RoomSetup | null): void {
    this.#detach?.();
    this.#detach = null;
    this.#setup = setup;
    if (!setup) return;
    const onJoined = ({ jobs }: { role: Role; room: RoomInfo; jobs: Job[] }) => {
      for (const job of jobs) this.#remember(job);
    };
    const onUpdate = (roomId: string, job: Job) => {
      if (roomId === setup.roomId) this.#remember(job);
    };
    setup.provider.on('joined', onJoined);
    setup.socket.on('gen:update', onUpdate);
    for (const job of this.connection.initialJobs) this.#remember(job);
    this.#detach = () => {
      setup.provider.off('joined', onJoined);
      setup.socket.off('gen:update', onUpdate);
    };
  }

  #remember(job: Job): void {
    const known = this.#jobs.get(job.id);
    // Updates may overtake each other; a finished job never goes back to running.
    if (known && !isActive(known) && isActive(job)) return;
    this.#jobs.set(job.id, job);
    const finished = this.jobs.filter((j) => !isActive(j));
    for (const old of finished.slice(KEEP_FINISHED)) this.#jobs.delete(old.id);
    this.host.requestUpdate();
  }
}
