// The providers this server offers, and what it last learned of each: whether
// its backend answers and which models it has. Checked at start-up, then every
// GEN_PROVIDER_REFRESH_MS; `GET /api/providers`, `/healthz` and `gen:start`
// read the cached answers and never wait for a backend.
import type { Logger } from 'pino';
import type { ProviderInfo, ProviderModel } from '../../shared/protocol.ts';
import { AppError } from '../errors.ts';
import type { ImageProvider } from './provider.ts';
import { ProviderError } from './provider-error.ts';

/** A check found a configuration that can never work (a workflow naming a missing node): start-up stops. */
export class ProviderSetupError extends Error {
  readonly provider: string;
  readonly reason: string;
  constructor(provider: string, reason: string) {
    super(`${provider}: ${reason}`);
    this.name = 'ProviderSetupError';
    this.provider = provider;
    this.reason = reason;
  }
}

export type ProviderState =
  | { state: 'checking' }
  | { state: 'up'; models: ProviderModel[]; checkedAt: string }
  /** `setup`: the configuration itself is wrong, not the backend. */
  | { state: 'down'; error: string; checkedAt: string; setup: boolean };

export interface ProviderHealth {
  id: string;
  ok: boolean;
  state: ProviderState['state'];
  models: number;
  checkedAt: string | null;
  error?: string;
}

export interface RegistryOptions {
  refreshMs: number;
  checkTimeoutMs: number;
  logger: Logger;
}

export class ProviderRegistry {
  /** Each provider and what its last check found. */
  readonly #entries = new Map<string, { provider: ImageProvider; state: ProviderState }>();
  readonly #options: RegistryOptions;
  readonly defaultName: string;
  #timer: NodeJS.Timeout | undefined;
  #refreshing: Promise<void> | undefined;
  #closed = false;

  constructor(providers: readonly ImageProvider[], defaultName: string, options: RegistryOptions) {
    for (const provider of providers) this.#entries.set(provider.name, { provider, state: { state: 'checking' } });
    if (!this.#entries.has(defaultName)) throw new Error(`default provider ${defaultName} is not registered`);
    this.defaultName = defaultName;
    this.#options = options;
  }

  get names(): string[] {
    return [...this.#entries.keys()];
  }

  /**
   * Checks every provider once and keeps checking them. Rejects with
   * ProviderSetupError when a provider's configuration can never work.
   */
  async start(): Promise<void> {
    await this.refresh();
    for (const [name, { state }] of this.#entries) {
      if (state.state === 'down' && state.setup) throw new ProviderSetupError(name, state.error);
    }
    this.#timer = setInterval(() => void this.refresh(), this.#options.refreshMs);
    this.#timer.unref();
  }

  /** Checks every provider now (one round at a time). */
  refresh(): Promise<void> {
    this.#refreshing ??= Promise.all([...this.#entries.values()].map((entry) => this.#check(entry))).then(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    await this.#refreshing;
    await Promise.all([...this.#entries.values()].map(({ provider }) => provider.close?.()));
  }

  /** The providers a job may use now, as `GET /api/providers` lists them. */
  list(): ProviderInfo[] {
    const infos: ProviderInfo[] = [];
    for (const { provider, state } of this.#entries.values()) {
      if (state.state !== 'up') continue;
      infos.push({
        id: provider.name,
        label: provider.label,
        default: provider.name === this.defaultName,
        models: state.models,
        defaultModel: this.#defaultModel(provider, state.models),
        capabilities: { ...provider.capabilities },
      });
    }
    return infos;
  }

  health(): ProviderHealth[] {
    return [...this.#entries.values()].map(({ provider, state }) => {
      const line: ProviderHealth = {
        id: provider.name,
        ok: state.state === 'up',
        state: state.state,
        models: state.state === 'up' ? state.models.length : 0,
        checkedAt: state.state === 'checking' ? null : state.checkedAt,
      };
      if (state.state === 'down') line.error = state.error;
      return line;
    });
  }

  /** The named provider (the default when unnamed); `bad_request` for one this server does not offer, `unavailable` for one that does not answer. */
  get(name: string | undefined): ImageProvider {
    const entry = this.#entries.get(name ?? this.defaultName);
    if (!entry) throw new AppError('bad_request', `unknown provider "${name}" (available: ${this.names.join(', ')})`);
    const { provider, state } = entry;
    if (state.state === 'down') throw new AppError('unavailable', `provider "${provider.name}" is not reachable: ${state.error}`);
    return provider;
  }

  /** The model a job uses: the one asked for if the provider has it, else the provider's default. */
  model(provider: ImageProvider, asked: string | undefined): string {
    const state = this.#entries.get(provider.name)?.state ?? { state: 'checking' };
    const models = state.state === 'up' ? state.models : [];
    if (asked === undefined) {
      const model = this.#defaultModel(provider, models);
      if (!model) throw new AppError('unavailable', `provider "${provider.name}" offers no model yet`);
      return model;
    }
    if (state.state === 'up' && !models.some((m) => m.id === asked)) {
      throw new AppError(
        'bad_request',
        `provider "${provider.name}" has no model "${asked}" (available: ${models.map((m) => m.id).join(', ') || 'none'})`,
      );
    }
    return asked;
  }

  #defaultModel(provider: ImageProvider, models: readonly ProviderModel[]): string {
    if (provider.defaultModel && (models.length === 0 || models.some((m) => m.id === provider.defaultModel))) return provider.defaultModel;
    return models[0]?.id ?? provider.defaultModel;
  }

  async #check(entry: { provider: ImageProvider; state: ProviderState }): Promise<void> {
    const { logger, checkTimeoutMs } = this.#options;
    const { provider, state: previous } = entry;
    let next: ProviderState;
    try {
      const status = await provider.check(AbortSignal.timeout(checkTimeoutMs));
      next = { state: 'up', models: status.models, checkedAt: new Date().toISOString() };
    } catch (err) {
      const setup = err instanceof ProviderSetupError;
      const error = setup ? err.reason : err instanceof ProviderError ? err.message : `check failed: ${errorText(err)}`;
      next = { state: 'down', error, checkedAt: new Date().toISOString(), setup };
      if (!(err instanceof ProviderError) && !setup) logger.warn({ err, provider: provider.name }, 'provider check failed');
    }
    if (this.#closed) return;
    entry.state = next;
    if (previous.state !== next.state) {
      const fields = { provider: provider.name, models: next.state === 'up' ? next.models.length : undefined };
      if (next.state === 'up') logger.info(fields, 'provider reachable');
      else logger.warn({ ...fields, error: next.error }, 'provider unreachable');
    }
  }
}

function errorText(err: unknown): string {
  if (err instanceof Error && err.name === 'TimeoutError') return 'no answer in time';
  return err instanceof Error ? err.message : String(err);
}
