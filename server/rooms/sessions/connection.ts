// One client connection, whatever transport carries it (Hocuspocus's
// Connection, tldraw's session): who it is, its message rate, the rooms it
// joined (a RoomSession each) and leaving them all when it goes. Transports
// keep framing and fan-out; they call in here for everything else.
import type { Logger } from 'pino';
import * as syncProtocol from 'y-protocols/sync';
import type { PublicUser, WireError } from '../../../shared/protocol.ts';
import type { Limits } from '../../config.ts';
import { AppError, toWireError } from '../../errors.ts';
import type { Metrics } from '../../metrics.ts';
import type { StallCredit } from '../../loop-stalls.ts';
import type { Tally } from '../../metric-tally.ts';
import { TokenBucket } from '../../rate-limit.ts';
import type { JoinChoice, RoomAdmission } from '../admission.ts';
import { OwnedByAnother } from '../client-owners.ts';
import { UpdateGap } from '../update-check/check-update.ts';
import { HeldUpdates, isPendingClaim, type PendingClaim } from './held-updates.ts';
import { RoomSession } from './room-session.ts';
import type { SessionSink } from './sink.ts';

/** Who a connection is: the user and the sign-in session its token names. */
export interface Identity {
  user: PublicUser;
  sessionId: string;
}

/** What a client may send into a room; `query-awareness` is the Yjs WebSocket's. */
export type MessageKind = 'sync' | 'awareness' | 'query-awareness';

export interface ConnectionDeps {
  admission: RoomAdmission;
  limits: Pick<Limits, 'messagesPerSecond' | 'messageBurst' | 'maxMessageBytes' | 'maxRoomsPerConnection' | 'claimWaitMs'>;
  metrics: Metrics;
  logger: Logger;
  /** The event loop's stalls, credited to rate budgets (none unless given). */
  stalls?: StallCredit;
  /**
   * Scaled mode: resolves once what other nodes relayed before now is applied
   * here (scale/redis-relay.ts caughtUp). Without it (one node) a step 2 under
   * another's id is never asked for again: nothing can lag there.
   */
  caughtUp?: () => Promise<void>;
}

export interface ConnectionInit {
  id: string;
  /** The metric label and the participant's `transport`: `socket.io` or `websocket`. */
  transport: string;
  /** Null until known: anonymous on Socket.IO, or not yet checked on the Yjs WebSocket. */
  identity: Identity | null;
  sink: SessionSink;
  /** Told once the connection closed (the registry forgets it). */
  closed: (connection: Connection) => void;
}

/** A transport's tallies of what comes in, made once per transport (metric-tally.ts). */
interface Incoming {
  bytes: Tally;
  messages: Record<MessageKind, Tally>;
}

const incomingTallies = new WeakMap<Metrics, Map<string, Incoming>>();

function incomingOf(metrics: Metrics, transport: string): Incoming {
  let byTransport = incomingTallies.get(metrics);
  if (!byTransport) {
    byTransport = new Map();
    incomingTallies.set(metrics, byTransport);
  }
  let incoming = byTransport.get(transport);
  if (!incoming) {
    const messages = (type: MessageKind) => metrics.messagesIn.tally({ transport, type });
    incoming = {
      bytes: metrics.bytesIn.tally({ transport }),
      messages: { sync: messages('sync'), awareness: messages('awareness'), 'query-awareness': messages('query-awareness') },
    };
    byTransport.set(transport, incoming);
  }
  return incoming;
}

/**
 * Bytes of a sync answer that cost one message of the sender's rate budget
 * (charged after the answer, into debt: the answer is never withheld, since a
 * client whose step 1 goes unanswered never syncs). Answering a 240 KB room
 * takes ~14 ms of the loop; one viewer sending step 1s at the message rate
 * took 43 % of a core (measured), and ~1.6 answers a second now allowed come
 * to ~2 % (by arithmetic). A join's one answer stays well within the burst.
 */
export const ANSWER_BYTES_PER_MESSAGE = 4096;

/** Most bytes of sync messages one connection holds for a room while a claim settles (at least one message). */
const MAX_HELD_BYTES = 1024 * 1024;

export const RATE_LIMITED: WireError = { code: 'rate_limited', message: 'too many messages; slow down and rejoin to resync' };

export class Connection {
  readonly id: string;
  readonly transport: string;
  readonly #deps: ConnectionDeps;
  readonly #sink: SessionSink;
  readonly #closedHook: (connection: Connection) => void;
  readonly #bucket: TokenBucket;
  readonly #incoming: Incoming;
  // Made on the first join: a connection that never joins a room (a feed's or
  // a notification socket) holds neither (docs/benchmarks.md, "Memory per connection").
  #sessions: Map<string, RoomSession> | undefined;
  #joining: Set<string> | undefined;
  /** Rooms whose client was told of a gap that is not filled yet: later refusals for it go untold. */
  readonly #gapTold = new Set<string>();
  /** Sync messages waiting for a client id's claim (held-updates.ts); made on the first. */
  #held: HeldUpdates | undefined;
  #identity: Identity | null;
  #closed = false;

  constructor(init: ConnectionInit, deps: ConnectionDeps) {
    this.id = init.id;
    this.transport = init.transport;
    this.#identity = init.identity;
    this.#sink = init.sink;
    this.#closedHook = init.closed;
    this.#deps = deps;
    this.#incoming = incomingOf(deps.metrics, init.transport);
    this.#bucket = new TokenBucket(deps.limits.messagesPerSecond, deps.limits.messageBurst, undefined, deps.stalls);
    deps.metrics.connections.inc({ transport: this.transport });
  }

  get user(): PublicUser | null {
    return this.#identity?.user ?? null;
  }

  get sessionId(): string | undefined {
    return this.#identity?.sessionId;
  }

  /** The transport learnt who this is after it opened (the Yjs WebSocket authenticates after the upgrade). */
  signIn(identity: Identity): void {
    this.#identity = identity;
  }

  /**
   * Takes one message from the rate budget. Over it, the message is dropped
   * (and the client told, throttled by the transport): false.
   */
  allow(roomId = ''): boolean {
    if (this.#bucket.take()) return true;
    this.#dropped(roomId, RATE_LIMITED);
    return false;
  }

  /** Counts an incoming message's bytes; false (the client told) when it is over the size limit. */
  fits(roomId: string, bytes: number): boolean {
    this.#incoming.bytes.inc(bytes);
    const max = this.#deps.limits.maxMessageBytes;
    if (bytes <= max) return true;
    this.#dropped(roomId, { code: 'too_large', message: `messages are limited to ${max} bytes` });
    return false;
  }

  /** The session of a room this connection joined. */
  session(roomId: unknown): RoomSession | undefined {
    return typeof roomId === 'string' ? this.#sessions?.get(roomId) : undefined;
  }

  get rooms(): number {
    return this.#sessions?.size ?? 0;
  }

  /**
   * Joins a room: role, limits, admission. Joining a room again re-admits
   * (the role may have changed) and is how a client asks to resync; the caller
   * greets the session once it has answered the join.
   */
  async join(roomId: string, choice: JoinChoice): Promise<RoomSession> {
    const { limits, admission } = this.#deps;
    this.#joining ??= new Set();
    const joining = this.#joining;
    if (!this.#sessions?.has(roomId)) {
      if (joining.has(roomId)) throw new AppError('bad_request', 'already joining this room');
      if (this.rooms + joining.size >= limits.maxRoomsPerConnection) {
        throw new AppError('too_large', `a connection may join at most ${limits.maxRoomsPerConnection} rooms`);
      }
    }
    joining.add(roomId);
    try {
      const admitted = await admission.admit(
        roomId,
        this.user,
        choice,
        this.id,
        this.transport,
        () => !this.#closed && this.#sink.isOpen(),
      );
      // Ended between the admission and here (a revocation runs between awaits): not a session it could leave.
      if (this.#closed) {
        admission.leave(admitted.room, this.id);
        throw new AppError('unavailable', 'connection closed while joining');
      }
      const session = new RoomSession(admitted, this.#sink);
      this.#sessions ??= new Map();
      this.#sessions.set(session.roomId, session);
      return session;
    } finally {
      joining.delete(roomId);
    }
  }

  /**
   * One message for a room, its size already checked (fits): counted and
   * handed to the room's session; refusals go back to the client.
   */
  receive(roomId: string, kind: MessageKind, payload: Uint8Array): void {
    this.#incoming.messages[kind].inc();
    const session = this.#sessions?.get(roomId);
    if (!session) {
      this.refuse(roomId, new AppError('forbidden', 'join the room first'));
      return;
    }
    if (kind === 'sync') {
      // Behind what waits for a claim: in the order sent, or it would depend on what the room lacks.
      if (this.#held?.holds(roomId)) this.#held.add(roomId, payload);
      else {
        const pending = this.#offer(roomId, payload);
        if (pending) this.#holding().start(roomId, payload, pending);
      }
      return;
    }
    try {
      if (kind === 'awareness') session.receiveAwareness(payload);
      else session.queryAwareness();
    } catch (err) {
      this.refuse(roomId, err);
    }
  }

  /**
   * Resolves once the document updates this connection sent so far are applied
   * or refused; undefined when none waits. An action waits for it, so it sees
   * the sender's own earlier edits (docs/protocol.md, "Order").
   */
  settled(): Promise<void> | undefined {
    return this.#held?.settled();
  }

  /** Tells the client that a message was refused; a failure that is not an AppError is a bug, and logged. */
  refuse(roomId: string, err: unknown): void {
    if (!(err instanceof AppError)) this.#deps.logger.error({ err, roomId, connection: this.id }, 'realtime handler failed');
    const error = toWireError(err);
    // A gap: the room has asked for what it lacks (RoomEvents.syncWanted).
    if (!(err instanceof AppError && err.cause instanceof UpdateGap)) {
      this.#refused(roomId, error);
      return;
    }
    // Every keystroke typed before the heal lands depends on the gap: tell the first, count the rest.
    if (this.#gapTold.has(roomId)) {
      this.#deps.metrics.errors.inc({ code: error.code });
      return;
    }
    this.#gapTold.add(roomId);
    this.#refused(roomId, error, true);
  }

  leave(roomId: string): void {
    const session = this.#sessions?.get(roomId);
    if (!session) return;
    this.#sessions?.delete(roomId);
    this.#gapTold.delete(roomId);
    this.#held?.drop(roomId);
    session.close();
    this.#deps.admission.leave(session.room, this.id);
  }

  /**
   * The room let the participant go (their role was withdrawn, the room
   * unlisted or closed): out of the room, and the client told why.
   */
  evict(roomId: string, error: WireError): void {
    if (!this.#sessions?.has(roomId)) return;
    this.leave(roomId);
    this.#deps.metrics.errors.inc({ code: error.code });
    this.#sink.left(roomId, error);
  }

  /** Ends the connection from the server's side (signed out, suspended); the transport then calls close(). */
  end(error: WireError): void {
    this.#sink.close(error);
  }

  /** The client went away: leave every room. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const roomId of [...(this.#sessions?.keys() ?? [])]) this.leave(roomId);
    this.#deps.metrics.connections.dec({ transport: this.transport });
    this.#closedHook(this);
  }

  /**
   * The one place where a message is dropped for its rate or its size. It may
   * have carried an update: the room asks for what it lacks once the rate
   * budget allows an answer (the room's one, or every room's when the drop
   * came before the room was known).
   */
  #dropped(roomId: string, error: WireError): void {
    const wait = this.#bucket.msUntil(1);
    const sessions = roomId === '' ? [...(this.#sessions?.values() ?? [])] : [this.session(roomId)].filter((s) => s !== undefined);
    for (const session of sessions) session.heal(wait);
    this.#refused(roomId, error, sessions.length > 0);
  }

  /** One sync message into the room: the claim it waits for, or null (applied, or refused and told). */
  #offer(roomId: string, payload: Uint8Array): PendingClaim | null {
    const session = this.#sessions?.get(roomId);
    if (!session) return null;
    try {
      const answered = session.receiveSync(payload);
      // A step 1 costs one message to send and the whole document to answer: past a few
      // KiB the answer is charged too, or one viewer asking again and again pins the node.
      if (answered >= ANSWER_BYTES_PER_MESSAGE) this.#bucket.charge(Math.floor(answered / ANSWER_BYTES_PER_MESSAGE));
      // Accepted: the gap is filled (or this did not depend on it); the next one is told again.
      this.#gapTold.delete(roomId);
    } catch (err) {
      if (isPendingClaim(err)) return err;
      this.#refuseSync(roomId, err, payload);
    }
    return null;
  }

  /**
   * A sync message of the room's was refused. A step 2 refused for structs
   * under another participant's id is, from an honest client, its answer to a
   * step 1 this node sent while the relay lagged: the client had those structs
   * from another node, where they were made, and this node had not been sent
   * them yet (or had just been). The refusal stands, and the client's own
   * edits in that step 2 went with it; so once the relay has caught up, the
   * room asks again (RoomSession.heal: one step 1 outstanding, backing off
   * while answers keep being refused), and the answer then carries only what
   * the node lacks. A forger's next lie is refused the same way, and its flood
   * waits for the relay once per request, not once per message.
   */
  #refuseSync(roomId: string, err: unknown, message: Uint8Array): void {
    this.refuse(roomId, err);
    const { caughtUp } = this.#deps;
    const anothers = err instanceof AppError && err.cause instanceof OwnedByAnother;
    // A one-byte varuint: y-protocols' message types are 0, 1 and 2.
    if (!caughtUp || !anothers || message[0] !== syncProtocol.messageYjsSyncStep2) return;
    this.#sessions?.get(roomId)?.healOnceCaughtUp(caughtUp);
  }

  #holding(): HeldUpdates {
    this.#held ??= new HeldUpdates({
      waitMs: this.#deps.limits.claimWaitMs,
      maxBytes: Math.max(MAX_HELD_BYTES, this.#deps.limits.maxMessageBytes),
      offer: (roomId, message) => this.#offer(roomId, message),
      refuse: (roomId, err, message) => this.#refuseSync(roomId, err, message),
    });
    return this.#held;
  }

  #refused(roomId: string, error: WireError, healing = false): void {
    this.#deps.metrics.errors.inc({ code: error.code });
    this.#sink.refuse(roomId, error, healing);
  }
}
