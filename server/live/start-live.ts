// Live rooms put together (docs/live.md): the board and bus of one node, or
// Redis's when scaled; the preview renderer; who is where (LiveRooms); who may
// be there and as what (LiveAccess); and what `GET /api/live` reads.
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { MediaStore } from '../media/media-store.ts';
import type { RateLimiter } from '../rate-limit.ts';
import type { RoomDirectory, RoomGate } from '../rooms/directory.ts';
import type { RoomRegistry } from '../rooms/registry.ts';
import type { Scale } from '../scale/scale.ts';
import type { Store } from '../store/store.ts';
import { type LiveBoard, MemoryLiveBoard } from './board.ts';
import { type LiveBus, LocalLiveBus } from './bus.ts';
import { LoopBusy } from './busy.ts';
import { LastKnownBoard } from './last-known-board.ts';
import { LiveAccess, type LiveAccessDeps } from './live-access.ts';
import type { LivePageDeps } from './live-page.ts';
import { LiveRooms } from './live-rooms.ts';
import { PreviewWorker } from './preview-worker.ts';
import { PreviewRenderer } from './previews.ts';

/** Event-loop utilisation over which previews wait for a quieter tick. */
const BUSY_UTILIZATION = 0.8;

/**
 * Rooms whose preview may wait for the preview thread. LiveRooms asks for one
 * at a time, so this only bounds what other callers could pile up.
 */
const PREVIEW_QUEUE_LIMIT = 64;

export interface LiveDeps {
  config: Config;
  store: Store;
  directory: RoomDirectory;
  registry: RoomRegistry;
  gate: RoomGate;
  media: MediaStore;
  limiter: RateLimiter;
  scale: Scale | undefined;
  logger: Logger;
}

export interface Live {
  readonly rooms: LiveRooms;
  readonly access: LiveAccess;
  readonly page: LivePageDeps;
  readonly board: LiveBoard;
  /** The thread previews are drawn on. */
  readonly previewWorker: PreviewWorker;
  /** Someone looks at "Live now" (a subscriber): previews stay fresh a while. */
  demand(): void;
  close(): Promise<void>;
}

/** Redis's board, answering from this node's memory while Redis is away or paused instead of waiting for it. */
function lastKnown(scale: Scale, config: Config, logger: Logger): LastKnownBoard {
  const { redis, outbox, answers } = scale;
  return new LastKnownBoard({
    board: scale.liveBoard,
    // Not ready while paused either (scale.ts): its commands fail at the deadline, as a lost connection's do.
    reachable: () => redis.isReady,
    watch: ({ lost, resumed }) => {
      redis.on('error', lost);
      outbox.events.add({ resumed });
      answers.events.add({ paused: lost, resumed });
    },
    maxPending: config.adapterOfflineMaxCommands,
    logger,
  });
}

export function startLive(deps: LiveDeps, notify: LiveAccessDeps['notify']): Live {
  const { config, store, scale, logger } = deps;
  const previewMs = config.live.previewMs;
  const board: LiveBoard = scale ? lastKnown(scale, config, logger) : new MemoryLiveBoard();
  const bus: LiveBus = scale?.liveBus ?? new LocalLiveBus();
  const busy = new LoopBusy(BUSY_UTILIZATION);
  const previewWorker = new PreviewWorker({
    compositor: { maxSourcePixels: config.gallery.maxSourcePixels, batchBytes: config.gallery.renderBatchBytes },
    queueLimit: PREVIEW_QUEUE_LIMIT,
    logger,
  });
  const rooms = new LiveRooms({
    store: store.live,
    directory: deps.directory,
    registry: deps.registry,
    board,
    bus,
    previews: new PreviewRenderer({
      worker: previewWorker,
      media: deps.media,
      side: config.live.previewSide,
    }),
    nodeId: scale?.processId ?? config.nodeId,
    previewMs,
    busy: () => busy.check(),
    logger,
  });
  const access = new LiveAccess({
    store: store.live,
    directory: deps.directory,
    registry: deps.registry,
    board,
    bus,
    rooms,
    limiter: deps.limiter,
    isClosed: (roomId) => store.social.moderation.isHidden('room', roomId),
    notify,
    editRequestsPerMinute: config.live.editRequestsPerMinute,
    sweepMs: config.live.accessSweepMs,
    ...(scale ? { boardReachable: () => scale.redis.isReady } : {}),
    logger,
  });
  rooms.start();
  access.start();
  // Back from an outage: what the bus lost then is re-read from the store at once, not an ACCESS_SWEEP_MS later.
  scale?.liveBus.onResumed(() => void access.sweep());
  const demand = () => {
    board.markDemand(Date.now() + previewMs * 2).catch((err: unknown) => logger.warn({ err }, 'could not mark live demand'));
  };
  return {
    rooms,
    access,
    board,
    previewWorker,
    page: {
      board,
      store: store.live,
      gate: deps.gate,
      blockersAmong: (userId, owners) => store.social.graph.blockersAmong(userId, owners),
      previewMs,
    },
    demand,
    close: async () => {
      await access.close();
      await rooms.close();
      await previewWorker.close();
    },
  };
}
