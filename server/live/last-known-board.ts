// The shared live board (Redis, scaled mode) with this node's memory of it, for
// when Redis is out of reach. node-redis keeps every command sent to a client
// that is not ready until Redis is back: a read of the board (`GET /api/live`),
// an unlisting and the live tick would each wait for the whole outage, and the
// tick's writes and every page's demand mark pile up in its queue. A paused
// Redis (connected, answering nothing) is the same to this board: the board
// given fails a command unanswered past its deadline and is unreachable until
// Redis answers again (server/scale/redis-answers.ts).
//
// So while Redis is away (and until what waited for it is written), reads
// answer from what the last reads and this node's own writes left here (the
// other nodes' entries as they were when Redis went, this node's current), and
// writes wait here, coalesced: the latest of each entry (room and node), of each
// room's removal (which supersedes its entries' writes) and preview, and one
// demand mark, at most `maxPending`, the oldest dropped past it. Once Redis is
// back they are written in order, before anything else goes to it. Nobody may
// claim a preview's render meanwhile (the nodes could not agree who draws).
// A room's removal dropped past `maxPending` would leave its preview record
// for ever: the room is remembered, and its preview forgotten once Redis is
// back unless an entry names the room again (its entries expire by themselves).
import type { Logger } from 'pino';
import { type LiveBoard, type LiveEntry, type LivePreview, MemoryLiveBoard, type SharedLiveBoard } from './board.ts';

export interface LastKnownBoardDeps {
  board: SharedLiveBoard;
  /** Whether the shared board can be reached now; a command would wait for it otherwise. */
  reachable(): boolean;
  /** Tells of the connection lost (maybe: `reachable` says), and back after an outage. */
  watch(handlers: { lost(): void; resumed(): void }): void;
  /** Writes kept for Redis while it is away (one per entry, room removal, preview and the demand mark). */
  maxPending: number;
  logger: Logger;
}

type Write =
  | { type: 'put'; entry: LiveEntry }
  | { type: 'remove'; roomId: string; nodeId?: string }
  | { type: 'preview'; roomId: string; preview: LivePreview }
  | { type: 'demand'; until: number };

const entryKey = (roomId: string, nodeId: string) => `${roomId} ${nodeId}`;

export class LastKnownBoard implements LiveBoard {
  readonly #deps: LastKnownBoardDeps;
  /** Every node's entries and the previews as last read, with this node's writes since. */
  readonly #memory = new MemoryLiveBoard();
  /** Writes waiting for Redis, oldest first, keyed by what they write (a newer one replaces and moves to the end). */
  readonly #pending = new Map<string, Write>();
  #demandUntil = 0;
  /** When the connection was lost: entries that were live then are shown for the outage. */
  #lostAt: number | null = null;
  #flushing: Promise<void> | null = null;
  /** Whether this outage's first dropped write was logged. */
  #warned = false;
  /** Rooms whose removal was dropped (at most `maxPending`): their previews are forgotten once Redis is back. */
  readonly #lostRemovals = new Set<string>();

  constructor(deps: LastKnownBoardDeps) {
    this.#deps = deps;
    deps.watch({
      lost: () => {
        if (!deps.reachable()) this.#lostAt ??= Date.now();
      },
      resumed: () => this.#flush(),
    });
  }

  /** True while answers come from this node's memory: Redis away, or what waited for it not yet written. */
  get stale(): boolean {
    return !this.#shared();
  }

  /** Writes waiting for Redis. */
  get pending(): number {
    return this.#pending.size;
  }

  async put(entry: LiveEntry): Promise<void> {
    await this.#memory.put(entry);
    await this.#write(`entry ${entryKey(entry.roomId, entry.nodeId)}`, { type: 'put', entry });
  }

  async remove(roomId: string, nodeId?: string): Promise<void> {
    await this.#memory.remove(roomId, nodeId);
    if (nodeId !== undefined) {
      await this.#write(`entry ${entryKey(roomId, nodeId)}`, { type: 'remove', roomId, nodeId });
      return;
    }
    // The room's removal takes its entries and preview with it: their waiting writes are moot.
    for (const key of this.#pending.keys())
      if (key.startsWith(`entry ${roomId} `) || key === `preview ${roomId}`) this.#pending.delete(key);
    await this.#write(`room ${roomId}`, { type: 'remove', roomId });
  }

  async entries(now: number): Promise<LiveEntry[]> {
    const shared = await this.#read(() => this.#deps.board.entries(now));
    if (shared) {
      this.#memory.replaceEntries(shared);
      return shared;
    }
    // Other nodes cannot refresh theirs meanwhile: shown as they were when Redis went. This node's are current.
    return this.#memory.entries(Math.min(now, this.#lostAt ?? now));
  }

  async preview(roomId: string): Promise<LivePreview | null> {
    const shared = await this.#read(async () => ({ found: await this.#deps.board.preview(roomId) }));
    if (!shared) return this.#memory.preview(roomId);
    this.#memory.rememberPreview(roomId, shared.found);
    return shared.found;
  }

  async previews(roomIds: readonly string[]): Promise<Map<string, LivePreview>> {
    const shared = await this.#read(() => this.#deps.board.previews(roomIds));
    if (shared) {
      for (const id of roomIds) this.#memory.rememberPreview(id, shared.get(id) ?? null);
      return shared;
    }
    return this.#memory.previews(roomIds);
  }

  async setPreview(roomId: string, preview: LivePreview): Promise<void> {
    await this.#memory.setPreview(roomId, preview);
    await this.#write(`preview ${roomId}`, { type: 'preview', roomId, preview });
  }

  async claimRender(roomId: string, nodeId: string, ttlMs: number): Promise<boolean> {
    return (await this.#read(() => this.#deps.board.claimRender(roomId, nodeId, ttlMs))) ?? false;
  }

  async markDemand(until: number): Promise<void> {
    this.#demandUntil = Math.max(this.#demandUntil, until);
    await this.#write('demand', { type: 'demand', until: this.#demandUntil });
  }

  async demanded(now: number): Promise<boolean> {
    const shared = await this.#read(async () => ({ demanded: await this.#deps.board.demanded(now) }));
    return shared ? shared.demanded : this.#demandUntil > now;
  }

  /** Redis there and nothing waiting for it: reads and writes go to it. */
  #shared(): boolean {
    return this.#deps.reachable() && this.#pending.size === 0;
  }

  /** From Redis when shared; null to answer from memory (also when Redis went during the read). */
  async #read<T>(read: () => Promise<T>): Promise<T | null> {
    if (!this.#shared()) return null;
    try {
      const value = await read();
      this.#lostAt = null;
      return value;
    } catch (err) {
      if (this.#deps.reachable()) throw err;
      return null;
    }
  }

  async #write(key: string, write: Write): Promise<void> {
    if (this.#shared()) {
      try {
        await this.#apply(write);
        return;
      } catch (err) {
        if (this.#deps.reachable()) throw err;
      }
    }
    this.#pending.delete(key);
    this.#pending.set(key, write);
    this.#trim();
    if (this.#deps.reachable()) this.#flush();
  }

  #trim(): void {
    const { maxPending, logger } = this.#deps;
    for (const [key, write] of this.#pending) {
      if (this.#pending.size <= maxPending) return;
      this.#pending.delete(key);
      if (write.type === 'remove' && write.nodeId === undefined) this.#lostRemoval(write.roomId);
      if (!this.#warned) {
        this.#warned = true;
        logger.warn({ maxPending }, 'redis away: dropping the oldest live board writes kept for it (ADAPTER_OFFLINE_MAX_COMMANDS)');
      }
    }
  }

  #lostRemoval(roomId: string): void {
    this.#lostRemovals.delete(roomId);
    this.#lostRemovals.add(roomId);
    // The oldest left to its entries' expiry, which takes the preview too, if Redis still held entries of it.
    for (const oldest of this.#lostRemovals) {
      if (this.#lostRemovals.size <= this.#deps.maxPending) break;
      this.#lostRemovals.delete(oldest);
    }
  }

  /** Writes what waited for Redis, oldest first, while it is there; one flush at a time. */
  #flush(): void {
    this.#flushing ??= this.#drain().finally(() => {
      this.#flushing = null;
    });
  }

  async #drain(): Promise<void> {
    while (this.#deps.reachable()) {
      const next = this.#pending.entries().next();
      if (next.done) {
        await this.#forgetLostPreviews();
        this.#warned = false;
        this.#lostAt = null;
        return;
      }
      const [key, write] = next.value;
      try {
        await this.#apply(write);
      } catch (err) {
        // Lost again: kept for the next return. Refused by Redis itself: dropped, or it would be tried for ever.
        if (!this.#deps.reachable()) return;
        this.#deps.logger.warn({ err, key }, 'could not write a live board change kept while Redis was away');
      }
      if (this.#pending.get(key) === write) this.#pending.delete(key);
    }
  }

  async #forgetLostPreviews(): Promise<void> {
    if (this.#lostRemovals.size === 0) return;
    const roomIds = [...this.#lostRemovals];
    try {
      await this.#deps.board.forgetPreviews(roomIds);
    } catch (err) {
      // Lost again: tried on the next return. Refused by Redis itself: left to the entries' expiry.
      if (!this.#deps.reachable()) return;
      this.#deps.logger.warn({ err }, 'could not forget the previews of rooms whose removal was dropped');
    }
    for (const id of roomIds) this.#lostRemovals.delete(id);
  }

  #apply(write: Write): Promise<void> {
    const { board } = this.#deps;
    switch (write.type) {
      case 'put':
        return board.put(write.entry);
      case 'remove':
        return board.remove(write.roomId, write.nodeId);
      case 'preview':
        return board.setPreview(write.roomId, write.preview);
      case 'demand':
        return write.until > Date.now() ? board.markDemand(write.until) : Promise.resolve();
      default:
        return write satisfies never;
    }
  }
}
