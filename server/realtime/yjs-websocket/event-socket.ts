// A Yjs WebSocket that opted into Atelier's events (`?events=1`, docs/protocol.md
// "Events on the Yjs WebSocket"): the YjsSocket's framing of its room's
// document, plus what event handlers see of it (EventContext) and what the
// broadcast service sends it (EventMember). Only these sockets hold the event
// state (channels, held events, notice throttle): a plain Yjs WebSocket is a
// YjsSocket and costs what it did.
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import type { PublicUser, WireError } from '../../../shared/protocol.ts';
import type { WsServerEvents } from '../../../shared/yws-events.ts';
import { AppError, toWireError } from '../../errors.ts';
import type { Metrics } from '../../metrics.ts';
import type { RoomSession } from '../../rooms/sessions/room-session.ts';
import type { Broadcast, EventMember } from '../events/broadcast.ts';
import type { EventContext } from '../events/event-context.ts';
import { type NoticeState, throttledNotice } from '../notice-throttle.ts';
import { ackFrame, eventFrame } from './event-frame.ts';
import { YjsSocket } from './yjs-socket.ts';

/** What every event socket of a server shares (one object per server). */
export interface EventSocketDeps {
  broadcast: Broadcast;
  metrics: Metrics;
  logger: Logger;
}

/** Frames held for `room:joined` past which answers are dropped (the queue before the join holds 64 messages). */
const MAX_HELD_ANSWERS = 256;

export class EventSocket extends YjsSocket implements EventContext, EventMember, NoticeState {
  readonly #shared: EventSocketDeps;
  /** The broadcast channels it is on, left when it closes. */
  readonly #channels = new Set<string>();
  /** Event frames that came before `room:joined`, sent right after it (it is always the first). */
  #held: Buffer[] | null = [];
  /** The rate-limit notice throttle's state (notice-throttle.ts). */
  lastNotice = Number.NEGATIVE_INFINITY;
  pendingNotice: NodeJS.Timeout | undefined;

  constructor(id: string, ws: WebSocket, shared: EventSocketDeps, release: (socket: YjsSocket) => void) {
    super(id, ws, shared.logger, release);
    this.#shared = shared;
  }

  get user(): PublicUser | null {
    return this.connection.user;
  }

  /** Its one room's session; any other room is `forbidden`, as for a Socket.IO socket that has not joined it. */
  joined(roomId: string): RoomSession {
    const session = this.connection.session(roomId);
    if (!session) throw new AppError('forbidden', 'join the room first');
    return session;
  }

  join(channel: string): void {
    if (!this.isOpen() || this.#channels.has(channel)) return;
    this.#channels.add(channel);
    this.#shared.broadcast.add(channel, this);
  }

  leave(channel: string): void {
    if (!this.#channels.delete(channel)) return;
    this.#shared.broadcast.remove(channel, this);
  }

  /** The frame counted toward the rate when it arrived (the transport's message rate, like any other). */
  allow(): boolean {
    return true;
  }

  /** An event without an acknowledgement was refused: `room:error`, the connection kept. */
  failed(roomId: string, err: unknown): void {
    if (!(err instanceof AppError)) this.#shared.logger.error({ err, roomId, conn: this.id }, 'event handler failed');
    const error = toWireError(err);
    this.#shared.metrics.errors.inc({ code: error.code });
    this.#notify(roomId, error);
  }

  /** Sends one event; before `room:joined` went out, it waits for it. */
  emitEvent<E extends keyof WsServerEvents>(event: E, ...args: Parameters<WsServerEvents[E]>): void {
    this.sendEvent(eventFrame(event, JSON.stringify(args)));
  }

  /** An event or ack frame (event-frame.ts); before `room:joined` went out, it waits for it. */
  sendEvent(frame: Buffer): void {
    if (this.#held) this.#held.push(frame);
    else this.sendFrame(frame);
  }

  /** The first event's frame, then whatever waited for it. */
  greetEvents(frame: Buffer): void {
    const held = this.#held ?? [];
    this.#held = null;
    this.sendFrame(frame);
    for (const waiting of held) this.sendFrame(waiting);
  }

  /** The answer to an acknowledged event; one to a frame sent before the join waits for `room:joined` too. */
  answer(ackId: number, res: object): void {
    // Frames dropped over the rate are answered too: a client flooding before its join completed
    // must not make the server hold an answer for each, so past a bound they go unanswered (its acks time out).
    if (this.#held && this.#held.length >= MAX_HELD_ANSWERS) return;
    this.sendEvent(ackFrame(ackId, JSON.stringify(res)));
  }

  /** A refusal of a document message: a rate-limit drop is told as `room:error` too (y-websocket has no word for it). */
  override refuse(roomId: string, error: WireError, healing?: boolean): void {
    if (error.code === 'rate_limited') this.#notify(roomId, error);
    super.refuse(roomId, error, healing);
  }

  /** Evicted: told why as an event, then closed with the error's code as before. */
  override left(roomId: string, error: WireError): void {
    this.emitEvent('room:evicted', roomId, error);
    super.left(roomId, error);
  }

  /** Gone: off every channel. */
  closed(): void {
    clearTimeout(this.pendingNotice);
    this.#held = null;
    for (const channel of this.#channels) this.#shared.broadcast.remove(channel, this);
    this.#channels.clear();
  }

  /** Refusals as `room:error`; rate-limit notices throttled as on Socket.IO (notice-throttle.ts). */
  #notify(roomId: string, error: WireError): void {
    if (error.code !== 'rate_limited') {
      this.emitEvent('room:error', roomId, error);
      return;
    }
    throttledNotice(this, () => {
      if (this.isOpen()) this.emitEvent('room:error', roomId, error);
    });
  }
}
