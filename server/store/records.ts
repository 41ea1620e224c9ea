// Users, rooms, invites and memberships.
import type { InviteRole, LinkAccess, Role, RoomInfo } from '../../shared/protocol.ts';

export interface UserRecord {
  id: string;
  name: string;
  color: string;
  handle: string | null;
  /** '' when they wrote none. */
  bio: string;
  avatarUrl: string | null;
  createdAt: string;
  /** Consent to export this user's creative signals (docs/signals.md); off until they turn it on. */
  shareSignals: boolean;
  /** When they first held a passkey or a linked identity; null for a guest. */
  accountAt: string | null;
  /** A deleted account leaves this tombstone ("deleted user") so co-authored works keep their credit. */
  deletedAt: string | null;
}

/** A user as created: a guest, consent off unless given. */
export interface NewUser {
  id: string;
  name: string;
  color: string;
  createdAt: string;
  shareSignals?: boolean;
}

export type RoomRecord = RoomInfo;

export interface InviteRecord {
  code: string;
  roomId: string;
  role: InviteRole;
  createdAt: string;
}

export interface RoomPatch {
  title?: string;
  linkAccess?: LinkAccess;
}

export interface UserPatch {
  name?: string;
  color?: string;
  shareSignals?: boolean;
  bio?: string;
  /** null removes it. */
  avatarUrl?: string | null;
}

export interface RecordStore {
  createUser(user: NewUser): Promise<void>;
  /** Any user, deleted ones (tombstones) included. */
  getUser(id: string): Promise<UserRecord | null>;
  /** Changes a user that is not deleted; null when there is none. */
  updateUser(id: string, patch: UserPatch): Promise<UserRecord | null>;

  /** Creates the room and its invites in one transaction. */
  createRoom(room: RoomRecord, invites: readonly InviteRecord[]): Promise<void>;
  getRoom(id: string): Promise<RoomRecord | null>;
  updateRoom(id: string, patch: RoomPatch): Promise<RoomRecord | null>;
  getInvites(roomId: string): Promise<InviteRecord[]>;
  getInvite(code: string): Promise<InviteRecord | null>;

  getMembership(roomId: string, userId: string): Promise<Role | null>;
  /** Remembers a role; never lowers one already remembered. */
  rememberMembership(roomId: string, userId: string, role: Exclude<Role, 'owner'>): Promise<void>;
  /** Rooms the user owns or is a member of, newest first. */
  listRooms(userId: string, limit: number): Promise<Array<RoomRecord & { role: Role }>>;
}
