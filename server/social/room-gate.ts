// Rooms as blocks and moderation shape them: a user the owner blocks cannot
// enter (on any transport, HTTP included), a room a moderator closed admits
// its owner only, and a user's room list leaves out rooms of people they block.
import { AppError } from '../errors.ts';
import type { RoomGate } from '../rooms/directory.ts';
import type { RoomRecord } from '../store/records.ts';
import type { GraphStore, ModerationStore } from '../store/social.ts';

export function socialRoomGate(graph: GraphStore, moderation: ModerationStore): RoomGate {
  return {
    async check(room: RoomRecord, userId: string): Promise<void> {
      if (room.ownerId === userId) return;
      // Read from the store each time: a block made on another node counts at once.
      const [blocked, closed] = await Promise.all([graph.isBlocking(room.ownerId, userId), moderation.isHidden('room', room.id)]);
      if (closed) throw new AppError('forbidden', 'this room was closed by a moderator');
      if (blocked) throw new AppError('forbidden', 'the owner of this room does not let you in');
    },
    async listable<T extends RoomRecord>(rooms: T[], userId: string): Promise<T[]> {
      const blocked = await graph.blockedAmong(userId, [...new Set(rooms.map((r) => r.ownerId))]);
      return blocked.size === 0 ? rooms : rooms.filter((room) => !blocked.has(room.ownerId));
    },
  };
}
