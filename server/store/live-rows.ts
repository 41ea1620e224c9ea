// Rows of the live store's queries, shaped the same on both backends.
import type { LinkAccess } from '../../shared/protocol.ts';
import type { RoomRoles } from './live.ts';

/**
 * A room with one membership of one of the asked users (`role`), or one
 * revoke (`revoked_at`, ms since the epoch), or neither (`user_id` null).
 */
export interface RoleRow {
  room_id: string;
  link_access: string;
  user_id: string | null;
  role: string | null;
  revoked_at: number | null;
}

/** Rows of rooms joined to their memberships and revokes as room id → its link, members and revoked. */
export function groupRoles(rows: Iterable<RoleRow>): Map<string, RoomRoles> {
  const byRoom = new Map<string, RoomRoles>();
  for (const row of rows) {
    let room = byRoom.get(row.room_id);
    if (!room) {
      room = { linkAccess: row.link_access as LinkAccess, members: new Map(), revoked: new Map() };
      byRoom.set(row.room_id, room);
    }
    if (row.user_id === null) continue;
    if (row.role === 'editor' || row.role === 'viewer') room.members.set(row.user_id, row.role);
    if (row.revoked_at !== null) room.revoked.set(row.user_id, row.revoked_at);
  }
  return byRoom;
}

/** (room, blocked user) pairs as room id → the users its owner blocks. */
export function groupBlocked(pairs: Iterable<readonly [string, string]>): Map<string, Set<string>> {
  const byRoom = new Map<string, Set<string>>();
  for (const [roomId, userId] of pairs) {
    const users = byRoom.get(roomId) ?? new Set<string>();
    users.add(userId);
    byRoom.set(roomId, users);
  }
  return byRoom;
}
