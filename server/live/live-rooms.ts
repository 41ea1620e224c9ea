// The live side of the rooms this node holds open: for each listed one, who is
// in it here and when its document last changed go on the board (board.ts)
// once a tick when they changed; its preview is redrawn at most every
// LIVE_PREVIEW_MS while it has spectators or someone looks at "Live now",
// never while the node is busy; and subscribers hear `live:update` and
// `live:ended` as the merged picture of every node changes.
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Logger } from 'pino';
import { Listeners, type Subscribable } from '../listeners.ts';
import type { LiveItem } from '../../shared/live.ts';
import { canEdit, type PublicUser, type RoomInfo } from '../../shared/protocol.ts';
import type { RoomDirectory } from '../rooms/directory.ts';
import type { RoomRegistry } from '../rooms/registry.ts';
import type { Room } from '../rooms/room.ts';
import type { LiveStore } from '../store/live.ts';
import { type LiveBoard, type LiveEntry, mergeEntries } from './board.ts';
import type { LiveBus, LiveCommand } from './bus.ts';
import { PreviewSuperseded } from './preview-worker.ts';
import type { PreviewRenderer } from './previews.ts';

/** Where `live:update` and `live:ended` go (the Socket.IO broadcaster, to every node). */
/** Busy ticks in a row after which a preview is drawn anyway. */
export const MAX_BUSY_SKIPS = 5;

export interface LiveEvents {
  update(item: LiveItem): void;
  ended(roomId: string): void;
}

export interface LiveRoomsDeps {
  store: LiveStore;
  directory: RoomDirectory;
  registry: RoomRegistry;
  board: LiveBoard;
  bus: LiveBus;
  previews: PreviewRenderer;
  /** This process on the board. */
  nodeId: string;
  previewMs: number;
  /** True while the node has no time for optional work. */
  busy: () => boolean;
  logger: Logger;
}

interface Tracked {
  room: Room;
  info: RoomInfo | null;
  listed: boolean;
  updatedAt: number;
  /** What was last put on the board, and when. */
  signature: string;
  putAt: number;
  renderedAt: number;
  renderedKey: string | null;
}

export class LiveRooms {
  readonly #deps: LiveRoomsDeps;
  readonly #tracked = new Map<string, Tracked>();
  readonly #events: Listeners<LiveEvents>;
  /** Rooms whose preview is due, drawn one at a time. */
  readonly #renderQueue: string[] = [];
  readonly #tickMs: number;
  readonly #entryTtlMs: number;
  #timer: NodeJS.Timeout | undefined;
  /** Whether someone on this node is subscribed to `live:update` (the transport knows). */
  #watched: () => boolean = () => false;
  /** Ticks in a row that skipped previews because the node was busy. */
  #busySkips = 0;
  #ticking: Promise<void> | null = null;
  /** The tick asked for while one ran. */
  #nextTick: Promise<void> | null = null;
  /**
   * Rooms loaded since the listing was last read, and that read (at the end
   * of the turn): a join storm loads hundreds of rooms a turn, and one query
   * for all of them costs less than one each.
   */
  #unread: Tracked[] = [];
  #reading: Promise<void> | null = null;
  #rendering: Promise<void> | null = null;
  #closed = false;

  constructor(deps: LiveRoomsDeps) {
    this.#events = new Listeners(deps.logger, 'live rooms');
    this.#deps = deps;
    this.#tickMs = Math.min(1000, deps.previewMs);
    // Long enough that a node refreshing every few ticks never lapses; short enough that a dead node's rooms go soon.
    this.#entryTtlMs = Math.max(10_000, deps.previewMs * 3);
  }

  /** What subscribers hear: a room's item changed, or it left the board. */
  get events(): Subscribable<LiveEvents> {
    return this.#events;
  }

  /** How to tell that "Live now" is open on this node; each tick then keeps previews wanted on every node. */
  watchedBy(watched: () => boolean): void {
    this.#watched = watched;
  }

  start(): void {
    const { registry, bus } = this.#deps;
    registry.events.add({
      roomLoaded: (room) => this.#track(room),
      roomUnloaded: (room) => void this.#untrack(room.id),
      docApplied: (room) => {
        const tracked = this.#tracked.get(room.id);
        if (tracked) tracked.updatedAt = Date.now();
      },
    });
    bus.subscribe((command) => this.#command(command));
    this.#timer = setInterval(() => void this.tick(), this.#tickMs);
    this.#timer.unref();
  }

  /**
   * Puts what changed on the board and tells subscribers; resolves when a
   * tick that started after the call is done (tests call it directly). Asked
   * during a tick (a room listed meanwhile), it runs once that one ends: one
   * more, however many ask, since a tick's rooms are read as it starts.
   */
  tick(): Promise<void> {
    if (this.#ticking) {
      this.#nextTick ??= this.#ticking.then(() => {
        this.#nextTick = null;
        return this.tick();
      });
      return this.#nextTick;
    }
    this.#ticking = this.#tick()
      .catch((err: unknown) => this.#deps.logger.error({ err }, 'live tick failed'))
      .finally(() => {
        this.#ticking = null;
      });
    return this.#ticking;
  }

  /** Resolves once the ticks asked for and the previews being drawn are done. */
  async idle(): Promise<void> {
    await (this.#nextTick ?? this.#ticking);
    while (this.#rendering) await this.#rendering;
  }

  /** The room left the list (unlisted, closed, deleted): off the board everywhere, subscribers told. */
  async ended(roomId: string): Promise<void> {
    const tracked = this.#tracked.get(roomId);
    if (tracked) tracked.listed = false;
    const preview = await this.#deps.board.preview(roomId);
    await this.#deps.board.remove(roomId);
    this.#events.emit('ended', roomId);
    await this.#discard(roomId, preview?.url, preview?.previous);
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    await this.#reading;
    await this.idle();
    await Promise.allSettled(
      [...this.#tracked.keys()].map(async (id) => {
        await this.#deps.board.remove(id, this.#deps.nodeId);
        await this.#dropIfGone(id);
      }),
    );
  }

  #track(room: Room): void {
    const tracked: Tracked = {
      room,
      info: null,
      listed: false,
      updatedAt: Date.now(),
      signature: '',
      putAt: 0,
      renderedAt: 0,
      renderedKey: null,
    };
    this.#tracked.set(room.id, tracked);
    this.#unread.push(tracked);
    this.#reading ??= new Promise((resolve) => setImmediate(resolve)).then(() => this.#readListed());
  }

  /** Whether the rooms loaded since the last read are listed: one query for all of them. */
  async #readListed(): Promise<void> {
    const batch = this.#unread;
    this.#unread = [];
    this.#reading = null;
    try {
      const listed = await this.#deps.store.listedAmong(batch.map((t) => t.room.id));
      // Only ever to true: a listing command may have said so meanwhile, and an unlisting is in the store already.
      for (const tracked of batch) if (listed.has(tracked.room.id)) tracked.listed = true;
    } catch (err) {
      this.#deps.logger.warn({ err, rooms: batch.length }, 'could not read whether rooms are listed; the next sweep will');
    }
  }

  async #untrack(roomId: string): Promise<void> {
    const tracked = this.#tracked.get(roomId);
    this.#tracked.delete(roomId);
    if (!tracked?.listed) return;
    try {
      await this.#deps.board.remove(roomId, this.#deps.nodeId);
      await this.#dropIfGone(roomId);
      await this.#announce(new Set([roomId]));
    } catch (err) {
      this.#deps.logger.warn({ err, roomId }, 'could not take an unloaded room off the live board');
    }
  }

  #command(command: LiveCommand): void {
    if (command.type !== 'listed') return;
    const tracked = this.#tracked.get(command.roomId);
    if (!tracked) return;
    tracked.listed = true;
    tracked.signature = '';
    void this.tick();
  }

  async #tick(): Promise<void> {
    await this.#reading;
    if (this.#closed) return;
    const { board, store, nodeId } = this.#deps;
    const now = Date.now();
    const listed = [...this.#tracked.values()].filter((t) => t.listed);
    if (listed.length === 0) return;
    // The sweep: a listing lost in transit, or a room deleted with its owner, stops here.
    const still = await store.listedAmong(listed.map((t) => t.room.id));
    const changed = new Set<string>();
    for (const [i, tracked] of listed.entries()) {
      // A room a turn: a tick over every listed room, each announced to every
      // subscriber, kept the messages read meanwhile (makers' keystrokes)
      // waiting for all of it, once a second (docs/benchmarks.md, "Live rooms").
      if (i > 0) await nextTurn();
      // Ended meanwhile (ended()): off the board already, not to be put back.
      if (!tracked.listed) continue;
      const roomId = tracked.room.id;
      if (!still.has(roomId)) {
        tracked.listed = false;
        await board.remove(roomId, nodeId);
        await this.#dropIfGone(roomId);
        changed.add(roomId);
        // Its spectators may have lost their only reason to be there (a deleted room, all of them).
        await this.#deps.bus.publish({ type: 'recheck', roomId });
        continue;
      }
      const entry = await this.#entryOf(tracked, now);
      if (!entry) continue;
      const signature = JSON.stringify([entry.participants.map((u) => u.id), entry.viewerIds, entry.updatedAt, entry.room.title]);
      if (signature !== tracked.signature || now - tracked.putAt > this.#entryTtlMs / 3) {
        await board.put(entry);
        if (signature !== tracked.signature) changed.add(roomId);
        tracked.signature = signature;
        tracked.putAt = now;
      }
    }
    await this.#schedulePreviews(listed, now);
    await this.#announce(changed);
  }

  async #entryOf(tracked: Tracked, now: number): Promise<LiveEntry | null> {
    const { room } = tracked;
    if (tracked.info === null || now - tracked.putAt > this.#entryTtlMs / 3) {
      tracked.info = await this.#deps.directory.get(room.id).catch(() => null);
    }
    if (!tracked.info) return null;
    const makers = new Map<string, PublicUser>();
    const viewers = new Set<string>();
    for (const participant of room.participants.values()) {
      if (canEdit(participant.role)) makers.set(participant.user.id, participant.user);
      else viewers.add(participant.user.id);
    }
    return {
      roomId: room.id,
      nodeId: this.#deps.nodeId,
      room: tracked.info,
      participants: [...makers.values()],
      spectators: room.spectators,
      viewerIds: [...viewers],
      updatedAt: tracked.updatedAt,
      expiresAt: now + this.#entryTtlMs,
    };
  }

  async #schedulePreviews(listed: readonly Tracked[], now: number): Promise<void> {
    const { board, busy, previewMs } = this.#deps;
    // Busy: skip, but not for ever, or a loaded node would show stale tiles without end.
    if (busy() && ++this.#busySkips <= MAX_BUSY_SKIPS) return;
    this.#busySkips = 0;
    if (this.#watched()) await board.markDemand(now + previewMs * 2);
    const demanded = await board.demanded(now);
    for (const tracked of listed) {
      if (!tracked.listed || now - tracked.renderedAt < previewMs) continue;
      if (!demanded && tracked.room.spectators === 0) continue;
      if (!this.#renderQueue.includes(tracked.room.id)) this.#renderQueue.push(tracked.room.id);
    }
    this.#rendering ??= this.#drainRenders().finally(() => {
      this.#rendering = null;
    });
  }

  async #drainRenders(): Promise<void> {
    const { board, previews, nodeId, previewMs, logger } = this.#deps;
    for (let roomId = this.#renderQueue.shift(); roomId !== undefined; roomId = this.#renderQueue.shift()) {
      const tracked = this.#tracked.get(roomId);
      if (!tracked?.listed || this.#closed) continue;
      try {
        const scene = previews.sceneOf(tracked.room);
        tracked.renderedAt = Date.now();
        if (scene.key === tracked.renderedKey) continue;
        // Another node may hold the room too: one of them draws it each period.
        const last = await board.preview(roomId);
        if (last?.key === scene.key) {
          tracked.renderedKey = scene.key;
          continue;
        }
        if (!(await board.claimRender(roomId, nodeId, previewMs))) continue;
        const url = await previews.render(roomId, scene);
        tracked.renderedKey = scene.key;
        // Unlisted, unloaded or closing while it was drawn: its previews are already dropped.
        if (!tracked.listed || this.#closed || this.#tracked.get(roomId) !== tracked) {
          await this.#discard(roomId, url);
          continue;
        }
        const replaced = last !== null && last.url !== url;
        const previous = replaced ? last.url : last?.previous;
        await board.setPreview(roomId, { url, key: scene.key, renderedAt: Date.now(), ...(previous ? { previous } : {}) });
        // Two back: a client that read the board before the last change has had a whole period to fetch it.
        const stale = replaced ? last.previous : undefined;
        if (stale !== url && stale !== last?.url) await this.#discard(roomId, stale);
        await this.#announce(new Set([roomId]));
      } catch (err) {
        // Superseded: the newer request is drawn instead, and this room's next tick sees it.
        if (err instanceof PreviewSuperseded) continue;
        logger.warn({ err, roomId }, 'live preview failed');
      }
    }
  }

  /** No node holds the room any more: its preview files go with its board record. */
  async #dropIfGone(roomId: string): Promise<void> {
    const { board } = this.#deps;
    if ((await board.entries(Date.now())).some((entry) => entry.roomId === roomId)) return;
    const preview = await board.preview(roomId);
    if (!preview) return;
    await board.remove(roomId);
    await this.#discard(roomId, preview.url, preview.previous);
  }

  /** Deletes preview files; a failure is logged, never thrown (an orphan file costs disk, not service). */
  async #discard(roomId: string, ...urls: (string | undefined)[]): Promise<void> {
    for (const url of urls) {
      if (!url) continue;
      await this.#deps.previews.discard(url).catch((err: unknown) => {
        this.#deps.logger.warn({ err, roomId, url }, 'could not delete a live preview');
      });
    }
  }

  /** Sends subscribers the merged item of each room given, or `live:ended` for one that is gone. */
  async #announce(roomIds: ReadonlySet<string>): Promise<void> {
    if (roomIds.size === 0 || this.#events.size === 0) return;
    const { board } = this.#deps;
    const entries = (await board.entries(Date.now())).filter((entry) => roomIds.has(entry.roomId));
    const items = mergeEntries(entries, await board.previews([...roomIds]));
    let first = true;
    for (const roomId of roomIds) {
      // A room a turn, as in the tick: each goes to every subscriber.
      if (!first) await nextTurn();
      first = false;
      const item = items.find((i) => i.room.id === roomId);
      // Ended meanwhile (ended() told subscribers): its item is older than that.
      if (item && this.#tracked.get(roomId)?.listed === false) continue;
      // A room that changed and has no item left (nobody in it on any node, or unlisted) has ended.
      if (item) this.#events.emit('update', item);
      else this.#events.emit('ended', roomId);
    }
  }
}
