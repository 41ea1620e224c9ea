// One room: its Y.Doc, its Awareness, its participants and their roles. It
// speaks y-protocols messages and knows nothing of sockets; transports call in,
// and listeners (transports' fan-out, the relay) hear every change with its origin.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { canEdit, type PublicUser, type Role } from '../../shared/protocol.ts';
import { AppError } from '../errors.ts';
import type { ClientClaim, StoredDoc } from '../store/doc-log.ts';
import { expireOutdated, presenceStamp, ROLE_RESTAMP, restamped } from './awareness-message.ts';
import { acceptAwareness } from './awareness-filter.ts';
import { DocUpdates } from './doc-updates.ts';
import type { DocSaver } from './persistence/doc-saver.ts';
import { asOrigin, isStoredHere, type UpdateOrigin } from './origin.ts';
import { type Applied, outgoingOf } from './outgoing.ts';
import { type TurnEnd, turnEnd } from './persistence/turn-end.ts';
import { type CheckedUpdate, checkUpdate, UpdateGap, UpdateRefused } from './update-check/check-update.ts';
import { boundPending, DEFAULT_MAX_PENDING_BYTES } from './update-check/pending.ts';
import { ClientOwners, NO_CLAIMS } from './client-owners.ts';
import { type AwarenessChanges, RoomPresence } from './room-presence.ts';
import { PresenceCadence, presenceWheel } from './presence-cadence.ts';
import type { Participant, RoomDeps } from './room-types.ts';
import { isEmptyUpdate, loadDoc, loadedStep2 } from './doc-load.ts';

export type { Participant, RoomDeps, RoomEvents, RoomLimits } from './room-types.ts';

const LOAD: UpdateOrigin = { source: 'load' };

export class Room {
  readonly id: string;
  readonly doc: Y.Doc;
  readonly awareness: awarenessProtocol.Awareness;
  readonly #participants = new Map<string, Participant>();
  /** Participants who are viewers; the rest are makers. */
  #spectators = 0;
  /** Who holds each awareness client id and the presence changes to send; when they go: #cadence (presence-cadence.ts). */
  readonly #presence = new RoomPresence();
  readonly #cadence: PresenceCadence;
  readonly #deps: RoomDeps;
  /** Size of the encoded document, exact only right after it is measured. */
  #docBytes: number;
  #docBytesExact = false;
  #destroyed = false;
  #relayed = false;
  /** Changes applied this turn, sent to observers once the turn's appends are made. */
  #outbox: Applied[] = [];
  readonly #turn: TurnEnd;
  readonly #owners: ClientOwners;
  /** The stored state it loaded from, until its first answer or change (doc-load.ts loadedStep2). */
  #loadedState: Uint8Array | null;
  /** Claims of the participant update being applied, stored with it. */
  #claiming: readonly ClientClaim[] = [];
  readonly #updates: DocUpdates;

  constructor(id: string, stored: StoredDoc, deps: RoomDeps) {
    this.id = id;
    this.doc = loadDoc(id, stored.update, LOAD);
    this.#deps = deps;
    this.#turn = deps.turn ?? turnEnd;
    this.#cadence = new PresenceCadence(deps.presenceWheel ?? presenceWheel, () => this.#turn.publish(this.#publishAwareness));
    this.#docBytes = stored.update?.byteLength ?? 0;
    this.#loadedState = stored.update;
    this.#owners = new ClientOwners(deps.claims ?? NO_CLAIMS, this.doc, deps.logger);
    this.awareness = new awarenessProtocol.Awareness(this.doc);
    // Presence expires in one sweep over every room (RoomRegistry), not on a
    // timer per room: thousands of rooms would be thousands of timers.
    clearInterval(this.awareness._checkInterval);
    // The server is not a participant: it has no presence of its own.
    this.awareness.setLocalState(null);
    this.#updates = new DocUpdates(this.doc, this.#onDocUpdate);
    this.awareness.on('update', this.#onAwarenessUpdate);
  }

  get participants(): ReadonlyMap<string, Participant> {
    return this.#participants;
  }

  get saver(): DocSaver {
    return this.#deps.saver;
  }

  join(connectionId: string, user: PublicUser, role: Role, transport: string): Participant {
    const existing = this.#participants.get(connectionId);
    if (existing) return existing;
    const { maxParticipantsPerRoom, maxSpectatorsPerRoom } = this.#deps.limits;
    if (canEdit(role) ? this.makers >= maxParticipantsPerRoom : this.#spectators >= maxSpectatorsPerRoom) {
      throw new AppError(
        'unavailable',
        canEdit(role) ? `room is full (${maxParticipantsPerRoom} participants)` : `room is full (${maxSpectatorsPerRoom} spectators)`,
      );
    }
    const participant: Participant = {
      connectionId,
      user,
      role,
      transport,
      joinedAt: Date.now(),
      awarenessClients: new Set(),
    };
    this.#participants.set(connectionId, participant);
    if (!canEdit(role)) this.#spectators++;
    return participant;
  }

  /** Viewers present. */
  get spectators(): number {
    return this.#spectators;
  }

  /** Owner and editors present. */
  get makers(): number {
    return this.#participants.size - this.#spectators;
  }

  /**
   * Changes the role of every connection of a user (not the owner's) at once,
   * and tells observers; their next message is judged by it. Returns those changed.
   */
  setRole(userId: string, role: Exclude<Role, 'owner'>): Participant[] {
    const changed: Participant[] = [];
    for (const participant of this.#participants.values()) {
      if (participant.user.id !== userId || participant.role === 'owner' || participant.role === role) continue;
      this.#spectators += canEdit(role) ? -1 : 1;
      participant.role = role;
      changed.push(participant);
    }
    for (const participant of changed) {
      // The new role shows in the people list at once, even if the client never says so itself.
      this.#restamp(participant);
      this.#deps.events.emit('roleChanged', this, participant);
    }
    return changed;
  }

  /** A user's profile changed (name, colour, handle): their presence says so at once, as the server knows it. */
  refreshUser(user: PublicUser): void {
    for (const participant of this.#participants.values()) {
      if (participant.user.id !== user.id) continue;
      participant.user = user;
      this.#restamp(participant);
    }
  }

  #restamp(participant: Participant): void {
    const update = restamped(this.awareness, participant.awarenessClients, presenceStamp(participant));
    if (update) awarenessProtocol.applyAwarenessUpdate(this.awareness, update, { source: 'server', reason: ROLE_RESTAMP });
  }

  /** Asks the transports to let the connection go (they call leave). */
  evict(connectionId: string, error: AppError): void {
    const participant = this.#participants.get(connectionId);
    if (participant) this.#deps.events.emit('evicted', this, participant, error);
  }

  /** Removes a participant and, at once, every awareness state it held. */
  leave(connectionId: string): void {
    const participant = this.#participants.get(connectionId);
    if (!participant) return;
    this.#participants.delete(connectionId);
    if (!canEdit(participant.role)) this.#spectators--;
    if (participant.awarenessClients.size > 0) {
      awarenessProtocol.removeAwarenessStates(this.awareness, [...participant.awarenessClients], this.#connectionOrigin(participant));
    }
  }

  /** The server's sync step 1, sent to every participant on join. */
  syncStep1(): Uint8Array {
    const encoder = encoding.createEncoder();
    syncProtocol.writeSyncStep1(encoder, this.doc);
    return encoding.toUint8Array(encoder);
  }

  /** Drops presence gone unrenewed (awareness-message.ts expireOutdated); the registry sweeps every room. */
  expireAwareness(now = Date.now()): void {
    if (!this.#destroyed) expireOutdated(this.awareness, now);
  }

  /** Every current awareness state, or null when there are none. */
  awarenessSnapshot(): Uint8Array | null {
    const clients = [...this.awareness.getStates().keys()];
    if (clients.length === 0) return null;
    return awarenessProtocol.encodeAwarenessUpdate(this.awareness, clients);
  }

  /**
   * Handles one y-protocols sync message from a participant. Returns the reply
   * to send back (sync step 2 for a step 1), or null. Throws AppError, having
   * changed nothing, for anything malformed, forbidden or too large.
   */
  handleSync(connectionId: string, message: Uint8Array): Uint8Array | null {
    const participant = this.#participant(connectionId);
    let type: number;
    let payload: Uint8Array;
    try {
      const decoder = decoding.createDecoder(message);
      type = decoding.readVarUint(decoder);
      payload = decoding.readVarUint8Array(decoder);
      if (decoding.hasContent(decoder)) throw new Error('trailing bytes');
    } catch (err) {
      throw new AppError('bad_request', 'malformed sync message', { cause: err });
    }
    switch (type) {
      case syncProtocol.messageYjsSyncStep1:
        return this.#syncStep2(payload);
      case syncProtocol.messageYjsSyncStep2:
      case syncProtocol.messageYjsUpdate:
        if (!canEdit(participant.role)) {
          // A viewer's step 2 is its answer to our step 1: drop it quietly.
          if (type === syncProtocol.messageYjsSyncStep2) return null;
          throw new AppError('forbidden', 'viewers cannot edit this room');
        }
        // A client with nothing the room lacks answers its step 1 with an empty
        // update (every new tab does, on every join): applying it would change nothing.
        if (isEmptyUpdate(payload)) return null;
        this.#applyClientUpdate(participant, payload);
        return null;
      default:
        throw new AppError('bad_request', `unknown sync message type ${type}`);
    }
  }

  /**
   * Handles one y-protocols awareness update from a participant. Entries for
   * clients that belong to someone else are dropped: stale ones quietly (stock
   * providers echo every state they hear), newer ones as forgeries.
   */
  handleAwareness(connectionId: string, message: Uint8Array): void {
    const participant = this.#participant(connectionId);
    const { update, entries, forged } = acceptAwareness(message, participant, {
      owners: this.#presence.owners,
      awareness: this.awareness,
      maxStateBytes: this.#deps.limits.maxAwarenessBytes,
    });
    if (update)
      this.#presence.applying(entries, () =>
        awarenessProtocol.applyAwarenessUpdate(this.awareness, update, this.#connectionOrigin(participant)),
      );
    if (forged > 0) throw new AppError('forbidden', 'awareness states of other participants cannot be changed');
  }

  /** A change made by the server itself, stored and sent to everyone. */
  transact(fn: (doc: Y.Doc) => void, reason: string, userId?: string): void {
    const origin: UpdateOrigin = userId === undefined ? { source: 'server', reason } : { source: 'server', reason, userId };
    this.doc.transact(() => fn(this.doc), origin);
  }

  /** An update another node already stored and published. */
  applyRemoteUpdate(update: Uint8Array, nodeId: string): void {
    this.#relayed = true;
    Y.applyUpdate(this.doc, update, { source: 'remote', nodeId } satisfies UpdateOrigin);
    this.#boundPending(`node ${nodeId}`);
  }

  /** Whether another node ever relayed a change into this copy (which it, not we, was to store). */
  get relayed(): boolean {
    return this.#relayed;
  }

  /**
   * Part of the room's stored history that this copy may lack (another node
   * stored it while the relay could not carry it). Sent to local participants,
   * neither stored again nor relayed: every node reads the log itself.
   */
  applyStoredUpdate(update: Uint8Array): void {
    Y.applyUpdate(this.doc, update, LOAD);
    this.#boundPending('the log');
  }

  /** Drops pending state past MAX_PENDING_BYTES (pending.ts); true when it did. */
  #boundPending(from: string): boolean {
    const dropped = boundPending(this.doc, this.#deps.limits.maxPendingBytes ?? DEFAULT_MAX_PENDING_BYTES);
    if (dropped > 0) this.#deps.logger.warn({ roomId: this.id, bytes: dropped, from }, 'pending Yjs state dropped');
    return dropped > 0;
  }

  applyRemoteAwareness(message: Uint8Array, nodeId: string): void {
    awarenessProtocol.applyAwarenessUpdate(this.awareness, message, { source: 'remote', nodeId } satisfies UpdateOrigin);
  }

  /** Exact size of the encoded document in bytes. */
  measureDocBytes(): number {
    if (!this.#docBytesExact) {
      this.#docBytes = Y.encodeStateAsUpdate(this.doc).byteLength;
      this.#docBytesExact = true;
    }
    return this.#docBytes;
  }

  get destroyed(): boolean {
    return this.#destroyed;
  }

  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.#loadedState = null;
    this.#updates.dispose();
    this.awareness.off('update', this.#onAwarenessUpdate);
    this.awareness.destroy();
    this.doc.destroy();
  }

  #participant(connectionId: string): Participant {
    const participant = this.#participants.get(connectionId);
    if (!participant) throw new AppError('forbidden', 'join the room first');
    return participant;
  }

  #connectionOrigin(participant: Participant): UpdateOrigin {
    return { source: 'connection', connectionId: participant.connectionId, userId: participant.user.id };
  }

  #syncStep2(stateVector: Uint8Array): Uint8Array {
    const loaded = this.#loadedState;
    // Kept only for the room's first answer: the one that loaded it usually asks at once.
    this.#loadedState = null;
    const fromLoad = loaded && loadedStep2(loaded, this.doc, stateVector);
    if (fromLoad) return fromLoad;
    const encoder = encoding.createEncoder();
    try {
      syncProtocol.writeSyncStep2(encoder, this.doc, stateVector);
    } catch (err) {
      throw new AppError('bad_request', 'malformed state vector', { cause: err });
    }
    return encoding.toUint8Array(encoder);
  }

  #applyClientUpdate(participant: Participant, update: Uint8Array): void {
    let checked: CheckedUpdate;
    try {
      // Read and checked whole first (update-check/): what passes integrates
      // whole, leaving nothing pending, so a refusal changes nothing.
      checked = checkUpdate(update, this.#clockOf);
    } catch (err) {
      if (err instanceof UpdateGap) this.#deps.events.emit('syncWanted', this, participant.connectionId);
      throw new AppError('bad_request', err instanceof UpdateRefused ? err.message : 'malformed Yjs update', { cause: err });
    }
    const max = this.#deps.limits.maxDocBytes;
    if (this.#docBytes + update.byteLength > max && this.measureDocBytes() + update.byteLength > max) {
      throw new AppError('too_large', `the document would grow past ${max} bytes`);
    }
    const { connectionId } = participant;
    const claims = this.#owners.claimsFor(checked, participant.user.id, () => {
      if (!this.#destroyed && this.#participants.has(connectionId)) this.#deps.events.emit('syncWanted', this, connectionId);
    });
    this.#claiming = claims;
    try {
      const origin = this.#connectionOrigin(participant);
      if (checked.fresh) this.#updates.applyFresh(update, origin);
      else Y.applyUpdate(this.doc, update, origin);
    } finally {
      this.#claiming = [];
    }
    this.#owners.record(claims);
    // Unreachable for an update that passed the checks; the bound holds whatever slips past them.
    if (this.#boundPending(`connection ${connectionId}`)) throw new AppError('too_large', 'pending state over MAX_PENDING_BYTES dropped');
  }

  #clockOf = (client: number): number => Y.getState(this.doc.store, client);

  #onDocUpdate = (update: Uint8Array, rawOrigin: unknown): void => {
    this.#loadedState = null;
    const origin = asOrigin(rawOrigin);
    this.#docBytes += update.byteLength;
    this.#docBytesExact = false;
    if (isStoredHere(origin))
      this.#deps.saver.add(update, origin.source === 'connection' ? this.#claiming : this.#owners.serverClaims(origin));
    this.#deps.events.emit('docApplied', this, update, origin);
    // Sent only after the saver's append (persistence/turn-end.ts): what others have seen is stored.
    if (this.#outbox.push({ update, origin }) === 1) this.#turn.publish(this.#publishOutbox);
  };

  #publishOutbox = (): void => {
    const outbox = this.#outbox;
    this.#outbox = [];
    if (this.#destroyed) return;
    for (const outgoing of outgoingOf(outbox)) this.#deps.events.emit('docUpdate', this, outgoing);
  };

  #onAwarenessUpdate = (changes: AwarenessChanges, rawOrigin: unknown): void => {
    const origin = asOrigin(rawOrigin);
    const changed = this.#presence.record(changes, origin, this.#participants);
    // Sent with the latest state of each client (room-presence.ts) at the end of a turn, at most once an interval.
    if (changed.length === 0) return;
    this.#presence.queue(changed, origin);
    this.#cadence.changed(changes.removed.length > 0);
  };

  #publishAwareness = (): void => {
    const outgoing = this.#destroyed ? null : this.#presence.take(this.awareness);
    this.#cadence.sent(outgoing !== null);
    if (outgoing) this.#deps.events.emit('awarenessUpdate', this, outgoing);
  };
}
