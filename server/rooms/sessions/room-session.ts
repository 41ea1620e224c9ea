// One participant in one room, whatever transport carries them: the join
// greeting, every message they send into the room, and the replies. A
// Connection holds one per room it joined (Socket.IO: several; the Yjs
// WebSocket: one).
import type { RoomRecord } from '../../store/records.ts';
import type { Admitted } from '../admission.ts';
import type { Participant, Room } from '../room.ts';
import type { SessionSink } from './sink.ts';

/** Waits between asking the same participant again, while their answers keep being refused. */
const MIN_HEAL_BACKOFF_MS = 250;
const MAX_HEAL_BACKOFF_MS = 30_000;

export class RoomSession {
  readonly room: Room;
  readonly participant: Participant;
  /** The room's stored record as it was when they joined (title, owner, link access). */
  readonly record: RoomRecord;
  readonly #sink: SessionSink;
  /** A sync step 1 waiting to be sent (one at a time). */
  #healTimer: NodeJS.Timeout | undefined;
  /** Least wait before the next one: grows while what they send keeps being refused, so a refusal cannot loop. */
  #healBackoffMs = 0;
  /** A heal waiting for the relay to catch up first (healOnceCaughtUp). */
  #catchingUp = false;
  #closed = false;

  constructor(admitted: Admitted, sink: SessionSink) {
    this.room = admitted.room;
    this.participant = admitted.participant;
    this.record = admitted.record;
    this.#sink = sink;
  }

  get roomId(): string {
    return this.room.id;
  }

  /**
   * The join greeting: the server's sync step 1, then everyone's presence. A
   * rejoin greets again: that is how a client asks to resync.
   */
  greet(): void {
    this.#sink.sync(this.room.id, this.room.syncStep1());
    this.queryAwareness();
  }

  /**
   * Asks the participant for whatever the room lacks of theirs: the room's
   * sync step 1, which every y-protocols client answers with a step 2.
   */
  requestSync(): void {
    this.#sink.sync(this.room.id, this.room.syncStep1());
  }

  /**
   * Self-healing (issue 18, finding 6): something of theirs was dropped or
   * refused (rate, size, a gap it left), so ask them for what the room lacks
   * with a sync step 1 once `afterMs` has passed (when their rate budget
   * allows the answer), however many drops there were meanwhile. Any
   * y-protocols client answers with a step 2 that fills the gap: no rejoin.
   */
  heal(afterMs = 0): void {
    if (this.#healTimer) return;
    const wait = Math.max(afterMs, this.#healBackoffMs);
    this.#healBackoffMs = Math.min(MAX_HEAL_BACKOFF_MS, Math.max(MIN_HEAL_BACKOFF_MS, this.#healBackoffMs * 2));
    this.#healTimer = setTimeout(() => {
      this.#healTimer = undefined;
      if (this.#sink.isOpen() && this.room.participants.has(this.participant.connectionId)) this.requestSync();
    }, wait);
    this.#healTimer.unref();
  }

  /**
   * heal() once `caughtUp` resolves (the relay has applied what other nodes
   * sent before now), unless a request is already on its way: scheduled, or
   * itself waiting for the relay. So however many refusals come in, the relay
   * is waited for (a Redis round trip) once per request, and the requests keep
   * heal's back-off: a forger's flood costs no more than one message does.
   */
  healOnceCaughtUp(caughtUp: () => Promise<void>): void {
    if (this.#healTimer || this.#catchingUp) return;
    this.#catchingUp = true;
    // A catch-up that fails is one that gave up waiting: ask all the same, or this session would never ask again.
    const ask = () => {
      this.#catchingUp = false;
      if (!this.#closed) this.heal();
    };
    void caughtUp().then(ask, ask);
  }

  /** They left the room: nothing more is sent. */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#healTimer);
    this.#healTimer = undefined;
  }

  /**
   * One sync message from the participant. The one place where what a
   * participant writes enters the room (Room.handleSync checks and applies it);
   * a step 1 is answered with the step 2 they lack. Returns the answer's
   * size in bytes (0: none), which the connection charges to its rate budget.
   */
  receiveSync(message: Uint8Array): number {
    const reply = this.room.handleSync(this.participant.connectionId, message);
    // Accepted: whatever was missing has been filled (or was never missed).
    this.#healBackoffMs = 0;
    if (!reply) return 0;
    this.#sink.sync(this.room.id, reply);
    return reply.byteLength;
  }

  receiveAwareness(update: Uint8Array): void {
    this.room.handleAwareness(this.participant.connectionId, update);
  }

  /** Sends every current awareness state, if there are any. */
  queryAwareness(): void {
    const snapshot = this.room.awarenessSnapshot();
    if (snapshot) this.#sink.awareness(this.room.id, snapshot);
  }
}
