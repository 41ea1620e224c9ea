// Broadcast channels (events/broadcast.ts), on both transports: a connection
// is on its rooms', its user's, and the ones it subscribed to. A connection's
// own id is a channel too, which `except` and role changes rely on.

/** A room's members: its jobs (`gen:update`). */
export const roomChannel = (roomId: string) => `room:${roomId}`;
/** Every connection of a signed-in user, wherever connected: notifications, edit requests; `except` for blocks. */
export const userChannel = (userId: string) => `user:${userId}`;
/** A work's page (`work:subscribe`): comments, likes. */
export const workChannel = (workId: string) => `work:${workId}`;
/** `gallery:subscribe`: every published work, like count and deletion. */
export const GALLERY_CHANNEL = 'gallery';
/** `live:subscribe`: "Live now" (docs/live.md). */
export const LIVE_CHANNEL = 'live';
