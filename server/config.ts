// The one place that reads the environment. Everything else receives a Config.
// The settings themselves are declared in server/config/ (settings.ts says how to add one).
import { createHmac, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { declared, Setting, type Settings } from './config/setting.ts';
import { type DeclaredConfig, SETTINGS } from './config/settings.ts';
import type { GenProviderName } from './config/generation-settings.ts';
import { ENABLED_BY, isConfigured, type ProvidersConfig, providersConfig } from './generation/provider-config.ts';

export { GEN_PROVIDER_NAMES, type GenProviderName } from './config/generation-settings.ts';
export { type Env, SETTINGS } from './config/settings.ts';

export type Limits = DeclaredConfig['limits'];
export type GalleryConfig = DeclaredConfig['gallery'];
/** Present only when OPENAI_API_KEY is set. */
export type OpenAiConfig = DeclaredConfig['generation']['openai'] & { apiKey: string };
export type GenerationConfig = Omit<DeclaredConfig['generation'], 'openai' | 'backends'> & {
  openai: OpenAiConfig | undefined;
  /** The other providers, each undefined unless its URL or key is set. */
  backends: ProvidersConfig;
};
export type SignalsConfig = DeclaredConfig['signals'] & { pseudonymKey: string };
/** Present only when OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET are all set. */
export interface OidcConfig {
  issuer: string;
  clientId: string;
  clientSecret: string;
  label: string;
}
export type AccountsConfig = Omit<DeclaredConfig['accounts'], 'oidc'> & { oidc: OidcConfig | undefined };

/** The declared settings, with the values that depend on another setting resolved. */
export type Config = Omit<DeclaredConfig, 'mediaDir' | 'sessionSecret' | 'generation' | 'signals' | 'accounts'> & {
  mediaDir: string;
  sessionSecret: string;
  generation: GenerationConfig;
  signals: SignalsConfig;
  accounts: AccountsConfig;
};

/** A node silent for NODE_TIMEOUT_MS is dead; it must have missed at least two heartbeats by then. */
const HEARTBEATS_PER_TIMEOUT = 2;

const DECLARED = declared(SETTINGS);
const envSchema = z.object(Object.fromEntries(DECLARED.map(({ setting }) => [setting.env, setting.schema])));

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
  const e = parseSettings(env);
  if (e.nodeTimeoutMs < e.nodeHeartbeatMs * HEARTBEATS_PER_TIMEOUT) {
    throw new ConfigError('NODE_TIMEOUT_MS', `must be at least ${HEARTBEATS_PER_TIMEOUT} × NODE_HEARTBEAT_MS`);
  }
  if (e.redisUrl !== undefined && e.sessionSecret === undefined) {
    // Each node would otherwise mint its own and refuse the others' tokens.
    throw new ConfigError('SESSION_SECRET', 'required when REDIS_URL is set: every node must sign sessions with the same key');
  }
  const dataDir = path.resolve(e.dataDir);
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (err) {
    throw new ConfigError('DATA_DIR', `cannot create ${dataDir}: ${(err as Error).message}`);
  }
  const sessionSecret = e.sessionSecret ?? loadOrCreateSecret(dataDir);
  return {
    ...e,
    dataDir,
    mediaDir: path.resolve(e.mediaDir ?? path.join(dataDir, 'media')),
    sessionSecret,
    generation: generationConfig(e.generation),
    signals: { ...e.signals, pseudonymKey: e.signals.pseudonymKey ?? derivePseudonymKey(sessionSecret) },
    accounts: accountsConfig(e.accounts),
  };
}

/** OpenID Connect needs its issuer, client id and secret together: one without the others is a mistake worth stopping for. */
function accountsConfig(declared: DeclaredConfig['accounts']): AccountsConfig {
  const { oidc, ...accounts } = declared;
  const { issuer, clientId, clientSecret, label } = oidc;
  const given = [
    ['OIDC_ISSUER', issuer],
    ['OIDC_CLIENT_ID', clientId],
    ['OIDC_CLIENT_SECRET', clientSecret],
  ] as const;
  const missing = given.find(([, value]) => value === undefined);
  if (missing && given.some(([, value]) => value !== undefined)) {
    throw new ConfigError(missing[0], 'OpenID Connect needs OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET together');
  }
  if (issuer !== undefined) {
    const url = new URL(issuer);
    if (url.protocol === 'http:' && !['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)) {
      throw new ConfigError('OIDC_ISSUER', 'must be https:// (plain http:// only for a provider on localhost)');
    }
  }
  return {
    ...accounts,
    oidc:
      issuer !== undefined && clientId !== undefined && clientSecret !== undefined ? { issuer, clientId, clientSecret, label } : undefined,
  };
}

/** The environment through every declaration's schema, placed where Config has it. */
function parseSettings(env: Record<string, string | undefined>): DeclaredConfig {
  const given = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(given);
  if (!parsed.success) {
    const [issue] = parsed.error.issues;
    throw new ConfigError(String(issue?.path[0] ?? 'environment'), issue?.message ?? 'invalid');
  }
  // The object has exactly the declarations' shape, each value from its own schema.
  return place(SETTINGS, parsed.data) as DeclaredConfig;
}

function place(group: Settings, values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(group).map(([key, value]) => [key, value instanceof Setting ? values[value.env] : place(value, values)]),
  );
}

/**
 * The default pseudonym key: derived from the session secret (which never
 * leaves the server), under its own label so the two keys are unrelated in use.
 */
export function derivePseudonymKey(sessionSecret: string): string {
  return createHmac('sha256', sessionSecret).update('atelier signals pseudonym key v1').digest('hex');
}

function generationConfig(declared: DeclaredConfig['generation']): GenerationConfig {
  const { openai, backends: declaredBackends, ...generation } = declared;
  const backends = providersConfig(declaredBackends);
  // A provider listed without its URL or key is simply unavailable; naming it the default is a mistake worth stopping for.
  const configured = (name: GenProviderName) => isConfigured(name, backends, openai.apiKey);
  const providers = generation.providers.filter(configured);
  const fallback = generation.defaultProvider;
  if (!providers.includes(fallback)) {
    const why = configured(fallback) ? 'must be one of GEN_PROVIDERS' : `needs ${ENABLED_BY[fallback]}`;
    throw new ConfigError('GEN_DEFAULT_PROVIDER', `"${fallback}" ${why}`);
  }
  const { apiKey } = openai;
  return { ...generation, providers, backends, openai: apiKey === undefined ? undefined : { ...openai, apiKey } };
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
    writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
    return secret;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(file, 'utf8').trim();
    throw new ConfigError('SESSION_SECRET', `cannot write ${file}: ${(err as Error).message}`);
  }
}
