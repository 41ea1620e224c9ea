// The one place that reads the environment. Everything else receives a Config.
import { createHmac, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import * as limits from '../shared/limits.ts';
import {
  ENABLED_BY,
  GEN_PROVIDER_NAMES,
  type GenProviderName,
  isConfigured,
  type ProvidersConfig,
  providerEnvShape,
  providersConfig,
} from './generation/provider-config.ts';

export { GEN_PROVIDER_NAMES, type GenProviderName };

const int = (min: number, max = Number.MAX_SAFE_INTEGER) => z.coerce.number().int().min(min).max(max);
const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');
const optionalUrl = (protocols: string[]) =>
  z
    .url()
    .refine((u) => protocols.some((p) => u.startsWith(p)), `must start with ${protocols.join(' or ')}`)
    .optional();

/** A comma-separated list; blanks dropped. */
const list = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);

/** Every setting, its environment variable and its default. README.md's table mirrors this. */
const envSchema = z.object({
  PORT: int(0, 65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('./data'),
  MEDIA_DIR: z.string().min(1).optional(),
  SESSION_SECRET: z.string().min(32, 'at least 32 characters').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PUBLIC_URL: z.url().optional(),
  CORS_ORIGINS: z.string().optional(),
  TRUST_PROXY: bool.default(false),
  REDIS_URL: optionalUrl(['redis://', 'rediss://']),
  DATABASE_URL: optionalUrl(['postgres://', 'postgresql://']),
  NODE_ID: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/)
    .optional(),
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,64}$/)
    .default('atelier:'),
  DATABASE_POOL_MAX: int(1, 1000).default(10),
  NODE_HEARTBEAT_MS: int(100, 60_000).default(5_000),
  NODE_TIMEOUT_MS: int(300, 300_000).default(15_000),

  MAX_MESSAGE_BYTES: int(1024).default(limits.DEFAULT_MAX_MESSAGE_BYTES),
  MAX_DOC_BYTES: int(1024).default(limits.DEFAULT_MAX_DOC_BYTES),
  MAX_AWARENESS_BYTES: int(64).default(limits.DEFAULT_MAX_AWARENESS_BYTES),
  MAX_ROOMS_PER_CONNECTION: int(1).default(limits.DEFAULT_MAX_ROOMS_PER_CONNECTION),
  MAX_PARTICIPANTS_PER_ROOM: int(1).default(limits.DEFAULT_MAX_PARTICIPANTS_PER_ROOM),
  MESSAGES_PER_SECOND: int(1).default(limits.DEFAULT_MESSAGES_PER_SECOND),
  MESSAGE_BURST: int(1).default(limits.DEFAULT_MESSAGE_BURST),
  MAX_BODY_BYTES: int(1024).default(64 * 1024),
  HTTP_REQUESTS_PER_MINUTE: int(1).default(600),
  SESSIONS_PER_MINUTE: int(1).default(30),
  ROOMS_PER_MINUTE: int(1).default(30),

  ROOM_UNLOAD_GRACE_MS: int(0).default(10_000),
  LOG_COMPACT_ENTRIES: int(2).default(500),
  LOG_COMPACT_BYTES: int(1024).default(1024 * 1024),
  SQLITE_CHECKPOINT_MS: int(0).default(1000),
  SHUTDOWN_TIMEOUT_MS: int(100).default(10_000),

  GEN_PROVIDERS: list.default([...GEN_PROVIDER_NAMES]),
  GEN_DEFAULT_PROVIDER: z.string().min(1).default('local'),
  GEN_CONCURRENCY: int(1, 64).default(2),
  GEN_QUEUE_LIMIT: int(1).default(100),
  GEN_ROOM_QUEUE_LIMIT: int(1).default(4),
  GEN_USER_JOBS_PER_MINUTE: int(1).default(20),
  GEN_TIMEOUT_MS: int(100).default(120_000),
  GEN_MAX_CANDIDATES: int(1).default(64),
  PROMPT_BLOCKLIST: list.default([]),
  OPENAI_API_KEY: z.string().min(1).optional(),
  OPENAI_BASE_URL: optionalUrl(['http://', 'https://']),
  OPENAI_IMAGE_MODEL: z.string().min(1).max(80).default('gpt-image-1'),
  OPENAI_MAX_RETRIES: int(0, 10).default(2),
  OPENAI_PARTIAL_IMAGES: int(0, 3).default(2),
  OPENAI_MODERATION: bool.default(true),
  ...providerEnvShape,
  MAX_UPLOAD_BYTES: int(1024).default(10 * 1024 * 1024),
  MAX_UPLOAD_PIXELS: int(1).default(40_000_000),
  UPLOADS_PER_MINUTE: int(1).default(30),

  PUBLISHES_PER_MINUTE: int(1).default(10),
  PUBLISH_MAX_LAYERS: int(1).default(64),
  RENDER_CONCURRENCY: int(1, 64).default(1),
  RENDER_QUEUE_LIMIT: int(0).default(16),
  RENDER_MAX_SOURCE_PIXELS: int(1).default(40_000_000),
  RENDER_BATCH_BYTES: int(1).default(256 * 1024 * 1024),
  GALLERY_MAX_AGE_SECONDS: int(0).default(5),
  GALLERY_CACHE_MS: int(0).default(1000),

  ADMIN_TOKEN: z.string().min(32, 'at least 32 characters').optional(),
  SIGNALS_RECORD: bool.default(true),
  SIGNALS_PSEUDONYM_KEY: z.string().min(32, 'at least 32 characters').optional(),
});

export type Env = z.input<typeof envSchema>;

/** A node silent for NODE_TIMEOUT_MS is dead; it must have missed at least two heartbeats by then. */
const HEARTBEATS_PER_TIMEOUT = 2;

export interface Limits {
  maxMessageBytes: number;
  maxDocBytes: number;
  maxAwarenessBytes: number;
  maxRoomsPerConnection: number;
  maxParticipantsPerRoom: number;
  messagesPerSecond: number;
  messageBurst: number;
  maxBodyBytes: number;
  httpRequestsPerMinute: number;
  sessionsPerMinute: number;
  roomsPerMinute: number;
  maxUploadBytes: number;
  maxUploadPixels: number;
  uploadsPerMinute: number;
}

export interface OpenAiConfig {
  apiKey: string;
  baseUrl: string | undefined;
  imageModel: string;
  maxRetries: number;
  partialImages: number;
  moderation: boolean;
}

export interface GenerationConfig {
  /** Providers a job may name: those of GEN_PROVIDERS that are configured (their URL or key is set). */
  providers: GenProviderName[];
  defaultProvider: GenProviderName;
  concurrency: number;
  queueLimit: number;
  roomQueueLimit: number;
  userJobsPerMinute: number;
  timeoutMs: number;
  maxCandidates: number;
  promptBlocklist: string[];
  openai: OpenAiConfig | undefined;
  /** The other providers' settings, and how often their reachability is checked. */
  backends: ProvidersConfig;
}

export interface GalleryConfig {
  publishesPerMinute: number;
  maxLayers: number;
  renderConcurrency: number;
  renderQueueLimit: number;
  maxSourcePixels: number;
  renderBatchBytes: number;
  maxAgeSeconds: number;
  feedCacheMs: number;
}

export interface SignalsConfig {
  /** Record creative signals at all (for every user; consent decides only what an export holds). */
  record: boolean;
  /** HMAC key that turns user and room ids into pseudonyms in exports. */
  pseudonymKey: string;
}

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  mediaDir: string;
  sessionSecret: string;
  logLevel: string;
  publicUrl: string | undefined;
  corsOrigins: string[];
  trustProxy: boolean;
  redisUrl: string | undefined;
  databaseUrl: string | undefined;
  nodeId: string;
  /** Prefix of every Redis key and channel, so deployments (and tests) can share one Redis. */
  redisPrefix: string;
  databasePoolMax: number;
  nodeHeartbeatMs: number;
  nodeTimeoutMs: number;
  limits: Limits;
  generation: GenerationConfig;
  roomUnloadGraceMs: number;
  logCompactEntries: number;
  logCompactBytes: number;
  /** Embedded store: WAL checkpoints on a thread this often; 0 leaves them to SQLite, on the event loop. */
  sqliteCheckpointMs: number;
  shutdownTimeoutMs: number;
  gallery: GalleryConfig;
  /** Bearer token of the `/api/admin/` routes; they answer 404 when unset. */
  adminToken: string | undefined;
  signals: SignalsConfig;
}

export class ConfigError extends Error {
  readonly variable: string;
  constructor(variable: string, message: string) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
    this.variable = variable;
  }
}

/**
 * Parses the environment. Throws ConfigError naming the first bad variable.
 * Creates DATA_DIR and, when SESSION_SECRET is not given, generates one and
 * keeps it in DATA_DIR so tokens survive restarts.
 */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const given = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(given);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(String(issue.path[0] ?? 'environment'), issue.message);
  }
  const e = parsed.data;
  if (e.NODE_TIMEOUT_MS < e.NODE_HEARTBEAT_MS * HEARTBEATS_PER_TIMEOUT) {
    throw new ConfigError('NODE_TIMEOUT_MS', `must be at least ${HEARTBEATS_PER_TIMEOUT} × NODE_HEARTBEAT_MS`);
  }
  if (e.REDIS_URL !== undefined && e.SESSION_SECRET === undefined) {
    // Each node would otherwise mint its own and refuse the others' tokens.
    throw new ConfigError('SESSION_SECRET', 'required when REDIS_URL is set: every node must sign sessions with the same key');
  }
  const dataDir = path.resolve(e.DATA_DIR);
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (err) {
    throw new ConfigError('DATA_DIR', `cannot create ${dataDir}: ${(err as Error).message}`);
  }
  const sessionSecret = e.SESSION_SECRET ?? loadOrCreateSecret(dataDir);
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir,
    mediaDir: path.resolve(e.MEDIA_DIR ?? path.join(dataDir, 'media')),
    sessionSecret,
    logLevel: e.LOG_LEVEL,
    publicUrl: e.PUBLIC_URL?.replace(/\/$/, ''),
    corsOrigins: (e.CORS_ORIGINS ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    trustProxy: e.TRUST_PROXY,
    redisUrl: e.REDIS_URL,
    databaseUrl: e.DATABASE_URL,
    nodeId: e.NODE_ID ?? `node-${randomBytes(4).toString('hex')}`,
    redisPrefix: e.REDIS_PREFIX,
    databasePoolMax: e.DATABASE_POOL_MAX,
    nodeHeartbeatMs: e.NODE_HEARTBEAT_MS,
    nodeTimeoutMs: e.NODE_TIMEOUT_MS,
    limits: {
      maxMessageBytes: e.MAX_MESSAGE_BYTES,
      maxDocBytes: e.MAX_DOC_BYTES,
      maxAwarenessBytes: e.MAX_AWARENESS_BYTES,
      maxRoomsPerConnection: e.MAX_ROOMS_PER_CONNECTION,
      maxParticipantsPerRoom: e.MAX_PARTICIPANTS_PER_ROOM,
      messagesPerSecond: e.MESSAGES_PER_SECOND,
      messageBurst: e.MESSAGE_BURST,
      maxBodyBytes: e.MAX_BODY_BYTES,
      httpRequestsPerMinute: e.HTTP_REQUESTS_PER_MINUTE,
      sessionsPerMinute: e.SESSIONS_PER_MINUTE,
      roomsPerMinute: e.ROOMS_PER_MINUTE,
      maxUploadBytes: e.MAX_UPLOAD_BYTES,
      maxUploadPixels: e.MAX_UPLOAD_PIXELS,
      uploadsPerMinute: e.UPLOADS_PER_MINUTE,
    },
    generation: generationConfig(e),
    roomUnloadGraceMs: e.ROOM_UNLOAD_GRACE_MS,
    logCompactEntries: e.LOG_COMPACT_ENTRIES,
    logCompactBytes: e.LOG_COMPACT_BYTES,
    sqliteCheckpointMs: e.SQLITE_CHECKPOINT_MS,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    gallery: {
      publishesPerMinute: e.PUBLISHES_PER_MINUTE,
      maxLayers: e.PUBLISH_MAX_LAYERS,
      renderConcurrency: e.RENDER_CONCURRENCY,
      renderQueueLimit: e.RENDER_QUEUE_LIMIT,
      maxSourcePixels: e.RENDER_MAX_SOURCE_PIXELS,
      renderBatchBytes: e.RENDER_BATCH_BYTES,
      maxAgeSeconds: e.GALLERY_MAX_AGE_SECONDS,
      feedCacheMs: e.GALLERY_CACHE_MS,
    },
    adminToken: e.ADMIN_TOKEN,
    signals: {
      record: e.SIGNALS_RECORD,
      pseudonymKey: e.SIGNALS_PSEUDONYM_KEY ?? derivePseudonymKey(sessionSecret),
    },
  };
}

/**
 * The default pseudonym key: derived from the session secret (which never
 * leaves the server), under its own label so the two keys are unrelated in use.
 */
export function derivePseudonymKey(sessionSecret: string): string {
  return createHmac('sha256', sessionSecret).update('atelier signals pseudonym key v1').digest('hex');
}

function generationConfig(e: z.infer<typeof envSchema>): GenerationConfig {
  const known = (name: string): name is GenProviderName => (GEN_PROVIDER_NAMES as readonly string[]).includes(name);
  for (const name of e.GEN_PROVIDERS) {
    if (!known(name)) throw new ConfigError('GEN_PROVIDERS', `unknown provider "${name}" (known: ${GEN_PROVIDER_NAMES.join(', ')})`);
  }
  // A provider listed without its URL or key is simply unavailable; naming it the default is a mistake worth stopping for.
  const backends = providersConfig(e);
  const configured = (name: GenProviderName) => isConfigured(name, backends, e.OPENAI_API_KEY);
  const providers = e.GEN_PROVIDERS.filter(known).filter(configured);
  const fallback = e.GEN_DEFAULT_PROVIDER;
  if (!known(fallback) || !providers.includes(fallback)) {
    const why = known(fallback) && !configured(fallback) ? `needs ${ENABLED_BY[fallback]}` : 'must be one of GEN_PROVIDERS';
    throw new ConfigError('GEN_DEFAULT_PROVIDER', `"${fallback}" ${why}`);
  }
  return {
    providers,
    defaultProvider: fallback,
    concurrency: e.GEN_CONCURRENCY,
    queueLimit: e.GEN_QUEUE_LIMIT,
    roomQueueLimit: e.GEN_ROOM_QUEUE_LIMIT,
    userJobsPerMinute: e.GEN_USER_JOBS_PER_MINUTE,
    timeoutMs: e.GEN_TIMEOUT_MS,
    maxCandidates: e.GEN_MAX_CANDIDATES,
    promptBlocklist: e.PROMPT_BLOCKLIST,
    openai:
      e.OPENAI_API_KEY === undefined
        ? undefined
        : {
            apiKey: e.OPENAI_API_KEY,
            baseUrl: e.OPENAI_BASE_URL?.replace(/\/$/, ''),
            imageModel: e.OPENAI_IMAGE_MODEL,
            maxRetries: e.OPENAI_MAX_RETRIES,
            partialImages: e.OPENAI_PARTIAL_IMAGES,
            moderation: e.OPENAI_MODERATION,
          },
    backends,
  };
}

function loadOrCreateSecret(dataDir: string): string {
  const file = path.join(dataDir, 'session-secret');
  try {
    const existing = readFileSync(file, 'utf8').trim();
    if (existing.length >= 32) return existing;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new ConfigError('SESSION_SECRET', `cannot read ${file}: ${(err as Error).message}`);
    }
  }
  const secret = randomBytes(32).toString('base64url');
  // 'wx' so two processes starting together cannot overwrite each other's secret.
  try {
    writeFileSync(file, secret + '\n', { mode: 0o600, flag: 'wx' });
    return secret;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(file, 'utf8').trim();
    throw new ConfigError('SESSION_SECRET', `cannot write ${file}: ${(err as Error).message}`);
  }
}
