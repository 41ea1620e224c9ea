// Atelier's events on the Yjs WebSocket (`?events=1`, docs/protocol.md "Events
// on the Yjs WebSocket"): the greeting (`room:joined`, first), the channels an
// event socket is on, and every client event served by the same handlers as on
// Socket.IO (events/event-registry.ts). A malformed event frame is answered
// with a typed error and changes nothing; the connection stays. The Yjs
// WebSocket server calls in here only for sockets that opted in.
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import { type Job, YWS_MESSAGE } from '../../../shared/protocol.ts';
import { decodeEvent, EventFrameError, type JoinedRoom, NOT_ON_YJS_WEBSOCKET, peekAckId } from '../../../shared/yws-events.ts';
import { AppError, toWireError } from '../../errors.ts';
import type { Metrics } from '../../metrics.ts';
import type { RoomSession } from '../../rooms/sessions/room-session.ts';
import type { Broadcast } from '../events/broadcast.ts';
import { roomChannel } from '../events/channels.ts';
import type { EventRegistry } from '../events/event-registry.ts';
import { TOO_MANY } from '../events/serve.ts';
import { eventFrame } from './event-frame.ts';
import { EventSocket, type EventSocketDeps } from './event-socket.ts';
import type { YjsSocket } from './yjs-socket.ts';

export interface WsEventsDeps {
  events: EventRegistry;
  broadcast: Broadcast;
  metrics: Metrics;
  logger: Logger;
  /** The room's jobs, for `room:joined` (as in Socket.IO's join answer). */
  joinExtras?: (roomId: string) => Promise<{ jobs: Job[] }>;
}

const notServed: ReadonlySet<string> = new Set(NOT_ON_YJS_WEBSOCKET);

export class WsEvents {
  readonly #deps: WsEventsDeps;
  readonly #shared: EventSocketDeps;

  constructor(deps: WsEventsDeps) {
    this.#deps = deps;
    this.#shared = { broadcast: deps.broadcast, metrics: deps.metrics, logger: deps.logger };
  }

  /** The socket of a connection that opted in; `release` is the server's cleanup once it is done with it. */
  socket(id: string, ws: WebSocket, release: (socket: YjsSocket) => void): EventSocket {
    return new EventSocket(id, ws, this.#shared, release);
  }

  /**
   * Admitted to its room: on its channels (its own id, the room's, its user's),
   * then `room:joined`, before the document's greeting. False when the client
   * went away meanwhile (its connection has closed: nothing more to do).
   */
  async admitted(conn: EventSocket, session: RoomSession): Promise<boolean> {
    const { roomId } = session;
    // On the channels before the jobs are read, so no change falls between; what comes meanwhile waits for room:joined.
    conn.join(conn.id);
    conn.join(roomChannel(roomId));
    this.#deps.events.connected(conn);
    const extras = (await this.#deps.joinExtras?.(roomId)) ?? { jobs: [] };
    if (!conn.isOpen()) return false;
    const joined: JoinedRoom = { role: session.participant.role, room: session.record, ...extras };
    conn.greetEvents(eventFrame('room:joined', JSON.stringify([roomId, joined])));
    return true;
  }

  /** One event frame (`pos`: where its type ended), its size and rate already counted. */
  receive(conn: EventSocket, message: Uint8Array, pos: number): void {
    let event: string;
    let args: unknown[];
    let ackId: number;
    try {
      ({ event, args, ackId } = decodeEvent(message, pos));
    } catch (err) {
      if (!(err instanceof EventFrameError)) throw err;
      this.#refuse(conn, err.ackId, new AppError(err.tooLarge ? 'too_large' : 'bad_request', err.message));
      return;
    }
    const handler = notServed.has(event) ? undefined : this.#deps.events.handler(event);
    if (!handler) {
      const why = notServed.has(event) ? `${event} is not served on the Yjs WebSocket` : `unknown event ${JSON.stringify(event)}`;
      this.#refuse(conn, ackId, new AppError('bad_request', why));
      return;
    }
    if (ackId > 0) args.push((res: object) => conn.answer(ackId, res));
    handler(conn, args);
  }

  /** An event frame dropped for the message rate still gets its answer, if it asked for one. */
  overRate(conn: EventSocket, message: Uint8Array): void {
    // The event type is one byte (20 < 128).
    if (message[0] !== YWS_MESSAGE.event) return;
    const ackId = peekAckId(message, 1);
    if (ackId > 0) conn.answer(ackId, { ok: false, error: TOO_MANY });
  }

  /** A frame refused before any handler: the answer if it asked for one, else `room:error`. */
  #refuse(conn: EventSocket, ackId: number, err: AppError): void {
    if (ackId === 0) {
      conn.failed('', err);
      return;
    }
    const error = toWireError(err);
    this.#deps.metrics.errors.inc({ code: error.code });
    conn.answer(ackId, { ok: false, error });
  }
}
