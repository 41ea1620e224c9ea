// The Socket.IO transport: translates events into calls on rooms, checking
// every argument where it enters, and fans room changes out to sockets. Its
// own events are the room's membership and document (`room:join`,
// `room:leave`, `yjs:*`); every other event is the registry's
// (events/event-registry.ts), served alike on the Yjs WebSocket.
import type { Server as HttpServer } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from 'pino';
import { Server, type Socket } from 'socket.io';
import { z } from 'zod';
import { type ClientToServerEvents, canEdit, type Job, joinOptionsSchema, type ServerToClientEvents } from '../../../shared/protocol.ts';
import type { Limits } from '../../config.ts';
import { AppError, toWireError } from '../../errors.ts';
import type { Metrics } from '../../metrics.ts';
import type { OutgoingAwareness } from '../../rooms/room-presence.ts';
import type { Room, RoomEvents } from '../../rooms/room.ts';
import type { OutgoingUpdate } from '../../rooms/outgoing.ts';
import { inShare, type SpectatorEvents, type SpectatorUpdate } from '../../rooms/spectator-feed.ts';
import type { Connection, Identity } from '../../rooms/sessions/connection.ts';
import type { Connections } from '../../rooms/sessions/connections.ts';
import { readCookieToken } from '../../auth/cookie.ts';
import { guarded } from '../guard.ts';
import type { NoticeState } from '../notice-throttle.ts';
import type { EventRegistry } from '../events/event-registry.ts';
import { type EventSpec, type EventTools, idArg, served } from '../events/serve.ts';
import { docChannel, roomChannel, SocketContext } from './socket-context.ts';
import type { OriginCheck } from '../origin-check.ts';
import { PreEncodedEvents } from './pre-encoded.ts';
import { tcpSocketOf, WriteCoalescer } from './write-coalescer.ts';

export interface SocketData extends NoticeState {
  /** Who the handshake's token named; null for an anonymous socket. */
  identity: Identity | null;
}

/** Between nodes, through the adapter (scaled mode only). */
export interface InterServerEvents {
  /** Cancel a job if this node runs it; answers the job, or null when it is not here. */
  'gen:cancel': (roomId: string, jobId: string, ack: (job: Job | null) => void) => void;
}

export type AtelierServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type AtelierSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

export type { SocketContext };

export interface SocketIoDeps {
  connections: Connections;
  limits: Limits;
  logger: Logger;
  metrics: Metrics;
  corsOrigins: string[];
  /** Refuses cross-site handshakes (origin-check.ts). */
  originAllowed: OriginCheck;
  /** Every other client event's handler, shared with the Yjs WebSocket. */
  events: EventRegistry;
  /** Extra content of a successful join's ack (the room's jobs). */
  joinExtras?: (roomId: string) => Promise<{ jobs: Job[] }>;
}

const TRANSPORT = 'socket.io';
/** How long shutdown waits for sockets to send what is queued for them. */
const DRAIN_TIMEOUT_MS = 2000;
export { roomChannel };

const joinArgs = z.tuple([idArg, joinOptionsSchema.optional()]);
const leaveArgs = z.tuple([idArg]).rest(z.unknown());
const messageArgs = z.tuple([idArg, z.instanceof(Uint8Array)]);

/** A Yjs event to send and its message (the room's id goes first on the wire). */
type YjsSend = readonly ['yjs:sync' | 'yjs:awareness', Uint8Array];

export class SocketIoTransport implements RoomEvents, SpectatorEvents {
  readonly io: AtelierServer;
  readonly #deps: SocketIoDeps;
  /** Each socket's state, for the handlers shared by all sockets. */
  readonly #contexts = new WeakMap<AtelierSocket, SocketContext>();
  /** This transport's own events' one handler each, for all sockets; the registry has the rest. */
  readonly #handlers = new Map<string, (ctx: SocketContext, args: unknown[]) => void>();
  /** Each socket's one listener for all its events (below). */
  readonly #dispatch: (this: AtelierSocket, event: unknown, ...args: unknown[]) => void;
  /** The one `disconnect` listener of every socket. */
  readonly #disconnected: (this: AtelierSocket) => void;
  readonly #coalescer = new WriteCoalescer();
  readonly #sent;

  constructor(httpServer: HttpServer, deps: SocketIoDeps) {
    this.#deps = deps;
    this.#sent = {
      'yjs:sync': deps.metrics.messagesOut.tally({ transport: TRANSPORT, type: 'yjs:sync' }),
      'yjs:awareness': deps.metrics.messagesOut.tally({ transport: TRANSPORT, type: 'yjs:awareness' }),
      bytes: deps.metrics.bytesOut.tally({ transport: TRANSPORT }),
    };
    this.io = new Server(httpServer, {
      serveClient: false,
      // Over engine.io's own limit the connection is closed; below it, an
      // oversized Yjs message gets a typed `too_large` (see #message).
      maxHttpBufferSize: deps.limits.maxMessageBytes + 1024,
      // The Yjs WebSocket shares the HTTP server: leave other upgrades alone.
      destroyUpgrade: false,
      cors: deps.corsOrigins.length > 0 ? { origin: deps.corsOrigins, credentials: true } : undefined,
      // CORS headers only tell a browser what it may read; this refuses the handshake itself.
      allowRequest: (req, callback) => {
        const allowed = deps.originAllowed(req);
        if (!allowed) deps.metrics.errors.inc({ code: 'forbidden' });
        callback(allowed ? null : 'origin not allowed', allowed);
      },
    });
    const contexts = this.#contexts;
    const disconnect = guarded(deps.logger, 'disconnect', (socket: AtelierSocket) => {
      clearTimeout(socket.data.pendingNotice);
      contexts.get(socket)?.connection.close();
    });
    this.#disconnected = function (this: AtelierSocket) {
      disconnect(this);
    };
    // One catch-all listener per socket rather than one per event: a socket's
    // listener table holds an entry per event, ~1.3 KB for ours. As Socket.IO
    // does for its own listeners, the handler runs on the next tick and only
    // while the socket is connected.
    const handlers = this.#handlers;
    const { events } = deps;
    const run = (socket: AtelierSocket, handler: (ctx: SocketContext, args: unknown[]) => void, args: unknown[]) => {
      const ctx = socket.connected ? contexts.get(socket) : undefined;
      if (ctx) handler(ctx, args);
    };
    this.#dispatch = function (this: AtelierSocket, event: unknown, ...args: unknown[]) {
      const handler = typeof event === 'string' ? (handlers.get(event) ?? events.handler(event)) : undefined;
      if (handler) process.nextTick(run, this, handler, args);
    };
    this.#serveRooms();
    this.io.use((socket, next) => void this.#authenticate(socket).then(() => next(), next));
    this.io.on('connection', (socket) => this.#connected(socket));
  }

  get #tools(): EventTools {
    return { metrics: this.#deps.metrics, logger: this.#deps.logger };
  }

  docUpdate(room: Room, outgoing: OutgoingUpdate): void {
    const members = this.io.of('/').adapter.rooms.get(docChannel(room.id));
    // Nobody in the room on this transport (the web client's rooms are all on the Yjs WebSocket): every turn of every room asks.
    if (!members) return;
    // Makers only: spectators get the room's changes merged, later (spectator-feed.ts).
    this.#broadcast(room, [['yjs:sync', outgoing.message]], [...outgoing.senders], undefined, (id) => isMaker(room, id));
    // Those who sent part of it get the rest, if any, on their own. Only this
    // transport's: a rest is merged when first asked for (outgoing.ts), and the
    // Yjs WebSocket asks for its senders' after its fan-out.
    for (const id of outgoing.senders) {
      if (!members.has(id)) continue;
      const rest = outgoing.restFor(id);
      if (rest) this.#broadcast(room, [['yjs:sync', rest]], [], id);
    }
  }

  spectatorUpdate(room: Room, outgoing: SpectatorUpdate): void {
    const { alsoTo, message, presence, share } = outgoing;
    const to = (id: string) => (alsoTo.has(id) ? share.index === 0 : !isMaker(room, id) && inShare(id, share));
    // Both in one write to each spectator (pre-encoded.ts), as on the Yjs WebSocket.
    const sends: YjsSend[] = [];
    if (message) sends.push(['yjs:sync', message]);
    if (presence) sends.push(['yjs:awareness', presence]);
    if (sends.length > 0) this.#broadcast(room, sends, [], undefined, to);
  }

  awarenessUpdate(room: Room, outgoing: OutgoingAwareness): void {
    // Makers only, as for the document (spectator-feed.ts).
    const makers = (id: string) => isMaker(room, id);
    this.#broadcast(room, [['yjs:awareness', outgoing.message]], [...outgoing.senders.keys()], undefined, makers);
    for (const [id, rest] of outgoing.senders) if (rest) this.#broadcast(room, [['yjs:awareness', rest]], [], id, makers);
  }

  /**
   * Disconnects every socket gracefully (each first sends what is queued for
   * it, such as a last `gen:update`), then closes the server. `io.close()` on
   * its own would discard whatever is still buffered.
   */
  async close(): Promise<void> {
    this.io.disconnectSockets(true);
    const deadline = performance.now() + DRAIN_TIMEOUT_MS;
    while (this.io.engine.clientsCount > 0 && performance.now() < deadline) await delay(10);
    await new Promise<void>((resolve) => this.io.close(() => resolve()));
  }

  /** To the room's members but `except` (and those `to` refuses), or to the one member `only`: the events in order. */
  #broadcast(room: Room, sends: readonly YjsSend[], except: readonly string[], only?: string, to?: (id: string) => boolean): void {
    const channel = docChannel(room.id);
    const members = this.io.of('/').adapter.rooms.get(channel);
    if (!members) return;
    const sockets = this.io.of('/').sockets;
    // One encoding, down to the WebSocket frames, for all recipients; this
    // node's sockets only (the relay carries Yjs traffic to other nodes, with origins).
    let encoded: PreEncodedEvents | undefined;
    let recipients = 0;
    for (const id of only === undefined ? members : members.has(only) ? [only] : []) {
      const socket = except.includes(id) || (to && !to(id)) ? undefined : sockets.get(id);
      if (!socket) continue;
      encoded ??= new PreEncodedEvents(
        this.io,
        sends.map(([event, message]) => [event, room.id, message]),
      );
      this.#coalescer.hold(tcpSocketOf(socket.conn));
      encoded.sendTo(socket);
      recipients++;
    }
    if (recipients === 0) return;
    for (const [event, message] of sends) {
      this.#sent[event].inc(recipients);
      this.#sent.bytes.inc(recipients * message.byteLength);
    }
  }

  async #authenticate(socket: AtelierSocket): Promise<void> {
    const auth: unknown = socket.handshake.auth;
    const given = typeof auth === 'object' && auth !== null && 'token' in auth ? auth.token : undefined;
    let identity: Identity | null;
    try {
      identity = await this.#deps.connections.authenticate(given ?? readCookieToken(socket.handshake.headers.cookie));
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'unauthorized') throw err;
      // Socket.IO hands `data` to the client's connect_error.
      throw Object.assign(new Error('unauthorized'), { data: toWireError(err) });
    }
    socket.data = { identity, lastNotice: -Infinity, pendingNotice: undefined };
  }

  #connected(socket: AtelierSocket): void {
    const ctx = new SocketContext(socket);
    ctx.connection = this.#deps.connections.open({ id: socket.id, transport: TRANSPORT, identity: socket.data.identity, sink: ctx });
    this.#contexts.set(socket, ctx);
    socket.onAny(this.#dispatch);
    socket.on('disconnect', this.#disconnected);
    this.#deps.events.connected(ctx);
    this.#deps.logger.debug({ socket: socket.id, user: ctx.connection.user?.id }, 'socket connected');
  }

  /** Serves `event` on every socket through one handler, which gets the socket's context. */
  #listen(event: keyof ClientToServerEvents, handler: (ctx: SocketContext, args: unknown[]) => unknown): void {
    this.#handlers.set(event, guarded(this.#deps.logger, event, handler));
  }

  /** Serves one of this transport's own events (events/serve.ts: rate, arguments, handler, answer). */
  #serve<S extends z.ZodType, R extends object>(event: keyof ClientToServerEvents, spec: EventSpec<S, R, SocketContext>): void {
    this.#listen(event, served(this.#tools, event, spec));
  }

  #serveRooms(): void {
    this.#serve('room:join', {
      args: joinArgs,
      names: ['roomId', 'options'],
      usage: 'room:join takes (roomId, {invite?, watch?}, ack)',
      handle: async ([roomId, options], { socket, connection }) => {
        const session = await connection.join(roomId, options ?? {});
        // `yjs: false`: the room's events only; its document goes over the Yjs WebSocket (docs/protocol.md).
        const withDoc = options?.yjs !== false;
        await socket.join(withDoc ? [roomChannel(roomId), docChannel(roomId)] : roomChannel(roomId));
        if (!withDoc) await socket.leave(docChannel(roomId));
        const extras = (await this.#deps.joinExtras?.(roomId)) ?? { jobs: [] };
        return { role: session.participant.role, room: session.record, ...extras };
      },
      // After the answer: a client takes the room's messages once it knows it joined.
      after: (_joined, [roomId, options], { connection }) => {
        if (options?.yjs !== false) connection.session(roomId)?.greet();
      },
    });
    this.#serve('room:leave', {
      args: leaveArgs,
      names: ['roomId'],
      usage: 'room:leave takes (roomId)',
      handle: ([roomId], { socket, connection }) => {
        if (connection.session(roomId)) {
          connection.leave(roomId);
          void socket.leave(roomChannel(roomId));
          void socket.leave(docChannel(roomId));
        }
        return {};
      },
    });
    // The hot path, without an acknowledgement: straight to the connection.
    this.#listen('yjs:sync', (ctx, args) => this.#message(ctx.connection, 'sync', args));
    this.#listen('yjs:awareness', (ctx, args) => this.#message(ctx.connection, 'awareness', args));
  }

  #message(connection: Connection, kind: 'sync' | 'awareness', args: unknown[]): void {
    if (!connection.allow()) return;
    const parsed = messageArgs.safeParse(args);
    const roomId = typeof args[0] === 'string' ? args[0].slice(0, 64) : '';
    if (!parsed.success) {
      connection.refuse(roomId, new AppError('bad_request', `yjs:${kind} takes (roomId, Uint8Array)`));
      return;
    }
    const [, message] = parsed.data;
    if (connection.fits(roomId, message.byteLength)) connection.receive(roomId, kind, message);
  }
}

/** A member the room counts as a maker (owner, editor); one it no longer knows gets what makers get. */
function isMaker(room: Room, connectionId: string): boolean {
  const role = room.participants.get(connectionId)?.role;
  return role === undefined || canEdit(role);
}
