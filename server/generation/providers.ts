// Providers by name: the ones configuration allows, and the default.
import type { Logger } from 'pino';
import type { GenerationConfig, GenProviderName } from '../config.ts';
import { AppError } from '../errors.ts';
import { LocalProvider } from './local-provider.ts';
import { OpenAiProvider } from './openai-provider.ts';
import type { ImageProvider } from './provider.ts';

export class ProviderRegistry {
  readonly #providers = new Map<string, ImageProvider>();
  readonly defaultName: string;

  constructor(providers: readonly ImageProvider[], defaultName: string) {
    for (const provider of providers) this.#providers.set(provider.name, provider);
    if (!this.#providers.has(defaultName)) throw new Error(`default provider ${defaultName} is not registered`);
    this.defaultName = defaultName;
  }

  get names(): string[] {
    return [...this.#providers.keys()];
  }

  /** The named provider (the default when unnamed); `bad_request` for one this server does not offer. */
  get(name: string | undefined): ImageProvider {
    const provider = this.#providers.get(name ?? this.defaultName);
    if (!provider) throw new AppError('bad_request', `unknown provider "${name}" (available: ${this.names.join(', ')})`);
    return provider;
  }

  /** The model a job uses: the one asked for if the provider has it, else the provider's default. */
  model(provider: ImageProvider, asked: string | undefined): string {
    if (asked === undefined) return provider.defaultModel;
    if (provider.models && !provider.models.includes(asked)) {
      throw new AppError('bad_request', `provider "${provider.name}" has no model "${asked}" (available: ${provider.models.join(', ')})`);
    }
    return asked;
  }
}

export function createProviders(config: GenerationConfig, logger: Logger): ProviderRegistry {
  const providers = config.providers.map((name) => createProvider(name, config, logger));
  return new ProviderRegistry(providers, config.defaultProvider);
}

function createProvider(name: GenProviderName, config: GenerationConfig, logger: Logger): ImageProvider {
  switch (name) {
    case 'local':
      return new LocalProvider();
    case 'openai': {
      const openai = config.openai;
      // config.ts lists `openai` only when it has a key.
      if (!openai) throw new Error('the openai provider needs OPENAI_API_KEY');
      return new OpenAiProvider({
        apiKey: openai.apiKey,
        baseUrl: openai.baseUrl,
        model: openai.imageModel,
        maxRetries: openai.maxRetries,
        timeoutMs: config.timeoutMs,
        partialImages: openai.partialImages,
        moderation: openai.moderation,
        logger: logger.child({ provider: 'openai' }),
      });
    }
    default:
      throw new Error(`unknown provider ${String(name satisfies never)}`);
  }
}
