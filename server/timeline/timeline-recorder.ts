// Records every loaded room's making-of keyframes (room-sampler.ts) and each
// publish, into the timeline store, in the order they happened per room. A
// frame that cannot be stored is logged and lost; the room goes on unharmed.
import type { Logger } from 'pino';
import type * as Y from 'yjs';
import type { Work } from '../../shared/protocol.ts';
import type { GalleryListener } from '../gallery/gallery.ts';
import type { Room, RoomEvents } from '../rooms/room.ts';
import type { GalleryStore } from '../store/gallery.ts';
import type { NewFrame, TimelineStore } from '../store/timeline.ts';
import { FrameBatch } from './frame-batch.ts';
import { RoomSampler, type SampledFrame, type SamplerSettings } from './room-sampler.ts';

export interface TimelineRecorderDeps {
  store: TimelineStore;
  gallery: Pick<GalleryStore, 'getWorkSource'>;
  settings: SamplerSettings & { maxFrames: number };
  logger: Logger;
}

export class TimelineRecorder implements RoomEvents, GalleryListener {
  readonly #deps: TimelineRecorderDeps;
  readonly #samplers = new Map<string, RoomSampler>();
  /** Loaded rooms not changed yet, by their doc: each gets its sampler as its first transaction starts. */
  readonly #unchanged = new WeakMap<Y.Doc, string>();
  /** The last write per room: its frames are stored in the order they were taken. */
  readonly #chains = new Map<string, Promise<void>>();
  readonly #inFlight = new Set<Promise<void>>();
  /** Sampled frames waiting to be stored together (frame-batch.ts). */
  #batch: FrameBatch | null = null;

  constructor(deps: TimelineRecorderDeps) {
    this.#deps = deps;
  }

  /**
   * Every change goes through a transaction, so until the first one starts
   * the room is as it loaded, and a sampler made then starts from the same
   * state. Most rooms a join storm loads never change: a listener each,
   * instead of a sampler's reads, sets and listeners (docs/benchmarks.md,
   * "Join storm").
   */
  roomLoaded(room: Pick<Room, 'id' | 'doc'>): void {
    this.#samplers.get(room.id)?.dispose();
    this.#samplers.delete(room.id);
    this.#unchanged.set(room.doc, room.id);
    room.doc.on('beforeTransaction', this.#firstTransaction);
  }

  #firstTransaction = (_transaction: Y.Transaction, doc: Y.Doc): void => {
    doc.off('beforeTransaction', this.#firstTransaction);
    const roomId = this.#unchanged.get(doc);
    if (roomId === undefined) return;
    this.#unchanged.delete(doc);
    this.#samplers.set(
      roomId,
      new RoomSampler(doc, this.#deps.settings, (frame) => this.#store(roomId, { ...frame, roomId, workId: null })),
    );
  };

  roomUnloaded(room: Pick<Room, 'id' | 'doc'>): void {
    room.doc.off('beforeTransaction', this.#firstTransaction);
    this.#unchanged.delete(room.doc);
    const sampler = this.#samplers.get(room.id);
    if (!sampler) return;
    sampler.flush();
    sampler.dispose();
    this.#samplers.delete(room.id);
  }

  /** The room as published ends its timeline; what was being typed until then is recorded first. */
  published(work: Pick<Work, 'id' | 'roomId' | 'createdAt' | 'publishedBy'>): void {
    this.#samplers.get(work.roomId)?.flush();
    this.#inOrder(work.roomId, async () => {
      const source = await this.#deps.gallery.getWorkSource(work.id);
      // Deleted before we got to it: its author took it back.
      if (!source) return;
      await this.#append({
        roomId: work.roomId,
        at: work.createdAt,
        event: 'publish',
        actorId: work.publishedBy,
        prompt: source.prompt,
        layers: source.layers,
        images: [],
        workId: work.id,
      });
    });
  }

  /** Records what every room is coalescing, and resolves once every frame so far is stored. */
  async flush(): Promise<void> {
    for (const sampler of this.#samplers.values()) sampler.flush();
    await this.idle();
  }

  /** Resolves once every frame taken so far is stored (or has failed and been logged). */
  async idle(): Promise<void> {
    while (this.#inFlight.size > 0) {
      this.#batch?.write();
      await Promise.all(this.#inFlight);
    }
  }

  /**
   * A sampled frame joins the open batch when nothing of its room's waits
   * before it but that batch; otherwise (a publish still reading its work) it
   * waits its turn and is stored alone, so a room's frames stay in order.
   */
  #store(roomId: string, frame: SampledFrame & { roomId: string; workId: null }): void {
    const tail = this.#chains.get(roomId);
    const open = this.#batch;
    if (open && tail !== undefined && open.tails.get(roomId) === tail) {
      open.frames.push(frame);
      return;
    }
    if (tail !== undefined) {
      this.#inOrder(roomId, () => this.#append(frame));
      return;
    }
    const batch = open ?? this.#openBatch();
    batch.frames.push(frame);
    batch.tails.set(
      roomId,
      this.#inOrder(roomId, () => batch.written),
    );
  }

  #openBatch(): FrameBatch {
    const { store, settings } = this.#deps;
    const batch = new FrameBatch(
      (frames) => store.appendMany(frames, settings.maxFrames),
      (closed) => {
        if (this.#batch === closed) this.#batch = null;
      },
    );
    this.#batch = batch;
    return batch;
  }

  #append(frame: NewFrame): Promise<void> {
    return this.#deps.store.append(frame, this.#deps.settings.maxFrames);
  }

  #inOrder(roomId: string, task: () => Promise<void>): Promise<void> {
    const previous = this.#chains.get(roomId) ?? Promise.resolve();
    const next = previous.then(async () => {
      try {
        await task();
      } catch (err) {
        // A warning, not an error: the making-of is a record beside the room, and a
        // store outage is already reported once by the store's own health.
        this.#deps.logger.warn({ err, roomId }, 'making-of frame not recorded');
      }
    });
    this.#chains.set(roomId, next);
    this.#inFlight.add(next);
    void next.then(() => {
      this.#inFlight.delete(next);
      if (this.#chains.get(roomId) === next) this.#chains.delete(roomId);
    });
    return next;
  }
}
