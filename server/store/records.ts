// Users, rooms, invites and memberships.
import type { InviteRole, LinkAccess, PublicUser, Role, RoomInfo } from '../../shared/protocol.ts';

export interface UserRecord extends PublicUser {
  createdAt: string;
  /** Consent to export this user's creative signals (docs/signals.md); off until they turn it on. */
  shareSignals: boolean;
}

/** A user as created: consent, when not given, is off. */
export type NewUser = Omit<UserRecord, 'shareSignals'> & { shareSignals?: boolean };

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
}

export interface RecordStore {
  createUser(user: NewUser): Promise<void>;
  getUser(id: string): Promise<UserRecord | null>;
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
