// The Yjs WebSocket at /yjs/:roomId: y-websocket's protocol exactly (sync,
// awareness, query-awareness), for any standard Yjs client, on the same rooms,
// roles and limits as Socket.IO. Errors close the one connection with a named
// code (shared/protocol.ts CLOSE_CODES); viewers' writes get y-protocols'
// permission-denied message instead. With `?events=1` the socket also carries
// Atelier's events (ws-events.ts); without, nothing of them is sent or kept.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import * as decoding from 'lib0/decoding';
import type { Logger } from 'pino';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import { canEdit, YWS_MESSAGE } from '../../../shared/protocol.ts';
import { readCookieToken } from '../../auth/cookie.ts';
import type { Limits } from '../../config.ts';
import { AppError, toWireError } from '../../errors.ts';
import { randomId } from '../../ids.ts';
import type { Metrics } from '../../metrics.ts';
import type { OutgoingAwareness } from '../../rooms/room-presence.ts';
import type { Room, RoomEvents } from '../../rooms/room.ts';
import type { OutgoingUpdate } from '../../rooms/outgoing.ts';
import { inShare, type SpectatorEvents, type SpectatorUpdate } from '../../rooms/spectator-feed.ts';
import type { Connection } from '../../rooms/sessions/connection.ts';
import type { Connections } from '../../rooms/sessions/connections.ts';
import { guarded } from '../guard.ts';
import type { OriginCheck } from '../origin-check.ts';
import { EventSocket } from './event-socket.ts';
import { Heartbeat } from './heartbeat.ts';
import type { WsEvents } from './ws-events.ts';
import { headerBytes } from './ws-frame.ts';
import { YjsSocket, yjsFrame } from './yjs-socket.ts';

export const YJS_PATH_PREFIX = '/yjs/';
const TRANSPORT = 'websocket';
/** Messages held while a new connection is still being authenticated; more are dropped, and healed once joined. */
export const MAX_QUEUED_BEFORE_JOIN = 64;

export interface YjsWebSocketDeps {
  connections: Connections;
  limits: Limits;
  logger: Logger;
  metrics: Metrics;
  /** Refuses cross-site handshakes (origin-check.ts). */
  originAllowed: OriginCheck;
  /** Atelier's events for the sockets that opt in (`?events=1`). */
  events?: WsEvents;
  /** Each socket is pinged this often and dropped when it has not answered the previous ping. */
  pingIntervalMs: number;
}

type Socket = YjsSocket;

export class YjsWebSocketServer implements RoomEvents, SpectatorEvents {
  readonly #deps: YjsWebSocketDeps;
  readonly #wss: WebSocketServer;
  readonly #byRoom = new Map<string, Set<Socket>>();
  readonly #all = new Set<Socket>();
  /** Each WebSocket's state, for the listeners shared by all of them. */
  readonly #sockets = new WeakMap<WebSocket, Socket>();
  readonly #listeners: {
    message: (this: WebSocket, data: RawData, isBinary: boolean) => void;
    pong: (this: WebSocket) => void;
    error: (this: WebSocket, err: Error) => void;
    close: (this: WebSocket) => void;
  };
  readonly #heartbeat: Heartbeat<Socket>;
  readonly #sent;
  /** Every socket's cleanup, once the server or its client ended it (#closed). */
  readonly #release: (conn: Socket) => void;

  constructor(deps: YjsWebSocketDeps) {
    this.#deps = deps;
    this.#sent = {
      sync: deps.metrics.messagesOut.tally({ transport: TRANSPORT, type: 'sync' }),
      awareness: deps.metrics.messagesOut.tally({ transport: TRANSPORT, type: 'awareness' }),
      bytes: deps.metrics.bytesOut.tally({ transport: TRANSPORT }),
    };
    this.#wss = new WebSocketServer({
      noServer: true,
      maxPayload: deps.limits.maxMessageBytes + 16,
      perMessageDeflate: false,
    });
    this.#heartbeat = new Heartbeat(deps.pingIntervalMs);
    // One set of listeners for every WebSocket (`this` is the WebSocket), not closures per connection.
    const sockets = this.#sockets;
    const { logger } = deps;
    const received = guarded(logger, 'yjs message', (conn: Socket, data: RawData, isBinary: boolean) =>
      this.#received(conn, data, isBinary),
    );
    const closed = guarded(logger, 'yjs close', (conn: Socket) => this.#closed(conn));
    this.#release = closed;
    this.#listeners = {
      message(data, isBinary) {
        const conn = sockets.get(this);
        if (conn) received(conn, data, isBinary);
      },
      pong() {
        const conn = sockets.get(this);
        if (conn) conn.alive = true;
      },
      error(err) {
        logger.debug({ err, conn: sockets.get(this)?.id }, 'websocket error');
      },
      close() {
        const conn = sockets.get(this);
        if (conn) closed(conn);
      },
    };
  }

  /** Takes an HTTP upgrade if its path is ours; false leaves it to others. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    // URL.parse, not new URL: a request line such as `GET //` must not throw here.
    const url = URL.parse(req.url ?? '/', 'http://localhost');
    if (!url?.pathname.startsWith(YJS_PATH_PREFIX)) return false;
    if (!this.#deps.originAllowed(req)) {
      this.#deps.metrics.errors.inc({ code: 'forbidden' });
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return true;
    }
    // Held until the turn ends: a join that completes within it (the usual
    // case: sessions are cached, SQLite reads are synchronous) sends the 101
    // response and the greeting in one write instead of two (docs/benchmarks.md,
    // "Join storm"); a slower one still gets its 101 at once.
    socket.cork();
    setImmediate(uncork, socket);
    this.#wss.handleUpgrade(
      req,
      socket,
      head,
      guarded(this.#deps.logger, 'yjs upgrade', (ws: WebSocket) => this.#accept(ws, url, req)),
    );
    return true;
  }

  docUpdate(room: Room, outgoing: OutgoingUpdate): void {
    const peers = this.#byRoom.get(room.id);
    if (!peers) return;
    const all = yjsFrame(YWS_MESSAGE.sync, outgoing.message, false);
    const { senders } = outgoing;
    // Makers only: spectators get the room's changes merged, later (spectator-feed.ts).
    if (senders.size === 0) {
      this.#send(peers, (peer) => (isMaker(peer) ? all : null), 'sync');
      return;
    }
    // Everyone else first: a sender's rest may cost a merge (outgoing.ts).
    const mine: Socket[] = [];
    this.#send(
      peers,
      (peer) => {
        if (!isMaker(peer)) return null;
        if (!senders.has(peer.id)) return all;
        mine.push(peer);
        return null;
      },
      'sync',
    );
    if (mine.length > 0) this.#send(mine, (peer) => restFrame(outgoing.restFor(peer.id)), 'sync');
  }

  spectatorUpdate(room: Room, outgoing: SpectatorUpdate): void {
    const peers = this.#byRoom.get(room.id);
    if (!peers) return;
    const { alsoTo, message, presence, share } = outgoing;
    const to = (peer: Socket) => (alsoTo.has(peer.id) ? share.index === 0 : !isMaker(peer) && inShare(peer.id, share));
    const sync = message && yjsFrame(YWS_MESSAGE.sync, message, false);
    const awareness = presence && yjsFrame(YWS_MESSAGE.awareness, presence, true);
    if (!sync || !awareness) {
      const all = sync ?? awareness;
      if (all) this.#send(peers, (peer) => (to(peer) ? all : null), sync ? 'sync' : 'awareness');
      return;
    }
    // Both frames in one write per spectator: half the system calls of a hold with typing and cursors.
    const frames = [sync, awareness];
    const joined = Buffer.concat(frames);
    let sent = 0;
    peers.forEach((peer: Socket) => {
      if (to(peer) && peer.sendFrames(frames, joined)) sent++;
    });
    this.#sent.sync.inc(sent);
    this.#sent.awareness.inc(sent);
    this.#sent.bytes.inc(sent * (sync.byteLength - headerBytes(sync) + awareness.byteLength - headerBytes(awareness)));
  }

  awarenessUpdate(room: Room, outgoing: OutgoingAwareness): void {
    const peers = this.#byRoom.get(room.id);
    if (!peers) return;
    const all = yjsFrame(YWS_MESSAGE.awareness, outgoing.message, true);
    const { senders } = outgoing;
    // Makers only, as for the document (spectator-feed.ts).
    this.#send(
      peers,
      (peer) => (!isMaker(peer) ? null : senders.has(peer.id) ? awarenessFrame(senders.get(peer.id) ?? null) : all),
      'awareness',
    );
  }

  async close(): Promise<void> {
    this.#heartbeat.close();
    for (const conn of this.#all) conn.ws.close(1001, 'server shutting down');
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }

  async #accept(ws: WebSocket, url: URL, req: IncomingMessage): Promise<void> {
    const { logger } = this.#deps;
    const id = `ws:${randomId()}`;
    const { events } = this.#deps;
    const release = this.#release;
    const conn = events && url.searchParams.get('events') === '1' ? events.socket(id, ws, release) : new YjsSocket(id, ws, logger, release);
    const connection = this.#deps.connections.open({ id: conn.id, transport: TRANSPORT, identity: null, sink: conn });
    conn.connection = connection;
    this.#sockets.set(ws, conn);
    this.#all.add(conn);
    this.#heartbeat.add(conn);
    const listeners = this.#listeners;
    ws.on('message', listeners.message);
    ws.on('pong', listeners.pong);
    ws.on('error', listeners.error);
    ws.on('close', listeners.close);

    try {
      const token = url.searchParams.get('token') ?? readCookieToken(req.headers.cookie);
      const identity = await this.#deps.connections.authenticate(token);
      if (!identity) throw new AppError('unauthorized', 'a valid session token is required (?token=)');
      connection.signIn(identity);
      const roomId = safeDecode(url.pathname.slice(YJS_PATH_PREFIX.length));
      // `?watch=1`: a listed room, to watch (docs/live.md).
      const watch = url.searchParams.get('watch') === '1';
      const session = await connection.join(roomId, { invite: url.searchParams.get('invite') ?? undefined, watch });
      if (conn instanceof EventSocket && !(await events?.admitted(conn, session))) return;
      // Ended meanwhile (revoked as it joined): its Connection has left the room again.
      if (!this.#all.has(conn)) return;
      conn.room = session.room;
      conn.participant = session.participant;
      let peers = this.#byRoom.get(session.roomId);
      if (!peers) {
        peers = new Set();
        this.#byRoom.set(session.roomId, peers);
      }
      peers.add(conn);
      session.greet();
      const queued = conn.queue ?? [];
      conn.queue = null;
      for (const message of queued) this.#process(conn, connection, message);
      // The greeting's step 1 already asks for everything; this one follows what was queued (self-healing sync).
      if (conn.missed) session.heal();
    } catch (err) {
      // A refused join always closes (a forbidden write only gets a notice).
      if (!(err instanceof AppError)) logger.error({ err, conn: conn.id }, 'websocket join failed');
      const error = toWireError(err);
      this.#deps.metrics.errors.inc({ code: error.code });
      conn.close(error);
    }
  }

  #received(conn: Socket, data: RawData, isBinary: boolean): void {
    const { connection } = conn;
    if (!isBinary) {
      connection.refuse('', new AppError('bad_request', 'binary frames only'));
      return;
    }
    if (!connection.allow()) {
      if (conn instanceof EventSocket) this.#deps.events?.overRate(conn, toBytes(data));
      return;
    }
    const message = toBytes(data);
    if (conn.queue) {
      if (conn.queue.length >= MAX_QUEUED_BEFORE_JOIN) {
        // Dropped as if over the rate: an event asking for an answer gets one.
        if (conn instanceof EventSocket) this.#deps.events?.overRate(conn, message);
        connection.refuse('', new AppError('rate_limited', 'too many messages before the join completed'));
        return;
      }
      conn.queue.push(message);
      return;
    }
    this.#process(conn, connection, message);
  }

  /** y-websocket framing: the message type, then its payload, for the room's session. */
  #process(conn: Socket, connection: Connection, message: Uint8Array): void {
    const { room } = conn;
    if (!room || conn.ws.readyState !== WebSocket.OPEN) return;
    if (!connection.fits(room.id, message.byteLength)) return;
    try {
      const decoder = decoding.createDecoder(message);
      let type: number;
      try {
        type = decoding.readVarUint(decoder);
      } catch (err) {
        throw new AppError('bad_request', 'malformed message', { cause: err });
      }
      switch (type) {
        case YWS_MESSAGE.sync:
          connection.receive(room.id, 'sync', message.subarray(decoder.pos));
          return;
        case YWS_MESSAGE.awareness: {
          let update: Uint8Array;
          try {
            update = decoding.readVarUint8Array(decoder);
          } catch (err) {
            throw new AppError('bad_request', 'malformed awareness message', { cause: err });
          }
          connection.receive(room.id, 'awareness', update);
          return;
        }
        case YWS_MESSAGE.queryAwareness:
          connection.receive(room.id, 'query-awareness', new Uint8Array(0));
          return;
        case YWS_MESSAGE.auth:
          throw new AppError('bad_request', 'auth messages are sent by the server only');
        case YWS_MESSAGE.event:
          if (!(conn instanceof EventSocket) || !this.#deps.events) throw new AppError('bad_request', `unknown message type ${type}`);
          this.#deps.events.receive(conn, message, decoder.pos);
          return;
        default:
          throw new AppError('bad_request', `unknown message type ${type}`);
      }
    } catch (err) {
      connection.refuse(room.id, err);
    }
  }

  #closed(conn: Socket): void {
    if (!this.#all.delete(conn)) return;
    this.#heartbeat.delete(conn);
    conn.queue = null;
    const room = conn.room;
    conn.room = null;
    conn.participant = null;
    if (room) {
      const peers = this.#byRoom.get(room.id);
      peers?.delete(conn);
      if (peers?.size === 0) this.#byRoom.delete(room.id);
    }
    if (conn instanceof EventSocket) conn.closed();
    conn.connection.close();
  }

  /**
   * Sends each of `peers` the frame `dataFor` gives it (null: nothing). By
   * forEach: a for…of over the room's Set made an iterator result per
   * recipient, ~5 % of what the server allocated in the hot room.
   */
  #send(peers: ReadonlySet<Socket> | readonly Socket[], dataFor: (peer: Socket) => Buffer | null, type: 'sync' | 'awareness'): void {
    let sent = 0;
    let bytes = 0;
    peers.forEach((conn: Socket) => {
      const data = dataFor(conn);
      if (data && conn.sendFrame(data)) {
        sent++;
        bytes += data.byteLength - headerBytes(data);
      }
    });
    this.#sent[type].inc(sent);
    this.#sent.bytes.inc(bytes);
  }
}

/** Owner or editor; a socket not yet in its room gets nothing anyway. */
function isMaker(peer: Socket): boolean {
  return peer.participant === null || canEdit(peer.participant.role);
}

/** A sender's share of a merged turn: the others' part, or nothing. */
function restFrame(rest: Uint8Array | null): Buffer | null {
  return rest ? yjsFrame(YWS_MESSAGE.sync, rest, false) : null;
}

/** A sender's share of a turn's presence: the others' states, or nothing. */
function awarenessFrame(rest: Uint8Array | null): Buffer | null {
  return rest ? yjsFrame(YWS_MESSAGE.awareness, rest, true) : null;
}

function uncork(socket: Duplex): void {
  socket.uncork();
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return data;
}

function safeDecode(component: string): string {
  try {
    return decodeURIComponent(component);
  } catch {
    return component;
  }
}
