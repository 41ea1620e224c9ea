// Rooms as records: creating them (with their first document state and
// invites), reading, renaming, and deciding each user's role.
import * as Y from 'yjs';
import { initRoomDoc, ROOTS } from '../../shared/doc-schema.ts';
import type { InviteRole, Invites, LinkAccess, Role } from '../../shared/protocol.ts';
import { AppError } from '../errors.ts';
import { randomId } from '../ids.ts';
import type { DocLog } from '../store/doc-log.ts';
import type { InviteRecord, RecordStore, RoomPatch, RoomRecord } from '../store/records.ts';
import type { RoomRegistry } from './registry.ts';

export interface NewRoom {
  title?: string;
  linkAccess?: LinkAccess;
  remixOf?: string | null;
  /** A document state to start from (a remix); otherwise an empty canvas. */
  initialState?: Uint8Array;
}

export interface Access {
  room: RoomRecord;
  role: Role;
}

/**
 * Who may not enter a room at all, whatever their role or invite (a user the
 * owner blocks; anyone but the owner once a moderator closed it), and which
 * rooms a user wants listed. The social layer provides it.
 */
export interface RoomGate {
  /** Throws an AppError when the user may not enter. */
  check(room: RoomRecord, userId: string): Promise<void>;
  /** Of these rooms, the ones to list for the user. */
  listable<T extends RoomRecord>(rooms: T[], userId: string): Promise<T[]>;
}

/** Which rooms their owners listed in "Live now" (docs/live.md): anyone may watch those. */
export interface RoomListing {
  isListed(roomId: string): Promise<boolean>;
}

export const NEVER_LISTED: RoomListing = { isListed: async () => false };

export interface ResolveOptions {
  /** Remember the role an invite gives (false for a look that is not a join). */
  remember?: boolean;
  /** Joining a listed room to watch: a viewer unless an invite or a membership says more. */
  watch?: boolean;
}

/** No rules beyond roles (tests of the rooms alone). */
export const OPEN_GATE: RoomGate = { check: async () => undefined, listable: async (rooms) => rooms };

export class RoomDirectory {
  readonly #records: RecordStore;
  readonly #docLog: DocLog;
  readonly #registry: RoomRegistry;
  readonly #gate: RoomGate;
  readonly #listing: RoomListing;

  constructor(records: RecordStore, docLog: DocLog, registry: RoomRegistry, gate: RoomGate = OPEN_GATE, listing = NEVER_LISTED) {
    this.#records = records;
    this.#docLog = docLog;
    this.#registry = registry;
    this.#gate = gate;
    this.#listing = listing;
  }

  async create(ownerId: string, options: NewRoom = {}): Promise<{ room: RoomRecord; invites: Invites }> {
    const now = new Date().toISOString();
    const room: RoomRecord = {
      id: randomId(),
      title: options.title ?? 'Untitled room',
      ownerId,
      linkAccess: options.linkAccess ?? 'edit',
      remixOf: options.remixOf ?? null,
      createdAt: now,
    };
    const invites: InviteRecord[] = (['edit', 'view'] as const).map((role) => ({
      code: randomId(),
      roomId: room.id,
      role,
      createdAt: now,
    }));
    const doc = new Y.Doc();
    if (options.initialState) Y.applyUpdate(doc, options.initialState);
    initRoomDoc(doc, room.title);
    // The log first: a room record never exists without its document.
    await this.#docLog.append(room.id, [Y.encodeStateAsUpdate(doc)]);
    doc.destroy();
    await this.#records.createRoom(room, invites);
    return { room, invites: toInvites(invites, 'owner') };
  }

  async get(roomId: string): Promise<RoomRecord> {
    const room = await this.#records.getRoom(roomId);
    if (!room) throw new AppError('not_found', 'no such room');
    return room;
  }

  /** Renames or changes link access; the title is mirrored into the document's `meta`. */
  async update(roomId: string, userId: string, patch: RoomPatch): Promise<RoomRecord> {
    const room = await this.get(roomId);
    if (room.ownerId !== userId) throw new AppError('forbidden', 'only the owner can change the room');
    const updated = await this.#records.updateRoom(roomId, patch);
    if (!updated) throw new AppError('not_found', 'no such room');
    if (patch.title !== undefined && patch.title !== room.title) {
      const title = patch.title;
      await this.#registry.withRoom(roomId, (live) =>
        live.transact((doc) => doc.getMap(ROOTS.meta).set('title', title), 'room:rename', userId),
      );
    }
    return updated;
  }

  /**
   * The role a user gets on joining: the owner is always owner; then an invite
   * they present (remembered for next time); then a remembered membership; then
   * the room's link access. A listed room admits anyone else as a viewer,
   * and anyone who came to watch as a viewer at most. An invite for another
   * room is ignored.
   */
  async resolve(roomId: string, userId: string, invite?: string, options: ResolveOptions = {}): Promise<Access> {
    const { remember = true, watch = false } = options;
    const room = await this.get(roomId);
    await this.#gate.check(room, userId);
    if (room.ownerId === userId) return { room, role: 'owner' };
    if (invite) {
      const record = await this.#records.getInvite(invite);
      if (record && record.roomId === roomId) {
        const role = record.role === 'edit' ? 'editor' : 'viewer';
        if (remember) await this.#records.rememberMembership(roomId, userId, role);
        return { room, role };
      }
    }
    const remembered = await this.#records.getMembership(roomId, userId);
    if (remembered) return { room, role: remembered };
    const watching = room.linkAccess === 'none' || (watch && room.linkAccess === 'edit');
    if (watching && (await this.#listing.isListed(roomId))) return { room, role: 'viewer' };
    switch (room.linkAccess) {
      case 'edit':
        return { room, role: 'editor' };
      case 'view':
        return { room, role: 'viewer' };
      case 'none':
        throw new AppError('forbidden', 'this room is invite-only');
    }
  }

  async isListed(roomId: string): Promise<boolean> {
    return this.#listing.isListed(roomId);
  }

  /** Rooms the user owns or joined, newest first, leaving out those they do not want to see (owned by someone they block). */
  async list(userId: string, limit: number): Promise<Array<RoomRecord & { role: Role }>> {
    return this.#gate.listable(await this.#records.listRooms(userId, limit), userId);
  }

  /** The invites a role may hand out: editors share both links, viewers only the view link. */
  async invitesFor(roomId: string, role: Role): Promise<Invites> {
    return toInvites(await this.#records.getInvites(roomId), role);
  }
}

function toInvites(records: readonly InviteRecord[], role: Role): Invites {
  const code = (r: InviteRole) => records.find((i) => i.role === r)?.code;
  const view = code('view');
  if (!view) throw new AppError('internal', 'room has no view invite');
  const edit = role === 'viewer' ? undefined : code('edit');
  return edit ? { edit, view } : { view };
}
