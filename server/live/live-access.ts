// Who may be in a live room, and as what: the owner lists and unlists it;
// when a room leaves the list (unlisted, closed by a moderator, deleted) every
// node lets go of whoever is no longer allowed in; a viewer asks to edit and
// the owner grants or revokes, applied at once on every node. What the bus
// carries can be lost (Redis pub/sub forgets what it cannot deliver): each
// node also re-reads which of the rooms it holds were closed or deleted, whom
// their owners block, and the roles the store gives the people in them, when
// its bus comes back and every ACCESS_SWEEP_MS.
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { EditRequest, GrantRole } from '../../shared/live.ts';
import { canEdit, type PublicUser } from '../../shared/protocol.ts';
import type { Logger } from 'pino';
import { AppError } from '../errors.ts';
import { Listeners, type Subscribable } from '../listeners.ts';
import type { RateLimiter } from '../rate-limit.ts';
import type { RoomDirectory } from '../rooms/directory.ts';
import type { RoomRegistry } from '../rooms/registry.ts';
import type { Room } from '../rooms/room.ts';
import type { LiveStore, RoomRoles } from '../store/live.ts';
import type { LiveBoard } from './board.ts';
import type { LiveBus, LiveCommand } from './bus.ts';
import type { LiveRooms } from './live-rooms.ts';
import { storedRole } from './stored-role.ts';

/**
 * People a sweep reads and applies in one event-loop turn before the next
 * rooms wait for the next turn: all of a node's rooms in one turn, three
 * queries over 1,250 people with 1,000 spectators in 50 rooms, kept makers'
 * keystrokes waiting for all of it once a minute (docs/benchmarks.md,
 * "Live rooms").
 */
export const SWEEP_PEOPLE_PER_TURN = 200;

/** Where an owner hears of a request at once: their sockets, on every node. */
export interface EditRequestSink {
  editRequested(roomId: string, ownerId: string, request: EditRequest): void;
}

export interface LiveAccessDeps {
  store: LiveStore;
  directory: RoomDirectory;
  registry: RoomRegistry;
  board: LiveBoard;
  bus: LiveBus;
  rooms: LiveRooms;
  limiter: RateLimiter;
  /** Whether a moderator closed the room (a closed room cannot be listed). */
  isClosed(roomId: string): Promise<boolean>;
  /** The `join_request` notification (server/social/notifier.ts). */
  notify(event: { type: 'join_request'; actorId: string; recipientIds: string[]; roomId: string }): void;
  editRequestsPerMinute: number;
  /** How often it re-reads who may be in the rooms held here, and as what, outage or not (`ACCESS_SWEEP_MS`). */
  sweepMs: number;
  /** Scaled mode: whether the other nodes' board can be read now (Redis there); a read would wait for it otherwise. */
  boardReachable?: () => boolean;
  /** SWEEP_PEOPLE_PER_TURN unless given. */
  sweepPeoplePerTurn?: number;
  logger: Logger;
}

export class LiveAccess {
  readonly #deps: LiveAccessDeps;
  readonly #sinks: Listeners<EditRequestSink>;
  #timer: NodeJS.Timeout | undefined;
  #sweeping: Promise<void> | null = null;
  /**
   * Role messages heard per room: a sweep whose read of the store a message
   * overtook leaves that room's roles to it (the store read may predate it).
   */
  readonly #roleNews = new WeakMap<Room, number>();

  constructor(deps: LiveAccessDeps) {
    this.#deps = deps;
    this.#sinks = new Listeners(deps.logger, 'live access');
    deps.bus.subscribe((command) => this.#command(command));
  }

  start(): void {
    this.#timer = setInterval(() => void this.sweep(), this.#deps.sweepMs);
    this.#timer.unref();
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.#sweeping;
  }

  /**
   * Lets go, as a lost message would have, of whoever is here in a room that
   * a moderator closed (all but its owner), that was deleted (everyone,
   * not_found), or whose owner blocks them; and gives the others the role the
   * store says the owner granted or revoked (stored-role.ts). Two store
   * queries per batch of the rooms this node holds with someone besides
   * their owner in them, a batch of at most SWEEP_PEOPLE_PER_TURN people (or
   * one room) a turn. Never throws; a sweep already running is joined.
   */
  sweep(): Promise<void> {
    this.#sweeping ??= this.#sweep()
      .catch((err: unknown) => this.#deps.logger.warn({ err }, 'could not re-read who may be in the rooms held here; the next sweep will'))
      .finally(() => {
        this.#sweeping = null;
      });
    return this.#sweeping;
  }

  async #sweep(): Promise<void> {
    const limit = this.#deps.sweepPeoplePerTurn ?? SWEEP_PEOPLE_PER_TURN;
    let batch: Room[] = [];
    let people = 0;
    for (const room of [...this.#deps.registry.rooms()]) {
      const here = room.participants.size;
      if (batch.length > 0 && people + here > limit) {
        await this.#sweepRooms(batch);
        await nextTurn();
        batch = [];
        people = 0;
      }
      batch.push(room);
      people += here;
    }
    if (batch.length > 0) await this.#sweepRooms(batch);
  }

  /** One batch of the sweep: its rooms' people read from the store and let go or given their stored role. */
  async #sweepRooms(rooms: readonly Room[]): Promise<void> {
    const held = new Map<string, Set<string>>();
    const newsBefore = new Map<string, number>();
    for (const room of rooms) {
      // Unloaded while earlier batches were read.
      if (room.destroyed) continue;
      newsBefore.set(room.id, this.#roleNews.get(room) ?? 0);
      for (const participant of room.participants.values()) {
        if (participant.role === 'owner') continue;
        const users = held.get(room.id) ?? new Set<string>();
        users.add(participant.user.id);
        held.set(room.id, users);
      }
    }
    if (held.size === 0) return;
    const userIds = new Set<string>();
    for (const users of held.values()) for (const id of users) userIds.add(id);
    const { store } = this.#deps;
    const [{ ended, blocked }, roles] = await Promise.all([
      store.refusalsAmong([...held.keys()], [...userIds]),
      store.rolesAmong([...held.keys()], [...userIds]),
    ]);
    // The query pairs every room with every user its owner blocks among them all: only those here count.
    const refused = new Set(ended.keys());
    for (const [roomId, users] of blocked) if ([...users].some((id) => held.get(roomId)?.has(id))) refused.add(roomId);
    for (const roomId of refused) {
      this.#deps.logger.info(
        { roomId, ended: ended.get(roomId) },
        'news of a room lost in transit: letting go of who may no longer be there',
      );
      await this.#recheck(roomId);
    }
    for (const [roomId, stored] of roles) this.#applyStoredRoles(roomId, stored, newsBefore.get(roomId));
  }

  /** The role each person here (not the owner) has in the store, applied where it differs, on every transport. */
  #applyStoredRoles(roomId: string, stored: RoomRoles, newsBefore: number | undefined): void {
    const live = this.#deps.registry.get(roomId);
    if (!live || (this.#roleNews.get(live) ?? 0) !== newsBefore) return;
    const changes = new Map<string, GrantRole>();
    for (const { user, role, joinedAt } of live.participants.values()) {
      if (role === 'owner') continue;
      const wanted = storedRole({ role, joinedAt }, user.id, stored);
      if (wanted !== undefined && wanted !== role) changes.set(user.id, wanted);
    }
    for (const [userId, role] of changes) {
      this.#deps.logger.info({ roomId, userId, role }, 'news of a role lost in transit: applying what the store says');
      live.setRole(userId, role);
    }
  }

  /** Where a request to edit goes (the owner's sockets). */
  get sinks(): Subscribable<EditRequestSink> {
    return this.#sinks;
  }

  /** `PATCH /api/rooms/:id {listed}` by the owner. */
  async setListed(roomId: string, userId: string, listed: boolean): Promise<void> {
    const { store, directory, bus, isClosed } = this.#deps;
    const room = await directory.get(roomId);
    if (room.ownerId !== userId) throw new AppError('forbidden', 'only the owner can list the room');
    if (listed && (await isClosed(roomId))) throw new AppError('forbidden', 'this room was closed by a moderator');
    if (!(await store.setListed(roomId, listed, new Date().toISOString()))) throw new AppError('not_found', 'no such room');
    if (listed) {
      await bus.publish({ type: 'listed', roomId });
      return;
    }
    await this.ended(roomId);
  }

  /** The room left the list whatever the reason: off "Live now", and its spectators let go on every node. */
  async ended(roomId: string): Promise<void> {
    await this.#deps.rooms.ended(roomId);
    await this.#deps.bus.publish({ type: 'recheck', roomId });
  }

  /** A moderator closed the room: it leaves the list for good (the owner may list it again once reopened). */
  async closed(roomId: string): Promise<void> {
    await this.#deps.store.setListed(roomId, false, new Date().toISOString());
    await this.ended(roomId);
  }

  /**
   * The room was deleted (with its owner's account): every node lets go of
   * whoever is still in it, listed or not (a listed one also leaves "Live
   * now" with the next sweep of live-rooms.ts).
   */
  async deleted(roomId: string): Promise<void> {
    await this.#deps.bus.publish({ type: 'recheck', roomId });
  }

  /** `room:request-edit`: a viewer in the room asks its owner. */
  async requestEdit(roomId: string, user: PublicUser): Promise<void> {
    const { directory, limiter, editRequestsPerMinute, notify } = this.#deps;
    const live = this.#deps.registry.get(roomId);
    const here = live ? [...live.participants.values()].find((p) => p.user.id === user.id) : undefined;
    if (!here) throw new AppError('forbidden', 'join the room first');
    if (canEdit(here.role)) throw new AppError('bad_request', 'you can already edit this room');
    if (!(await limiter.take(`edit-request:${roomId}:${user.id}`, { limit: editRequestsPerMinute, windowMs: 60_000 }))) {
      throw new AppError('rate_limited', `at most ${editRequestsPerMinute} requests a minute in one room`);
    }
    const room = await directory.get(roomId);
    notify({ type: 'join_request', actorId: user.id, recipientIds: [room.ownerId], roomId });
    const request: EditRequest = { user, at: new Date().toISOString() };
    this.#sinks.emit('editRequested', roomId, room.ownerId, request);
  }

  /** `room:grant`: the owner makes someone in the room an editor, or a viewer again. */
  async grant(roomId: string, by: string, userId: string, role: GrantRole): Promise<void> {
    const { directory, store, bus } = this.#deps;
    const room = await directory.get(roomId);
    if (room.ownerId !== by) throw new AppError('forbidden', 'only the owner can change roles');
    if (userId === room.ownerId) throw new AppError('bad_request', 'the owner is always the owner');
    if (!(await this.#present(roomId, userId))) throw new AppError('not_found', 'that user is not in the room');
    // Remembered first: a reconnect on any node gets the new role too.
    await store.setMembership(roomId, userId, role, new Date().toISOString());
    await bus.publish({ type: 'role', roomId, userId, role, by });
  }

  /** In the room on this node, or on another node's board entry; `unavailable` at once while the board is out of reach. */
  async #present(roomId: string, userId: string): Promise<boolean> {
    const live = this.#deps.registry.get(roomId);
    if (live && [...live.participants.values()].some((p) => p.user.id === userId)) return true;
    if (this.#deps.boardReachable?.() === false) {
      throw new AppError('unavailable', 'that user is not in the room on this server, and the others cannot be asked now; try again');
    }
    const entries = await this.#deps.board.entries(Date.now());
    return entries.some(
      (entry) => entry.roomId === roomId && (entry.viewerIds.includes(userId) || entry.participants.some((u) => u.id === userId)),
    );
  }

  #command(command: LiveCommand): void {
    const live = this.#deps.registry.get(command.roomId);
    if (!live) return;
    switch (command.type) {
      case 'listed':
        return;
      case 'role':
        this.#roleNews.set(live, (this.#roleNews.get(live) ?? 0) + 1);
        live.setRole(command.userId, command.role);
        return;
      case 'recheck':
        void this.#recheck(command.roomId);
        return;
    }
  }

  /** Asks again, for each person here, whether they may be in the room; those refused are let go. */
  async #recheck(roomId: string): Promise<void> {
    const live = this.#deps.registry.get(roomId);
    if (!live) return;
    const byUser = new Map<string, string[]>();
    for (const participant of live.participants.values()) {
      if (participant.role === 'owner') continue;
      const ids = byUser.get(participant.user.id) ?? [];
      ids.push(participant.connectionId);
      byUser.set(participant.user.id, ids);
    }
    for (const [userId, connectionIds] of byUser) {
      try {
        await this.#deps.directory.resolve(roomId, userId, undefined, { remember: false });
      } catch (err) {
        const refusal = err instanceof AppError ? err : new AppError('forbidden', 'you may no longer watch this room');
        for (const id of connectionIds) live.evict(id, refusal);
      }
    }
  }
}
