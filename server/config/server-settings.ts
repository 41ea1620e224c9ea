// The process itself: where it listens, where it keeps its files, who may call it.
import { z } from 'zod';
import { bool, int, list, secret, setting } from './setting.ts';

export const serverSettings = {
  port: setting('PORT', int(0, 65535).default(3000), 'HTTP, Socket.IO and Yjs WebSocket port (`0`: any free port)'),
  host: setting('HOST', z.string().min(1).default('127.0.0.1'), 'interface to listen on'),
  listenBacklog: setting(
    'LISTEN_BACKLOG',
    int(1, 65535).default(4096),
    'connections the kernel holds until the server accepts them (capped by `net.core.somaxconn`); past it, new connections wait for TCP retransmits',
  ),
  dataDir: setting('DATA_DIR', z.string().min(1).default('./data'), 'SQLite database, session secret, media'),
  mediaDir: setting('MEDIA_DIR', z.string().min(1).optional(), 'content-addressed images (may be a shared volume)', {
    defaultDoc: '`$DATA_DIR/media`',
  }),
  sessionSecret: setting(
    'SESSION_SECRET',
    secret.optional(),
    'HMAC key for session tokens (≥ 32 characters); required with `REDIS_URL`, where every node must share it',
    { defaultDoc: 'generated once into `$DATA_DIR/session-secret`' },
  ),
  logLevel: setting(
    'LOG_LEVEL',
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    '`fatal` … `trace`, or `silent`',
  ),
  publicUrl: setting(
    'PUBLIC_URL',
    z
      .url()
      .transform((u) => u.replace(/\/$/, ''))
      .optional(),
    'absolute base URL for links in feeds and cards; its origin may open the realtime transports',
    { defaultDoc: "request's own origin" },
  ),
  corsOrigins: setting(
    'CORS_ORIGINS',
    list.default([]),
    'comma-separated origins allowed to call the API with credentials and to open the realtime transports',
    {
      defaultDoc: 'none (CORS off)',
    },
  ),
  trustProxy: setting('TRUST_PROXY', bool.default(false), 'trust `X-Forwarded-*` (behind a load balancer)'),
  shutdownTimeoutMs: setting('SHUTDOWN_TIMEOUT_MS', int(100).default(10_000), 'SIGTERM: time allowed to flush and close'),
  presenceIntervalMs: setting(
    'PRESENCE_INTERVAL_MS',
    int(0, 1000).default(33),
    'at most how often a room sends its presence (cursors) to each participant; the first change after a quiet interval goes at once, removals always do (`0`: once a turn)',
  ),
  wsPingIntervalMs: setting(
    'WS_PING_INTERVAL_MS',
    int(100, 3_600_000).default(30_000),
    "how often the Yjs WebSocket pings each connection, a slice of them at a time; one that has not answered the previous ping is dropped (Socket.IO's are engine.io's: every 25 s, dropped 20 s after an unanswered ping)",
  ),
  adminToken: setting('ADMIN_TOKEN', secret.optional(), 'bearer token of `/api/admin/*`, e.g. the signals export (≥ 32 characters)', {
    defaultDoc: 'unset (admin routes answer 404)',
  }),
};
