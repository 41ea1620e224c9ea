// Wires one Atelier server together: store → rooms → transports, HTTP and
// realtime on one port. Everything it starts, close() stops.
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import { type Accounts, startAccounts } from './accounts/accounts.ts';
import { socialProfile } from './accounts/social-profile.ts';
import { SINGLE_NODE_BUS } from './auth/session-bus.ts';
import type { Users } from './auth/users.ts';
import type { Config } from './config.ts';
import { Contributors } from './gallery/contributors.ts';
import { Gallery } from './gallery/gallery.ts';
import { Publisher } from './gallery/publisher.ts';
import { Generation } from './generation/generation.ts';
import { createProviders } from './generation/providers.ts';
import { createHttpApp } from './http/app.ts';
import { clientRoutes } from './http/client-routes.ts';
import { galleryPages } from './http/gallery-pages.ts';
import { adminRoutes } from './http/admin-routes.ts';
import { galleryRoutes } from './http/gallery-routes.ts';
import { mediaRoutes } from './http/media-routes.ts';
import { opsRoutes } from './http/ops-routes.ts';
import { providerRoutes } from './http/provider-routes.ts';
import { roomRoutes } from './http/room-routes.ts';
import { liveRoutes } from './http/live-routes.ts';
import { type Live, startLive } from './live/start-live.ts';
import { uploadRoutes } from './http/upload-routes.ts';
import { FileMediaStore, type MediaStore } from './media/media-store.ts';
import { createMetrics, type Metrics } from './metrics.ts';
import { MemoryRateLimiter } from './rate-limit.ts';
import { Compositor } from './render/compositor.ts';
import { RenderSlots } from './render/render-slots.ts';
import { commentRoutes } from './http/comment-routes.ts';
import { listen } from './http/listen.ts';
import { moderationRoutes } from './http/moderation-routes.ts';
import { notificationRoutes } from './http/notification-routes.ts';
import { peopleRoutes } from './http/people-routes.ts';
import { searchRoutes } from './http/search-routes.ts';
import { socialRoomGate } from './social/room-gate.ts';
import { Moderators } from './social/moderators.ts';
import { BlockEviction } from './social/block-eviction.ts';
import { PresenceRefresh } from './accounts/presence-refresh.ts';
import { createSocial, galleryAudience, type Social } from './social/social.ts';
import { cancelOnOtherNodes } from './realtime/socketio/remote-cancel.ts';
import { startRealtime } from './realtime/start-realtime.ts';
import type { SocketIoTransport } from './realtime/socketio/socketio-server.ts';
import type { Broadcast } from './realtime/events/broadcast.ts';
import { OutageLog } from './store/outage-log.ts';
import { RoomAdmission } from './rooms/admission.ts';
import { RoomDirectory } from './rooms/directory.ts';
import { RoomRegistry } from './rooms/registry.ts';
import { Pseudonyms } from './signals/pseudonyms.ts';
import { SignalRecorder } from './signals/recorder.ts';
import { startTimeline } from './timeline/timeline.ts';
import type { TimelineRecorder } from './timeline/timeline-recorder.ts';
import { localRoomQuota } from './generation/room-quota.ts';
import { startScale, type Scale } from './scale/scale.ts';
import { MergeWorker } from './store/merge.ts';
import { openStore } from './store/open-store.ts';
import type { Store } from './store/store.ts';

// Not `import { createServer } from 'node:http'`: an ES import of node:http
// builds the module's whole namespace, and reading its WebSocket export loads
// Node's fetch implementation (undici), about 13 MB of memory the server never
// uses. Express and ws require() it, which does not.
const { createServer } = process.getBuiltinModule('node:http');

export interface Atelier {
  readonly config: Config;
  readonly url: string;
  readonly port: number;
  readonly server: Server;
  readonly store: Store;
  readonly registry: RoomRegistry;
  readonly directory: RoomDirectory;
  readonly users: Users;
  /** Sessions, passkeys, OpenID Connect, profiles, export and deletion. */
  readonly accounts: Accounts;
  readonly metrics: Metrics;
  readonly media: MediaStore;
  readonly socketIo: SocketIoTransport;
  /** Server events to channels, on both transports and every node. */
  readonly broadcast: Broadcast;
  readonly generation: Generation;
  readonly gallery: Gallery;
  /** Credits users in rooms; the generation module calls `addContributor` for whoever starts a job. */
  readonly contributors: Contributors;
  /** Records creative signals (docs/signals.md); `idle()` waits for the ones in flight. */
  readonly signals: SignalRecorder;
  /** Records making-of keyframes (docs/live.md); `flush()` records what is being coalesced and waits. */
  readonly timeline: TimelineRecorder;
  /** Follows, comments, notifications, search, moderation (docs/social.md). */
  readonly social: Social;
  /** Scaled mode's Redis side (relay, adapter, shared limits, heartbeats); undefined without REDIS_URL. */
  readonly scale: Scale | undefined;
  /** Listed rooms, spectators, asking to edit (docs/live.md). */
  readonly live: Live;
  /** Stops accepting, closes every connection, flushes every room, closes the store. */
  close(): Promise<void>;
}

export async function startAtelier(config: Config, logger: Logger): Promise<Atelier> {
  const merger = new MergeWorker();
  // One per process: every room's retries and every pooled connection report to it.
  const storeOutage = new OutageLog(config.databaseUrl ? 'postgresql' : 'sqlite', logger.child({ module: 'store' }));
  let store: Store;
  try {
    store = await openStore(config, merger, logger, storeOutage);
  } catch (err) {
    await merger.close();
    throw err;
  }
  const metrics = createMetrics();
  let scale: Scale | undefined;
  try {
    scale = config.redisUrl ? await startScale({ config, docLog: store.docLog, metrics, logger }) : undefined;
  } catch (err) {
    await store.close();
    await merger.close();
    throw err;
  }
  const limiter = scale?.limiter ?? new MemoryRateLimiter();
  const accounts = startAccounts({ config, store, limiter, scale, logger });
  const { users } = accounts;
  const media = new FileMediaStore(config.mediaDir);

  const registry = new RoomRegistry({
    docLog: store.docLog,
    shared: scale !== undefined,
    records: store.records,
    limits: config.limits,
    saver: { compactEntries: config.logCompactEntries, compactBytes: config.logCompactBytes },
    saverEvents: {
      appended: (seconds, updates) => {
        storeOutage.succeeded();
        metrics.logAppendSeconds.observe(seconds);
        metrics.logAppendedUpdates.inc(updates);
      },
      compacted: (result, seconds) => {
        if (result.merged === 0) return;
        metrics.compactions.inc();
        metrics.compactionSeconds.observe(seconds);
      },
      failed: (operation, err, context) => {
        metrics.logFailures.inc({ operation });
        storeOutage.failed(err, { operation: `doc log ${operation}`, ...context });
      },
    },
    unloadGraceMs: config.roomUnloadGraceMs,
    logger: logger.child({ module: 'rooms' }),
  });
  registry.events.add({
    roomLoaded: () => metrics.roomsLoaded.inc(),
    roomUnloaded: () => metrics.roomsLoaded.dec(),
  });
  const gate = socialRoomGate(store.social.graph, store.social.moderation);
  const directory = new RoomDirectory(store.records, store.docLog, registry, gate, store.live);
  // Asking to edit notifies through the social layer, started further down.
  const parts = { config, store, directory, registry, gate, media, limiter, scale, logger: logger.child({ module: 'live' }) };
  const live = startLive(parts, (event) => social.notifier.notify(event));
  const admission = new RoomAdmission(directory, registry);
  const generationLogger = logger.child({ module: 'generation' });
  let providers: ReturnType<typeof createProviders> | undefined;
  try {
    providers = createProviders(config.generation, generationLogger);
    // The first check of every provider: a workflow that can never run stops start-up here.
    await providers.start();
  } catch (err) {
    await providers?.close();
    await scale?.close();
    await store.close();
    await merger.close();
    throw err;
  }
  const generation = new Generation({
    config: config.generation,
    // In scaled mode a job belongs to this process, the id other nodes check the heartbeat of.
    nodeId: scale?.processId ?? config.nodeId,
    // Nodes share rooms only through Redis: without it this node is the only one using the store.
    soleNode: scale === undefined,
    jobs: store.jobs,
    media,
    registry,
    providers,
    limiter,
    roomQuota: scale?.roomQuota ?? localRoomQuota,
    metrics,
    logger: generationLogger,
    // The transport is made further down, before any request can arrive.
    ...(scale
      ? {
          cancelElsewhere: cancelOnOtherNodes(
            () => realtime.socketIo,
            () => scale.redis.isReady,
            logger.child({ module: 'realtime' }),
          ),
        }
      : {}),
  });
  await generation.recover();
  if (scale) {
    // A dead node's jobs can never finish: whoever notices fails them, and every room hears.
    scale.liveness.watch(() => store.jobs.unfinishedNodes());
    scale.liveness.events.add({
      nodeDown: (nodeId) => generation.nodeDown(nodeId).then(() => undefined),
      lapsed: () => generation.heartbeatLapsed().then(() => undefined),
    });
  }

  const contributors = new Contributors(store.gallery, logger.child({ module: 'gallery' }), storeOutage);
  registry.events.add(contributors);
  // Whoever asks for a generation in a room is one of its authors.
  generation.events.add({ jobChanged: (job) => contributors.addContributor(job.roomId, job.requestedBy) });
  const moderators = new Moderators(config.social.moderators, accounts.handles);
  const gallery = new Gallery(
    store.gallery,
    new Publisher({
      store: store.gallery,
      records: store.records,
      media,
      compositor: new Compositor({
        maxSourcePixels: config.gallery.maxSourcePixels,
        batchBytes: config.gallery.renderBatchBytes,
      }),
      slots: new RenderSlots(config.gallery.renderConcurrency, config.gallery.renderQueueLimit),
      contributors,
      limiter,
      limits: { publishesPerMinute: config.gallery.publishesPerMinute, maxLayers: config.gallery.maxLayers },
      metrics,
    }),
    directory,
    config.gallery.feedCacheMs,
    galleryAudience(store, moderators),
    logger.child({ module: 'gallery' }),
  );
  const social = createSocial({
    store,
    gallery,
    users,
    handles: accounts.handles,
    moderators,
    // Suspension signs every session out in the store (not only refused while suspended); the user's
    // connections end on every node and transport through the session bus. A closed room lets go of
    // everyone but its owner, on every node and transport, as unlisting does (docs/social.md).
    accounts: { endSessions: (userId) => accounts.sessions.revokeAll(userId).then(() => undefined) },
    rooms: { close: (id) => live.access.closed(id) },
    limiter,
    config: config.social,
    logger: logger.child({ module: 'social' }),
  });
  accounts.profiles.contribute(socialProfile(social.people));
  // A deleted account's comments leave open work pages at once; whoever is still in one of its deleted
  // rooms (come by the link, say) is let go on every node and transport, listed or not.
  accounts.events.add({
    closed: (_userId, deleted) => {
      for (const comment of deleted.removedComments) social.comments.withdrawn(comment);
      for (const id of deleted.removedRooms) live.access.deleted(id).catch((err: unknown) => logger.warn({ err }, 'room not emptied'));
    },
  });
  accounts.sessions.profileChanges.add(new PresenceRefresh({ users, registry, logger }));
  // Someone the owner blocks leaves the owner's rooms at once, on every node.
  social.people.events.add(
    new BlockEviction({ bus: scale?.sessionBus ?? SINGLE_NODE_BUS, registry, directory, logger: logger.child({ module: 'social' }) }),
  );

  const signals = new SignalRecorder({
    store: store.signals,
    jobs: store.jobs,
    gallery: store.gallery,
    metrics,
    logger: logger.child({ module: 'signals' }),
  });
  if (config.signals.record) {
    registry.events.add(signals);
    generation.events.add(signals);
    gallery.events.add(signals);
  }

  const timeline = startTimeline({ registry, gallery, store, users, config, logger });
  const minute = 60_000;
  const app = createHttpApp({
    sessions: accounts.sessions,
    limiter,
    limits: config.limits,
    logger: logger.child({ module: 'http' }),
    metrics,
    corsOrigins: config.corsOrigins,
    trustProxy: config.trustProxy,
    uploadRouters: [uploadRoutes(directory, media, limiter, config.limits), ...accounts.uploadRouters({ media })],
    routers: [
      opsRoutes(store, registry, metrics, {
        nodeId: config.nodeId,
        providers: () => providers.health(),
        redisReady: scale ? () => scale.redis.isReady : undefined,
        degradedStatus: config.healthDegradedStatus,
        storeOutage,
      }),
      providerRoutes(providers),
      ...accounts.routers({ gallery }),
      roomRoutes(directory, live.access, limiter, { limit: config.limits.roomsPerMinute, windowMs: minute }),
      liveRoutes(live.page),
      mediaRoutes(media),
      galleryRoutes(gallery, limiter, {
        maxAgeSeconds: config.gallery.maxAgeSeconds,
        roomLimit: { limit: config.limits.roomsPerMinute, windowMs: minute },
      }),
      galleryPages(gallery, { publicUrl: config.publicUrl, maxAgeSeconds: config.gallery.maxAgeSeconds }),
      adminRoutes({
        adminToken: config.adminToken,
        signals: store.signals,
        pseudonyms: new Pseudonyms(config.signals.pseudonymKey),
        metrics,
        logger: logger.child({ module: 'admin' }),
      }),
      peopleRoutes(social.people),
      commentRoutes(social.comments),
      notificationRoutes(social.notifications),
      moderationRoutes(social.moderation),
      searchRoutes(social.search, gallery),
      timeline.router,
      clientRoutes(),
    ],
  });
  const server = createServer(app);

  const realtime = startRealtime({
    server,
    config,
    admission,
    users,
    sessions: accounts.sessions,
    registry,
    generation,
    gallery,
    graph: store.social.graph,
    social,
    live,
    scale,
    metrics,
    logger: logger.child({ module: 'realtime' }),
  });
  const { socketIo } = realtime;

  const { port, url } = await listen(server, { port: config.port, host: config.host, backlog: config.listenBacklog });
  logger.info({ url, store: store.kind, node: config.nodeId, process: scale?.processId, redis: scale !== undefined }, 'atelier listening');

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      server.close();
      // Jobs stop first: their last results still reach the rooms, and their final state the store.
      await generation.close();
      await providers.close();
      await live.close();
      await realtime.close();
      // Rooms flush (and leave their relay channels) while Redis and the store are still there.
      await registry.close();
      await signals.idle();
      await timeline.recorder.idle();
      accounts.close();
      await social.idle();
      await scale?.close();
      await store.close();
      await merger.close();
      server.closeAllConnections();
      logger.info('atelier stopped');
    })());

  return {
    config,
    url,
    port,
    server,
    store,
    registry,
    directory,
    users,
    accounts,
    metrics,
    media,
    socketIo,
    broadcast: realtime.broadcast,
    generation,
    gallery,
    contributors,
    signals,
    timeline: timeline.recorder,
    social,
    scale,
    live,
    close,
  };
}
