// Limits on what one connection, user or request may send (Config's `limits`).
import * as limits from '../../shared/limits.ts';
import { int, setting } from './setting.ts';

export const limitSettings = {
  maxMessageBytes: setting('MAX_MESSAGE_BYTES', int(1024).default(limits.DEFAULT_MAX_MESSAGE_BYTES), 'one Yjs sync or awareness message'),
  maxDocBytes: setting(
    'MAX_DOC_BYTES',
    int(1024).default(limits.DEFAULT_MAX_DOC_BYTES),
    "a room's encoded document; growth past it is refused (`too_large`)",
  ),
  maxPendingBytes: setting(
    'MAX_PENDING_BYTES',
    int(1024).default(1024 * 1024),
    'Yjs state a room holds back waiting for what it depends on (pending structs and deletes); past it that state is dropped and the sender refused (`too_large`)',
  ),
  claimWaitMs: setting(
    'CLAIM_WAIT_MS',
    int(10, 600_000).default(5000),
    "with several nodes, how long a connection's Yjs update under a client id new to the room waits for its claim in the store; what the connection sends after it waits behind it, its events included; past it the update is refused (`unavailable`) and asked for again once the claim is made",
  ),
  maxAwarenessBytes: setting(
    'MAX_AWARENESS_BYTES',
    int(64).default(limits.DEFAULT_MAX_AWARENESS_BYTES),
    "one participant's awareness state (JSON)",
  ),
  maxRoomsPerConnection: setting(
    'MAX_ROOMS_PER_CONNECTION',
    int(1).default(limits.DEFAULT_MAX_ROOMS_PER_CONNECTION),
    'rooms one Socket.IO connection may join',
  ),
  maxParticipantsPerRoom: setting(
    'MAX_PARTICIPANTS_PER_ROOM',
    int(1).default(limits.DEFAULT_MAX_PARTICIPANTS_PER_ROOM),
    'connections in one room as owner or editor',
  ),
  maxSpectatorsPerRoom: setting(
    'MAX_SPECTATORS_PER_ROOM',
    int(1).default(limits.DEFAULT_MAX_SPECTATORS_PER_ROOM),
    'connections in one room as viewer, counted apart from makers (`unavailable` past it)',
  ),
  messagesPerSecond: setting(
    'MESSAGES_PER_SECOND',
    int(1).default(limits.DEFAULT_MESSAGES_PER_SECOND),
    'per-connection sustained message rate (`rate_limited` past it)',
  ),
  messageBurst: setting('MESSAGE_BURST', int(1).default(limits.DEFAULT_MESSAGE_BURST), 'per-connection burst allowed above that rate'),
  maxBodyBytes: setting('MAX_BODY_BYTES', int(1024).default(64 * 1024), 'JSON request bodies'),
  httpRequestsPerMinute: setting('HTTP_REQUESTS_PER_MINUTE', int(1).default(600), 'API requests per user or IP'),
  sessionsPerMinute: setting('SESSIONS_PER_MINUTE', int(1).default(30), '`POST /api/session` per IP'),
  roomsPerMinute: setting('ROOMS_PER_MINUTE', int(1).default(30), '`POST /api/rooms` per user'),
  maxUploadBytes: setting('MAX_UPLOAD_BYTES', int(1024).default(10 * 1024 * 1024), 'an uploaded image (`too_large` past it)'),
  maxUploadPixels: setting(
    'MAX_UPLOAD_PIXELS',
    int(1).default(40_000_000),
    "an uploaded image's width × height (decompression bombs refused)",
  ),
  uploadsPerMinute: setting('UPLOADS_PER_MINUTE', int(1).default(30), '`POST /api/rooms/:id/media` per user'),
};
