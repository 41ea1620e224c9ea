// Default limits, shared so the client can respect them before the server has
// to refuse. The server's effective values come from its configuration.

/** One Yjs sync or awareness message, in bytes (Socket.IO and WebSocket alike). */
export const DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024;
/** A room's whole Yjs document, in bytes of its encoded state. */
export const DEFAULT_MAX_DOC_BYTES = 8 * 1024 * 1024;
/** One client's awareness state, in bytes of its JSON. */
export const DEFAULT_MAX_AWARENESS_BYTES = 8 * 1024;
export const DEFAULT_MAX_ROOMS_PER_CONNECTION = 8;
export const DEFAULT_MAX_PARTICIPANTS_PER_ROOM = 500;
/** Viewers (spectators of a listed room among them) count apart from makers. */
export const DEFAULT_MAX_SPECTATORS_PER_ROOM = 2000;
/** Sustained messages per second per connection, and the burst allowed above it. */
export const DEFAULT_MESSAGES_PER_SECOND = 100;
export const DEFAULT_MESSAGE_BURST = 300;
