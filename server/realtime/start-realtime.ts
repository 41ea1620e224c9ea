// Both realtime transports on the node's HTTP server, and every area's
// Socket.IO events and broadcasters: one registry of connections (a revoked
// session ends on either transport), Socket.IO with generation, gallery,
// social and live events, the Yjs WebSocket, and the upgrade routing between
// them. Started by server/atelier.ts once the areas exist.
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
import type { RoomRegistry } from '../rooms/registry.ts';
import { Connections } from '../rooms/sessions/connections.ts';
import type { Scale } from '../scale/scale.ts';
import type { Social } from '../social/social.ts';
import type { GraphStore } from '../store/social.ts';
import { originCheck } from './origin-check.ts';
import { GalleryBroadcaster } from './socketio/gallery-broadcaster.ts';
import { serveGallerySocket } from './socketio/gallery-socket.ts';
import { serveGeneration } from './socketio/generation-events.ts';
import { serveLive } from './socketio/live-socket.ts';
import { SocialBroadcaster, serveSocialSocket } from './socketio/social-socket.ts';
import { SocketIoTransport } from './socketio/socketio-server.ts';
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
  /** Closes every connection (each first sends what is queued for it). */
  close(): Promise<void>;
}

export function startRealtime(deps: RealtimeDeps): Realtime {
  const { server, config, registry, generation, gallery, social, scale, metrics, logger } = deps;
  const originAllowed = originCheck({ publicUrl: config.publicUrl, corsOrigins: config.corsOrigins, trustProxy: config.trustProxy });
  // Both transports' connections, in one registry: a revoked session ends on either.
  // A stall of the event loop is the server's, not the clients': rate budgets credit it (loop-stalls.ts).
  const stalls = new LoopStalls().start();
  const connections = new Connections({
    admission: deps.admission,
    authenticator: deps.users,
    limits: config.limits,
    metrics,
    logger,
    stalls,
  });
  deps.sessions.serve(connections);
  const socketIo = new SocketIoTransport(server, {
    connections,
    limits: config.limits,
    logger,
    metrics,
    corsOrigins: config.corsOrigins,
    originAllowed,
    joinExtras: async (roomId) => ({ jobs: await generation.roomJobs(roomId) }),
  });
  serveGeneration(socketIo, { generation, metrics, logger, scaled: scale !== undefined });
  const yjsWs = new YjsWebSocketServer({ connections, limits: config.limits, logger, metrics, originAllowed });
  registry.events.add(socketIo);
  registry.events.add(yjsWs);
  registry.events.add(connections);
  if (scale) {
    // Yjs traffic goes through the relay, with origins; room events through the adapter.
    registry.events.add(scale.relay);
    socketIo.io.adapter(scale.adapter);
  }
  serveGallerySocket(socketIo, gallery);
  // Live works skip the sockets of people who block an author, as the HTTP feeds do.
  gallery.events.add(new GalleryBroadcaster(socketIo.io, deps.graph, logger));
  serveSocialSocket(socketIo, { gallery, maxSubscriptions: config.social.workSubscriptionsPerConnection });
  serveLive(socketIo, deps.live, registry);
  const socialBroadcaster = new SocialBroadcaster(socketIo.io);
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
    close: async () => {
      await Promise.all([socketIo.close(), yjsWs.close()]);
      stalls.stop();
    },
  };
}
