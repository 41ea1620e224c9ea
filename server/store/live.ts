// Live rooms' records (docs/live.md): which rooms their owners listed, and the
// roles the owner granted or revoked in them.
import type { GrantRole } from '../../shared/live.ts';
import type { LinkAccess } from '../../shared/protocol.ts';

/** Why a room admits nobody but its owner any more. */
export type RoomEnd = 'closed' | 'gone';

export interface Refusals {
  /** Rooms closed or gone; the others are left out. */
  ended: Map<string, RoomEnd>;
  /** Room id → the given users its owner blocks (rooms without any are left out). */
  blocked: Map<string, Set<string>>;
}

/** What a room's record says of the role of users without an invite: its link, their memberships and revokes. */
export interface RoomRoles {
  linkAccess: LinkAccess;
  /** User id → the membership remembered (an invite used, or the owner's grant); users without one are left out. */
  members: Map<string, 'editor' | 'viewer'>;
  /** User id → when the owner last revoked their editing (ms since the epoch), unless granted it since. */
  revoked: Map<string, number>;
}

export interface LiveStore {
  /** Lists or unlists a room; false when there is no such room. */
  setListed(roomId: string, listed: boolean, at: string): Promise<boolean>;
  isListed(roomId: string): Promise<boolean>;
  /** Of these rooms, the ones listed now. */
  listedAmong(roomIds: readonly string[]): Promise<Set<string>>;
  /**
   * Who the store says may no longer be in these rooms: the ones that admit
   * nobody but their owner (`closed` by a moderator, or `gone`, deleted with
   * its owner's account), and which of these users each room's owner blocks.
   */
  refusalsAmong(roomIds: readonly string[], userIds: readonly string[]): Promise<Refusals>;
  /** For each of these rooms that exists, its link access and the memberships of these users in it. */
  rolesAmong(roomIds: readonly string[], userIds: readonly string[]): Promise<Map<string, RoomRoles>>;
  /**
   * The role the owner gave a user in a room, remembered for their next
   * join. A revoke (`viewer`) forgets the membership, so they are back to what
   * the room's link and listing give them, and is remembered with `at` until
   * a grant: what was an editor before it is one no more.
   */
  setMembership(roomId: string, userId: string, role: GrantRole, at: string): Promise<void>;
  /** The revokes of a user's editing still remembered (no grant since), oldest first: theirs to export. */
  revocationsOf(userId: string): Promise<Revocation[]>;
}

export interface Revocation {
  roomId: string;
  revokedAt: string;
}
