// The role the store gives someone already in a room, for the access sweep:
// a grant or revoke whose bus message a node missed (Redis away) is only in
// the store, so the sweep reads it back and applies it as the message would
// have. A grant is a membership as editor; a revoke forgets the membership.
import type { GrantRole } from '../../shared/live.ts';
import type { RoomRoles } from '../store/live.ts';

/**
 * The role a connection holding `current` should have now, or undefined to
 * leave it. A remembered membership decides, as it does at a join. Without
 * one, an editor whose editing the room's link does not give was granted it
 * and has been revoked: a viewer, as the revoke made everyone else. An editor
 * in a room whose link gives editing is left one: the store cannot tell the
 * link's editors from a revoked grant there, and their next join makes them
 * editors again in any case. A viewer without a membership is left a viewer
 * (only a grant makes a viewer an editor).
 */
export function storedRole(current: GrantRole, userId: string, room: RoomRoles): GrantRole | undefined {
  const member = room.members.get(userId);
  if (member !== undefined) return member;
  if (current === 'editor' && room.linkAccess !== 'edit') return 'viewer';
  return undefined;
}
