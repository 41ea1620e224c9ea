// The Yjs WebSocket at /yjs/:roomId: y-websocket's protocol exactly (sync,
// awareness, query-awareness), for any standard Yjs client, on the same rooms,
// roles and limits as Socket.IO. Errors close the one connection with a named
// code (shared/protocol.ts CLOSE_CODES); viewers' writes get y-protocols'
// permission-denied message instead.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { Logger } from 'pino';
import * as authProtocol from 'y-protocols/auth';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import { CLOSE_CODES, type WireError, YWS_MESSAGE } from '../../../shared/protocol.ts';
import { readCookieToken } from '../../auth/cookie.ts';
import type { Limits } from '../../config.ts';
import { AppError, toWireError } from '../../errors.ts';
import { randomId } from '../../ids.ts';
import type { Metrics } from '../../metrics.ts';
import type { UpdateOrigin } from '../../rooms/origin.ts';
import type { Room, RoomEvents } from '../../rooms/room.ts';
import type { OutgoingUpdate } from '../../rooms/outgoing.ts';
import type { Connection } from '../../rooms/sessions/connection.ts';
import type { Connections } from '../../rooms/sessions/connections.ts';
import type { SessionSink } from '../../rooms/sessions/sink.ts';
import { guarded } from '../guard.ts';
import type { OriginCheck } from '../origin-check.ts';

export const YJS_PATH_PREFIX = '/yjs/';
const TRANSPORT = 'websocket';
/** Messages held while a new connection is still being authenticated; more are dropped, and healed once joined. */
export const MAX_QUEUED_BEFORE_JOIN = 64;
/** A client that lets this much pile up unread is dropped rather than buffered forever. */
export const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;
const PING_INTERVAL_MS = 30_000;

export interface YjsWebSocketDeps {
  connections: Connections;
  limits: Limits;
  logger: Logger;
  metrics: Metrics;
  /** Refuses cross-site handshakes (origin-check.ts). */
  originAllowed: OriginCheck;
}

/** One WebSocket: its framing state beside the transport-neutral Connection. */
interface Socket {
  id: string;
  ws: WebSocket;
  /** The room once joined; messages wait in `queue` until then. */
  room: Room | null;
  queue: Uint8Array[] | null;
  /** Something was dropped for its rate before the join completed: the room asks for it once joined. */
  missed: boolean;
  alive: boolean;
  deniedNotice: boolean;
}

export class YjsWebSocketServer implements RoomEvents {
  readonly #deps: YjsWebSocketDeps;
  readonly #wss: WebSocketServer;
  readonly #byRoom = new Map<string, Set<Socket>>();
  readonly #all = new Set<Socket>();
  readonly #ping: NodeJS.Timeout;
  readonly #sent;

  constructor(deps: YjsWebSocketDeps) {
    this.#deps = deps;
    this.#sent = {
      sync: deps.metrics.messagesOut.labels({ transport: TRANSPORT, type: 'sync' }),
      awareness: deps.metrics.messagesOut.labels({ transport: TRANSPORT, type: 'awareness' }),
      bytes: deps.metrics.bytesOut.labels({ transport: TRANSPORT }),
    };
    this.#wss = new WebSocketServer({
      noServer: true,
      maxPayload: deps.limits.maxMessageBytes + 16,
      perMessageDeflate: false,
    });
    this.#ping = setInterval(() => this.#heartbeat(), PING_INTERVAL_MS);
    this.#ping.unref();
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
    this.#wss.handleUpgrade(
      req,
      socket,
      head,
      guarded(this.#deps.logger, 'yjs upgrade', (ws: WebSocket) => this.#accept(ws, url, req)),
    );
    return true;
  }

  docUpdate(room: Room, outgoing: OutgoingUpdate): void {
    const all = frame(YWS_MESSAGE.sync, outgoing.message, false);
    this.#broadcast(room, (peer) => (outgoing.senders.has(peer.id) ? restFrame(outgoing.senders.get(peer.id) ?? null) : all), 'sync');
  }

  awarenessUpdate(room: Room, message: Uint8Array, origin: UpdateOrigin): void {
    const data = frame(YWS_MESSAGE.awareness, message, true);
    const except = origin.source === 'connection' ? origin.connectionId : undefined;
    this.#broadcast(room, (peer) => (peer.id === except ? null : data), 'awareness');
  }

  async close(): Promise<void> {
    clearInterval(this.#ping);
    for (const conn of this.#all) conn.ws.close(1001, 'server shutting down');
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }

  async #accept(ws: WebSocket, url: URL, req: IncomingMessage): Promise<void> {
    const { logger } = this.#deps;
    const conn: Socket = { id: `ws:${randomId()}`, ws, room: null, queue: [], missed: false, alive: true, deniedNotice: false };
    const sink: SessionSink = {
      sync: (_roomId, message) => void this.#send(conn, frame(YWS_MESSAGE.sync, message, false)),
      awareness: (_roomId, message) => void this.#send(conn, frame(YWS_MESSAGE.awareness, message, true)),
      refuse: (_roomId, error, healing) => {
        // Healing refusals keep the connection: the room's sync step 1 follows (connection.ts #dropped).
        if (healing) return;
        // Dropped for its rate before the join completed: no session to heal yet, so the join does (#accept).
        // Closing (4429) would lose it for good: y-websocket never reconnects after a 44xx close.
        if (conn.queue && error.code === 'rate_limited') {
          conn.missed = true;
          return;
        }
        if (error.code === 'forbidden') this.#deny(conn, error.message);
        else this.#close(conn, error);
      },
      // The connection was only for this room.
      left: (_roomId, error) => this.#close(conn, error),
      close: (error) => this.#close(conn, error),
      isOpen: () => ws.readyState === WebSocket.OPEN,
    };
    const connection = this.#deps.connections.open({ id: conn.id, transport: TRANSPORT, identity: null, sink });
    this.#all.add(conn);
    ws.on(
      'message',
      guarded(logger, 'yjs message', (data: RawData, isBinary: boolean) => this.#received(conn, connection, data, isBinary)),
    );
    ws.on('pong', () => (conn.alive = true));
    ws.on('error', (err) => logger.debug({ err, conn: conn.id }, 'websocket error'));
    ws.on(
      'close',
      guarded(logger, 'yjs close', () => this.#closed(conn, connection)),
    );

    try {
      const token = url.searchParams.get('token') ?? readCookieToken(req.headers.cookie);
      const identity = await this.#deps.connections.authenticate(token);
      if (!identity) throw new AppError('unauthorized', 'a valid session token is required (?token=)');
      connection.signIn(identity);
      const roomId = safeDecode(url.pathname.slice(YJS_PATH_PREFIX.length));
      // `?watch=1`: a listed room, to watch (docs/live.md).
      const watch = url.searchParams.get('watch') === '1';
      const session = await connection.join(roomId, { invite: url.searchParams.get('invite') ?? undefined, watch });
      conn.room = session.room;
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
      this.#close(conn, error);
    }
  }

  #received(conn: Socket, connection: Connection, data: RawData, isBinary: boolean): void {
    if (!isBinary) {
      connection.refuse('', new AppError('bad_request', 'binary frames only'));
      return;
    }
    if (!connection.allow()) return;
    const message = toBytes(data);
    if (conn.queue) {
      if (conn.queue.length >= MAX_QUEUED_BEFORE_JOIN) {
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
        default:
          throw new AppError('bad_request', `unknown message type ${type}`);
      }
    } catch (err) {
      connection.refuse(room.id, err);
    }
  }

  /** A forbidden write keeps the connection: y-protocols' permission-denied tells the client why. */
  #deny(conn: Socket, reason: string): void {
    if (conn.deniedNotice) return;
    conn.deniedNotice = true;
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, YWS_MESSAGE.auth);
    authProtocol.writePermissionDenied(encoder, reason);
    this.#send(conn, encoding.toUint8Array(encoder));
  }

  /** Closes with the error's named code (shared/protocol.ts CLOSE_CODES). */
  #close(conn: Socket, error: WireError): void {
    conn.queue = null;
    if (conn.ws.readyState === WebSocket.OPEN || conn.ws.readyState === WebSocket.CONNECTING) {
      // Close reasons are limited to 123 bytes.
      conn.ws.close(CLOSE_CODES[error.code], Buffer.from(error.message).subarray(0, 123).toString());
    }
  }

  #closed(conn: Socket, connection: Connection): void {
    if (!this.#all.delete(conn)) return;
    conn.queue = null;
    const room = conn.room;
    conn.room = null;
    if (room) {
      const peers = this.#byRoom.get(room.id);
      peers?.delete(conn);
      if (peers?.size === 0) this.#byRoom.delete(room.id);
    }
    connection.close();
  }

  /** Sends each peer of the room what `dataFor` gives it (null: nothing). */
  #broadcast(room: Room, dataFor: (peer: Socket) => Uint8Array | null, type: 'sync' | 'awareness'): void {
    const peers = this.#byRoom.get(room.id);
    if (!peers) return;
    let sent = 0;
    let bytes = 0;
    for (const conn of peers) {
      const data = dataFor(conn);
      if (data && this.#send(conn, data)) {
        sent++;
        bytes += data.byteLength;
      }
    }
    this.#sent[type].inc(sent);
    this.#sent.bytes.inc(bytes);
  }

  #send(conn: Socket, data: Uint8Array): boolean {
    if (conn.ws.readyState !== WebSocket.OPEN) return false;
    if (conn.ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.#deps.logger.warn({ conn: conn.id }, 'dropping a client that does not read');
      conn.ws.terminate();
      return false;
    }
    conn.ws.send(data);
    return true;
  }

  #heartbeat(): void {
    for (const conn of this.#all) {
      if (!conn.alive) {
        conn.ws.terminate();
        continue;
      }
      conn.alive = false;
      conn.ws.ping();
    }
  }
}

/**
 * y-websocket framing: the message type, then the payload. Sync payloads are
 * already self-delimiting sync messages; awareness updates are length-prefixed.
 */
function frame(type: number, payload: Uint8Array, lengthPrefixed: boolean): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, type);
  if (lengthPrefixed) encoding.writeVarUint8Array(encoder, payload);
  else encoding.writeUint8Array(encoder, payload);
  return encoding.toUint8Array(encoder);
}

/** A sender's share of a merged turn: the others' part, or nothing. */
function restFrame(rest: Uint8Array | null): Uint8Array | null {
  return rest ? frame(YWS_MESSAGE.sync, rest, false) : null;
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
