// The role the store gives someone already in a room, for the access sweep:
// a grant or revoke whose bus message a node missed (Redis away) is only in
// the store, so the sweep reads it back and applies it as the message would
// have. A grant is a membership as editor; a revoke forgets the membership
// and is remembered with its time (until a grant).
import type { GrantRole } from '../../shared/live.ts';
import type { RoomRoles } from '../store/live.ts';

/** A connection in the room: its role and when it joined (ms since the epoch, this node's clock). */
export interface Held {
  role: GrantRole;
  joinedAt: number;
}

/**
 * The role a connection should have now, or undefined to leave it. A
 * remembered membership decides, as it does at a join. Without one, an editor
 * is a viewer where the room's link does not give editing (they were granted
 * it and have been revoked, as the revoke made everyone else), and where it
 * does, if the owner revoked them after they joined: one who joined after the
 * revoke was made an editor by the link, as any join would. A viewer without a
 * membership is left a viewer (only a grant makes a viewer an editor).
 */
export function storedRole(held: Held, userId: string, room: RoomRoles): GrantRole | undefined {
  const member = room.members.get(userId);
  if (member !== undefined) return member;
  if (held.role !== 'editor') return undefined;
  if (room.linkAccess !== 'edit') return 'viewer';
  const revokedAt = room.revoked.get(userId);
  return revokedAt !== undefined && revokedAt >= held.joinedAt ? 'viewer' : undefined;
}
