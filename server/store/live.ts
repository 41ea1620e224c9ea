// Live rooms' records (docs/live.md): which rooms their owners listed, and the
// roles the owner granted or revoked in them.
import type { GrantRole } from '../../shared/live.ts';

/** Why a room admits nobody but its owner any more. */
export type RoomEnd = 'closed' | 'gone';

export interface LiveStore {
  /** Lists or unlists a room; false when there is no such room. */
  setListed(roomId: string, listed: boolean, at: string): Promise<boolean>;
  isListed(roomId: string): Promise<boolean>;
  /** Of these rooms, the ones listed now. */
  listedAmong(roomIds: readonly string[]): Promise<Set<string>>;
  /**
   * Of these rooms, the ones that admit nobody but their owner: `closed` by a
   * moderator, or `gone` (deleted with its owner's account). The others are left out.
   */
  closedOrGoneAmong(roomIds: readonly string[]): Promise<Map<string, RoomEnd>>;
  /**
   * The role the owner gave a user in a room, remembered for their next
   * join. A revoke (`viewer`) forgets the membership: they are back to what
   * the room's link and listing give them.
   */
  setMembership(roomId: string, userId: string, role: GrantRole, at: string): Promise<void>;
}
