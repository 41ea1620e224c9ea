// Both realtime transports on the node's HTTP server, and every area's
// events and broadcasters: one registry of connections (a revoked session
// ends on either transport), one registry of event handlers and one broadcast
// service (events/) for generation, gallery, social and live, Socket.IO, the
// Yjs WebSocket, and the upgrade routing between them. Started by server/atelier.ts once the areas exist.
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import type { OpenConnections } from '../auth/sessions.ts';
import type { Users } from '../auth/users.ts';
import type { Config } from '../config.ts';
import type { Gallery } from '../gallery/gallery.ts';
import type { Generation } from '../generation/generation.ts';
import type { Live } from '../live/start-live.ts';
import { LoopStalls } from '../loop-stalls.ts';
import type { Metrics } from '../metrics.ts';
import type { RoomAdmission } from '../rooms/admission.ts';
import { turnEnd } from '../rooms/persistence/turn-end.ts';
import { presenceWheel } from '../rooms/presence-cadence.ts';
import type { RoomRegistry } from '../rooms/registry.ts';
import { Connections } from '../rooms/sessions/connections.ts';
import { SpectatorFeed } from '../rooms/spectator-feed.ts';
import type { Scale } from '../scale/scale.ts';
import type { Social } from '../social/social.ts';
import type { GraphStore } from '../store/social.ts';
import { originCheck } from './origin-check.ts';
import { Broadcast } from './events/broadcast.ts';
import { changesFirst } from './events/changes-first.ts';
import { EventRegistry } from './events/event-registry.ts';
import { GalleryBroadcaster } from './events/gallery-broadcaster.ts';
import { serveGalleryEvents } from './events/gallery-events.ts';
import { serveGeneration } from './events/generation-events.ts';
import { serveLive } from './events/live-events.ts';
import { SocialBroadcaster, serveSocialEvents } from './events/social-events.ts';
import { hearOtherNodes } from './socketio/adapter-events.ts';
import { deliverLocallyFirst } from './socketio/adapter-local.ts';
import { DroppedJobUpdates } from './socketio/adapter-resend.ts';
import { answerRemoteCancel } from './socketio/remote-cancel.ts';
import { SocketIoTransport } from './socketio/socketio-server.ts';
import { WsEvents } from './yjs-websocket/ws-events.ts';
import { YjsWebSocketServer } from './yjs-websocket/yjs-websocket-server.ts';

export interface RealtimeDeps {
  server: Server;
  config: Config;
  admission: RoomAdmission;
  users: Users;
  /** The sessions, told which connections are open here so revocations end them. */
  sessions: { serve(connections: OpenConnections): void };
  registry: RoomRegistry;
  generation: Generation;
  gallery: Gallery;
  graph: GraphStore;
  social: Social;
  live: Live;
  scale: Scale | undefined;
  metrics: Metrics;
  logger: Logger;
}

export interface Realtime {
  connections: Connections;
  socketIo: SocketIoTransport;
  yjsWs: YjsWebSocketServer;
  /** Server events to channels, on both transports and every node. */
  broadcast: Broadcast;
  /** Closes every connection (each first sends what is queued for it). */
  close(): Promise<void>;
}

export function startRealtime(deps: RealtimeDeps): Realtime {
  const { server, config, registry, generation, gallery, social, scale, metrics, logger } = deps;
  const originAllowed = originCheck({ publicUrl: config.publicUrl, corsOrigins: config.corsOrigins, trustProxy: config.trustProxy });
  // Both transports' connections, in one registry: a revoked session ends on either.
  // A stall of the event loop is the server's, not the clients': rate budgets credit it (loop-stalls.ts).
  const stalls = new LoopStalls().start();
  // A room's presence goes out at most once an interval (presence-cadence.ts).
  presenceWheel.delayMs = config.presenceIntervalMs;
  const connections = new Connections({
    admission: deps.admission,
    authenticator: deps.users,
    limits: config.limits,
    metrics,
    logger,
    stalls,
    // A step 2 refused for another's structs is asked for again once the relay has brought them (sessions/connection.ts).
    caughtUp: scale ? () => scale.relay.caughtUp() : undefined,
  });
  deps.sessions.serve(connections);
  const events = new EventRegistry({ metrics, logger });
  // What a join answers besides the role and room, on both transports: the room's jobs.
  const joinExtras = async (roomId: string) => ({ jobs: await generation.roomJobs(roomId) });
  const socketIo = new SocketIoTransport(server, {
    events,
    connections,
    limits: config.limits,
    logger,
    metrics,
    corsOrigins: config.corsOrigins,
    originAllowed,
    joinExtras,
  });
  // A room's changes, held ones included, go before any event to the room (events/changes-first.ts).
  const spectators = new SpectatorFeed({
    intervalMs: config.live.spectatorIntervalMs,
    writesPerTurn: config.live.spectatorWritesPerTurn,
    turn: turnEnd,
    logger,
  });
  const broadcast = new Broadcast(socketIo.io, changesFirst({ turn: turnEnd, spectators, relay: scale?.relay }));
  serveGeneration(events, broadcast, generation);
  if (scale) answerRemoteCancel(socketIo, generation, logger);
  const wsEvents = new WsEvents({
    events,
    broadcast,
    metrics,
    logger,
    joinExtras,
  });
  const yjsWs = new YjsWebSocketServer({
    connections,
    limits: config.limits,
    logger,
    metrics,
    originAllowed,
    events: wsEvents,
    pingIntervalMs: config.wsPingIntervalMs,
  });
  registry.events.add(socketIo);
  registry.events.add(yjsWs);
  registry.events.add(connections);
  // After the transports: a room's spectators hear its changes once its makers have (spectator-feed.ts).
  registry.events.add(spectators);
  spectators.events.add(socketIo);
  spectators.events.add(yjsWs);
  if (scale) {
    // Yjs traffic goes through the relay, with origins; room events through the adapter.
    registry.events.add(scale.relay);
    socketIo.io.adapter(scale.adapter);
    // Other nodes' broadcasts reach this node's Yjs WebSockets that hear events too.
    hearOtherNodes(socketIo.io, broadcast, logger);
    // And this node's own Socket.IO sockets hear its broadcasts without waiting for Redis, as its event sockets do.
    deliverLocallyFirst(socketIo.io, logger);
    // A job update dropped for the other nodes while Redis was away is sent again, as the job is now, once it is back.
    scale.outbox.events.add(new DroppedJobUpdates({ jobs: generation, broadcast, logger }));
  }
  serveGalleryEvents(events, gallery);
  // Live works skip the connections of people who block an author, as the HTTP feeds do.
  gallery.events.add(new GalleryBroadcaster(broadcast, deps.graph, logger));
  serveSocialEvents(events, { gallery, maxSubscriptions: config.social.workSubscriptionsPerConnection });
  // "Live now" leaves out rooms of people on either side of a block, live as on GET /api/live.
  serveLive(events, broadcast, deps.live, registry, deps.graph, logger);
  const socialBroadcaster = new SocialBroadcaster(broadcast);
  social.comments.events.add(socialBroadcaster);
  social.notifier.sinks.add(socialBroadcaster);
  gallery.events.add(socialBroadcaster);
  server.on('upgrade', (req, socket, head) => {
    try {
      // Socket.IO takes its own path; anything that is neither is refused.
      if (yjsWs.handleUpgrade(req, socket, head)) return;
      if (!req.url?.startsWith('/socket.io/')) socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
    } catch (err) {
      logger.error({ err }, 'upgrade failed');
      socket.destroy();
    }
  });
  return {
    connections,
    socketIo,
    yjsWs,
    broadcast,
    close: async () => {
      // This turn's fan-out goes out before the connections close.
      turnEnd.run();
      spectators.flush();
      await Promise.all([socketIo.close(), yjsWs.close()]);
      stalls.stop();
    },
  };
}
