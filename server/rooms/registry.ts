// Loads each room once (concurrent joins share one load), and unloads it a
// grace period after its last participant leaves, once its log is flushed.
import type { Logger } from 'pino';
import { outdatedTimeout } from 'y-protocols/awareness';
import { AppError } from '../errors.ts';
import type { ClientClaim, DocLog } from '../store/doc-log.ts';
import type { RecordStore, RoomRecord } from '../store/records.ts';
import { Listeners, type Subscribable } from '../listeners.ts';
import { DocSaver, type SaverEvents, type SaverSettings } from './persistence/doc-saver.ts';
import { Room, type RoomEvents, type RoomLimits } from './room.ts';
import { syncWithStore } from './persistence/store-sync.ts';
import { TurnBatchedLog } from './persistence/turn-batched-log.ts';
import { type TurnEnd, turnEnd } from './persistence/turn-end.ts';

/** y-protocols' own check interval: a tenth of the 30 s a presence lasts unrenewed. */
const AWARENESS_SWEEP_MS = outdatedTimeout / 10;

export interface RegistryDeps {
  docLog: DocLog;
  records: RecordStore;
  limits: RoomLimits;
  saver: SaverSettings;
  /** Hears every room's appends, compactions and failures (metrics). */
  saverEvents?: SaverEvents;
  unloadGraceMs: number;
  logger: Logger;
  /** The turn rooms store and then publish in (the process's own unless given). */
  turn?: TurnEnd;
  /** Other nodes write to the same rooms: a new client id is claimed in the store before it is written under. */
  shared?: boolean;
}

export class RoomRegistry {
  readonly #deps: RegistryDeps;
  readonly #rooms = new Map<string, Room>();
  readonly #loading = new Map<string, Promise<Room>>();
  /** Bumped on every open, so an unload can tell that its room was reopened while it flushed. */
  readonly #opens = new WeakMap<Room, number>();
  readonly #unloadTimers = new Map<string, NodeJS.Timeout>();
  /** Shared by every room, so a listener added later hears rooms already open. */
  readonly #events: Listeners<RoomEvents>;
  readonly #saverEvents: Listeners<SaverEvents>;
  #closed = false;
  /** Rooms whose unload waits for the log, already reported. */
  readonly #keptInMemory = new WeakSet<Room>();
  readonly #turn: TurnEnd;
  /** What savers append through: one commit per turn for every room. */
  readonly #savedLog: TurnBatchedLog;
  /** Expires stale presence in every room (Room.expireAwareness). */
  readonly #awarenessSweep: NodeJS.Timeout;

  constructor(deps: RegistryDeps) {
    this.#deps = deps;
    this.#turn = deps.turn ?? turnEnd;
    this.#savedLog = new TurnBatchedLog(deps.docLog, this.#turn);
    this.#events = new Listeners(deps.logger, 'rooms');
    this.#saverEvents = new Listeners(deps.logger, 'doc saver', deps.saverEvents ? [deps.saverEvents] : []);
    // As often as y-protocols checks each Awareness itself.
    this.#awarenessSweep = setInterval(() => this.#expireAwareness(), AWARENESS_SWEEP_MS);
    this.#awarenessSweep.unref();
  }

  #expireAwareness(): void {
    const now = Date.now();
    for (const room of this.#rooms.values()) {
      try {
        room.expireAwareness(now);
      } catch (err) {
        this.#deps.logger.error({ err, roomId: room.id }, 'could not expire presence');
      }
    }
  }

  /** Every room's changes and every load and unload (transports, relay, bookkeeping). */
  get events(): Subscribable<RoomEvents> {
    return this.#events;
  }

  get size(): number {
    return this.#rooms.size;
  }

  get(roomId: string): Room | undefined {
    return this.#rooms.get(roomId);
  }

  rooms(): IterableIterator<Room> {
    return this.#rooms.values();
  }

  /**
   * The loaded room, loading it once however many callers ask at the same
   * time. `record`: the caller has just read the room's record (a join), so
   * loading need not read it again to know that the room exists.
   */
  async open(roomId: string, record?: RoomRecord): Promise<Room> {
    if (this.#closed) throw new AppError('unavailable', 'server is shutting down');
    this.#cancelUnload(roomId);
    const loaded = this.#rooms.get(roomId);
    if (loaded) return this.#opened(loaded);
    let loading = this.#loading.get(roomId);
    if (!loading) {
      loading = this.#load(roomId, record).finally(() => this.#loading.delete(roomId));
      this.#loading.set(roomId, loading);
    }
    return this.#opened(await loading);
  }

  #opened(room: Room): Room {
    this.#opens.set(room, (this.#opens.get(room) ?? 0) + 1);
    return room;
  }

  /** Call when a participant leaves: an empty room unloads after the grace period. */
  release(room: Room): void {
    if (room.participants.size > 0 || this.#rooms.get(room.id) !== room) return;
    this.#cancelUnload(room.id);
    const timer = setTimeout(() => void this.#unload(room), this.#deps.unloadGraceMs);
    timer.unref();
    this.#unloadTimers.set(room.id, timer);
  }

  /** Runs fn on the room, loading it if needed, and lets it unload again afterwards. */
  async withRoom<T>(roomId: string, fn: (room: Room) => T | Promise<T>): Promise<T> {
    const room = await this.open(roomId);
    try {
      return await fn(room);
    } finally {
      this.release(room);
    }
  }

  /** Flushes every room's log and unloads them all; for shutdown. */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#awarenessSweep);
    for (const timer of this.#unloadTimers.values()) clearTimeout(timer);
    this.#unloadTimers.clear();
    await Promise.allSettled([...this.#loading.values()]);
    await Promise.all([...this.#rooms.values()].map((room) => this.#unload(room, true)));
  }

  async #load(roomId: string, known?: RoomRecord): Promise<Room> {
    const record = known?.id === roomId ? known : await this.#deps.records.getRoom(roomId);
    if (!record) throw new AppError('not_found', 'no such room');
    const stored = await this.#deps.docLog.load(roomId);
    // With the log or after it: a claim is committed with the first update that used its id.
    const claims = stored.claims ?? (await this.#deps.docLog.claims(roomId));
    const logger = this.#deps.logger.child({ roomId });
    const saver = new DocSaver(roomId, this.#savedLog, this.#deps.saver, stored, logger, this.#saverEvents, this.#turn);
    const room = new Room(roomId, stored, {
      limits: this.#deps.limits,
      saver,
      events: this.#events,
      logger,
      turn: this.#turn,
      claims: {
        initial: claims,
        load: () => this.#deps.docLog.claims(roomId),
        ...(this.#deps.shared ? { claimFirst: (claim: ClientClaim) => this.#deps.docLog.claim(roomId, claim) } : {}),
      },
    });
    this.#rooms.set(roomId, room);
    await this.#events.emitInOrder('roomLoaded', room);
    logger.debug({ entries: stored.entries, bytes: stored.bytes }, 'room loaded');
    return room;
  }

  async #unload(room: Room, force = false): Promise<void> {
    this.#unloadTimers.delete(room.id);
    if (this.#rooms.get(room.id) !== room || (!force && room.participants.size > 0)) return;
    // The room stays registered while it flushes, so nobody can load a second
    // copy from a log that is still missing its last updates.
    const opens = this.#opens.get(room);
    const saved = await this.#flush(room);
    if (this.#rooms.get(room.id) !== room) return;
    if (!force && (room.participants.size > 0 || this.#opens.get(room) !== opens)) return;
    if (!saved) {
      if (!force) {
        // Keep it in memory rather than lose what the log refused; try again later.
        // Said once per room: the retries are the store's outage, which is logged where it is seen.
        if (!this.#keptInMemory.has(room)) {
          this.#keptInMemory.add(room);
          this.#deps.logger.warn({ roomId: room.id, unsaved: room.saver.unsaved }, 'room kept in memory: log unavailable');
        }
        this.release(room);
        return;
      }
      this.#deps.logger.error({ roomId: room.id, unsaved: room.saver.unsaved }, 'room closed with unsaved updates');
    }
    this.#rooms.delete(room.id);
    this.#events.emit('roomUnloaded', room);
    room.destroy();
  }

  /**
   * Writes what this node accepted. A room other nodes relayed changes into is
   * first levelled with its log: a peer killed between relaying an edit and
   * appending it leaves that edit only in memory, here, and this copy is
   * about to go.
   */
  async #flush(room: Room): Promise<boolean> {
    if (room.relayed) {
      try {
        const result = await syncWithStore(room, this.#deps.docLog);
        if (result.appended) this.#deps.logger.warn({ roomId: room.id }, 'stored what only this copy held before unloading');
      } catch (err) {
        this.#deps.logger.error({ err, roomId: room.id }, 'could not level the room with its log before unloading');
      }
    }
    return room.saver.flush();
  }

  #cancelUnload(roomId: string): void {
    const timer = this.#unloadTimers.get(roomId);
    if (timer) {
      clearTimeout(timer);
      this.#unloadTimers.delete(roomId);
    }
  }
}
