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
import { CLOSE_CODES, type PublicUser, YWS_MESSAGE } from '../../../shared/protocol.ts';
import { readCookieToken } from '../../auth/cookie.ts';
import type { Users } from '../../auth/users.ts';
import type { Limits } from '../../config.ts';
import { AppError, toWireError } from '../../errors.ts';
import { randomId } from '../../ids.ts';
import type { Metrics } from '../../metrics.ts';
import { TokenBucket } from '../../rate-limit.ts';
import type { RoomAdmission } from '../../rooms/admission.ts';
import type { UpdateOrigin } from '../../rooms/origin.ts';
import type { Participant, Room, RoomEvents } from '../../rooms/room.ts';
import type { OutgoingUpdate } from '../../rooms/outgoing.ts';
import { guarded } from '../guard.ts';
import type { OriginCheck } from '../origin-check.ts';

export const YJS_PATH_PREFIX = '/yjs/';
const TRANSPORT = 'websocket';
/** Messages held while a new connection is still being authenticated. */
export const MAX_QUEUED_BEFORE_JOIN = 64;
/** A client that lets this much pile up unread is dropped rather than buffered forever. */
export const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;
const PING_INTERVAL_MS = 30_000;

export interface YjsWebSocketDeps {
  admission: RoomAdmission;
  users: Users;
  limits: Limits;
  logger: Logger;
  metrics: Metrics;
  /** Refuses cross-site handshakes (origin-check.ts). */
  originAllowed: OriginCheck;
}

interface Connection {
  id: string;
  ws: WebSocket;
  room: Room | null;
  queue: Uint8Array[] | null;
  bucket: TokenBucket;
  alive: boolean;
  deniedNotice: boolean;
}

export class YjsWebSocketServer implements RoomEvents {
  readonly #deps: YjsWebSocketDeps;
  readonly #wss: WebSocketServer;
  readonly #byRoom = new Map<string, Set<Connection>>();
  readonly #all = new Set<Connection>();
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
    this.#broadcast(room, (conn) => (outgoing.senders.has(conn.id) ? restFrame(outgoing.senders.get(conn.id) ?? null) : all), 'sync');
  }

  awarenessUpdate(room: Room, message: Uint8Array, origin: UpdateOrigin): void {
    const data = frame(YWS_MESSAGE.awareness, message, true);
    const except = origin.source === 'connection' ? origin.connectionId : undefined;
    this.#broadcast(room, (conn) => (conn.id === except ? null : data), 'awareness');
  }

  /** Closed with the error's code: the connection was only for this room. */
  evicted(room: Room, participant: Participant, error: AppError): void {
    if (participant.transport !== TRANSPORT) return;
    for (const conn of this.#byRoom.get(room.id) ?? []) if (conn.id === participant.connectionId) this.#reject(conn, error);
  }

  async close(): Promise<void> {
    clearInterval(this.#ping);
    for (const conn of this.#all) conn.ws.close(1001, 'server shutting down');
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }

  async #accept(ws: WebSocket, url: URL, req: IncomingMessage): Promise<void> {
    const { metrics, limits } = this.#deps;
    const conn: Connection = {
      id: `ws:${randomId()}`,
      ws,
      room: null,
      queue: [],
      bucket: new TokenBucket(limits.messagesPerSecond, limits.messageBurst),
      alive: true,
      deniedNotice: false,
    };
    this.#all.add(conn);
    metrics.connections.inc({ transport: TRANSPORT });
    ws.on(
      'message',
      guarded(this.#deps.logger, 'yjs message', (data: RawData, isBinary: boolean) => this.#received(conn, data, isBinary)),
    );
    ws.on('pong', () => (conn.alive = true));
    ws.on('error', (err) => this.#deps.logger.debug({ err, conn: conn.id }, 'websocket error'));
    ws.on(
      'close',
      guarded(this.#deps.logger, 'yjs close', () => this.#closed(conn)),
    );

    try {
      const token = url.searchParams.get('token') ?? readCookieToken(req.headers.cookie);
      const user: PublicUser | null = token === null || token === undefined ? null : await this.#deps.users.authenticate(token);
      if (!user) throw new AppError('unauthorized', 'a valid session token is required (?token=)');
      const roomId = safeDecode(url.pathname.slice(YJS_PATH_PREFIX.length));
      const invite = url.searchParams.get('invite') ?? undefined;
      // `?watch=1`: a listed room, to watch (docs/live.md).
      const watch = url.searchParams.get('watch') === '1';
      const admitted = await this.#deps.admission.admit(
        roomId,
        user,
        { invite, watch },
        conn.id,
        TRANSPORT,
        () => ws.readyState === WebSocket.OPEN,
      );
      conn.room = admitted.room;
      let peers = this.#byRoom.get(admitted.room.id);
      if (!peers) {
        peers = new Set();
        this.#byRoom.set(admitted.room.id, peers);
      }
      peers.add(conn);
      this.#send(conn, frame(YWS_MESSAGE.sync, admitted.room.syncStep1(), false));
      const awareness = admitted.room.awarenessSnapshot();
      if (awareness) this.#send(conn, frame(YWS_MESSAGE.awareness, awareness, true));
      const queued = conn.queue ?? [];
      conn.queue = null;
      for (const message of queued) this.#process(conn, message);
    } catch (err) {
      this.#reject(conn, err);
    }
  }

  #received(conn: Connection, data: RawData, isBinary: boolean): void {
    if (!isBinary) {
      this.#reject(conn, new AppError('bad_request', 'binary frames only'));
      return;
    }
    if (!conn.bucket.take()) {
      this.#reject(conn, new AppError('rate_limited', 'too many messages'));
      return;
    }
    const message = toBytes(data);
    this.#deps.metrics.bytesIn.inc({ transport: TRANSPORT }, message.byteLength);
    if (conn.queue) {
      if (conn.queue.length >= MAX_QUEUED_BEFORE_JOIN) {
        this.#reject(conn, new AppError('rate_limited', 'too many messages before the join completed'));
        return;
      }
      conn.queue.push(message);
      return;
    }
    this.#process(conn, message);
  }

  #process(conn: Connection, message: Uint8Array): void {
    const room = conn.room;
    if (!room || conn.ws.readyState !== WebSocket.OPEN) return;
    const { metrics, limits } = this.#deps;
    try {
      if (message.byteLength > limits.maxMessageBytes) {
        throw new AppError('too_large', `messages are limited to ${limits.maxMessageBytes} bytes`);
      }
      const decoder = decoding.createDecoder(message);
      let type: number;
      try {
        type = decoding.readVarUint(decoder);
      } catch (err) {
        throw new AppError('bad_request', 'malformed message', { cause: err });
      }
      switch (type) {
        case YWS_MESSAGE.sync: {
          metrics.messagesIn.inc({ transport: TRANSPORT, type: 'sync' });
          const reply = room.handleSync(conn.id, message.subarray(decoder.pos));
          if (reply) this.#send(conn, frame(YWS_MESSAGE.sync, reply, false));
          return;
        }
        case YWS_MESSAGE.awareness: {
          metrics.messagesIn.inc({ transport: TRANSPORT, type: 'awareness' });
          let update: Uint8Array;
          try {
            update = decoding.readVarUint8Array(decoder);
          } catch (err) {
            throw new AppError('bad_request', 'malformed awareness message', { cause: err });
          }
          room.handleAwareness(conn.id, update);
          return;
        }
        case YWS_MESSAGE.queryAwareness: {
          metrics.messagesIn.inc({ transport: TRANSPORT, type: 'query-awareness' });
          const snapshot = room.awarenessSnapshot();
          if (snapshot) this.#send(conn, frame(YWS_MESSAGE.awareness, snapshot, true));
          return;
        }
        case YWS_MESSAGE.auth:
          throw new AppError('bad_request', 'auth messages are sent by the server only');
        default:
          throw new AppError('bad_request', `unknown message type ${type}`);
      }
    } catch (err) {
      if (err instanceof AppError && err.code === 'forbidden') {
        this.#deny(conn, err.message);
        return;
      }
      this.#reject(conn, err);
    }
  }

  /** A forbidden write keeps the connection: y-protocols' permission-denied tells the client why. */
  #deny(conn: Connection, reason: string): void {
    this.#deps.metrics.errors.inc({ code: 'forbidden' });
    if (conn.deniedNotice) return;
    conn.deniedNotice = true;
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, YWS_MESSAGE.auth);
    authProtocol.writePermissionDenied(encoder, reason);
    this.#send(conn, encoding.toUint8Array(encoder));
  }

  #reject(conn: Connection, err: unknown): void {
    const error = toWireError(err);
    if (error.code === 'internal') this.#deps.logger.error({ err, conn: conn.id }, 'websocket handler failed');
    this.#deps.metrics.errors.inc({ code: error.code });
    conn.queue = null;
    if (conn.ws.readyState === WebSocket.OPEN || conn.ws.readyState === WebSocket.CONNECTING) {
      // Close reasons are limited to 123 bytes.
      conn.ws.close(CLOSE_CODES[error.code], Buffer.from(error.message).subarray(0, 123).toString());
    }
  }

  #closed(conn: Connection): void {
    if (!this.#all.delete(conn)) return;
    this.#deps.metrics.connections.dec({ transport: TRANSPORT });
    conn.queue = null;
    const room = conn.room;
    if (!room) return;
    conn.room = null;
    const peers = this.#byRoom.get(room.id);
    peers?.delete(conn);
    if (peers?.size === 0) this.#byRoom.delete(room.id);
    this.#deps.admission.leave(room, conn.id);
  }

  /** Sends each peer of the room what `dataFor` gives it (null: nothing). */
  #broadcast(room: Room, dataFor: (conn: Connection) => Uint8Array | null, type: 'sync' | 'awareness'): void {
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

  #send(conn: Connection, data: Uint8Array): boolean {
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
