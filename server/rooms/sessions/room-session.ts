// One participant in one room, whatever transport carries them: the join
// greeting, every message they send into the room, and the replies. A
// Connection holds one per room it joined (Socket.IO: several; the Yjs
// WebSocket: one).
import type { RoomRecord } from '../../store/records.ts';
import type { Admitted } from '../admission.ts';
import type { Participant, Room } from '../room.ts';
import type { SessionSink } from './sink.ts';

export class RoomSession {
  readonly room: Room;
  readonly participant: Participant;
  /** The room's stored record as it was when they joined (title, owner, link access). */
  readonly record: RoomRecord;
  readonly #sink: SessionSink;

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
   * One sync message from the participant. The one place where what a
   * participant writes enters the room (Room.handleSync checks and applies it);
   * a step 1 is answered with the step 2 they lack.
   */
  receiveSync(message: Uint8Array): void {
    const reply = this.room.handleSync(this.participant.connectionId, message);
    if (reply) this.#sink.sync(this.room.id, reply);
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
