// Broadcast channels (events/broadcast.ts), on both transports: a connection
// is on its rooms', its user's, and the ones it subscribed to. A connection's
// own id is a channel too, which `except` and role changes rely on.

const ROOM_PREFIX = 'room:';

/** A room's members: its jobs (`gen:update`). */
export const roomChannel = (roomId: string) => `${ROOM_PREFIX}${roomId}`;
/** The room whose members a channel is; undefined for any other channel. */
export const roomOfChannel = (channel: string): string | undefined =>
  channel.startsWith(ROOM_PREFIX) ? channel.slice(ROOM_PREFIX.length) : undefined;
/** Every connection of a signed-in user, wherever connected: notifications, edit requests; `except` for blocks. */
export const userChannel = (userId: string) => `user:${userId}`;
/** A work's page (`work:subscribe`): comments, likes. */
export const workChannel = (workId: string) => `work:${workId}`;
/** `gallery:subscribe`: every published work, like count and deletion. */
export const GALLERY_CHANNEL = 'gallery';
/** `live:subscribe`: "Live now" (docs/live.md). */
export const LIVE_CHANNEL = 'live';
