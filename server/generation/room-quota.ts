// How many jobs a room may have queued or running at once, counted across
// every node that serves it. A single node counts them in its JobQueue and
// needs nothing more; scaled mode keeps the count in Redis
// (server/scale/redis-room-quota.ts), so a room's participants spread over
// nodes cannot multiply GEN_ROOM_QUEUE_LIMIT.

export interface RoomJobQuota {
  /**
   * Holds a place for the job among the room's active jobs; false when the
   * room already has `limit`. A place not released lapses after `ttlMs`, so a
   * node that dies holding places does not block the room for ever.
   */
  acquire(roomId: string, jobId: string, limit: number, ttlMs: number): Promise<boolean>;
  release(roomId: string, jobId: string): Promise<void>;
}

/** One node: the JobQueue's own per-room count is the whole truth. */
export const localRoomQuota: RoomJobQuota = {
  acquire: async () => true,
  release: async () => undefined,
};
