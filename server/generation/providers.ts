// Builds the providers configuration allows (GEN_PROVIDERS, each with its URL
// or key) into a registry. Hosted providers' SDKs are imported only when a
// provider first talks to its backend, so an unconfigured one costs nothing.
import type { Logger } from 'pino';
import type { GenerationConfig, GenProviderName } from '../config.ts';
import { A1111Provider } from './a1111-provider.ts';
import { ComfyUiProvider } from './comfyui/provider.ts';
import { FalProvider } from './fal-provider.ts';
import { GeminiProvider } from './gemini-provider.ts';
import { LocalProvider } from './local-provider.ts';
import { OpenAiProvider } from './openai-provider.ts';
import type { ImageProvider } from './provider.ts';
import { ProviderRegistry } from './provider-registry.ts';
import { ReplicateProvider } from './replicate-provider.ts';
import { StabilityProvider } from './stability-provider.ts';

export { ProviderRegistry };

/** Throws ProviderSetupError when a provider's configuration cannot work (a broken COMFYUI_WORKFLOW). */
export function createProviders(config: GenerationConfig, logger: Logger): ProviderRegistry {
  const providers = config.providers.map((name) => createProvider(name, config, logger.child({ provider: name })));
  return new ProviderRegistry(providers, config.defaultProvider, {
    refreshMs: config.backends.refreshMs,
    checkTimeoutMs: config.backends.checkTimeoutMs,
    logger,
  });
}

function createProvider(name: GenProviderName, config: GenerationConfig, logger: Logger): ImageProvider {
  const { backends } = config;
  // config.ts lists a provider only when its URL or key is set.
  const missing = () => new Error(`the ${name} provider is not configured`);
  switch (name) {
    case 'local':
      return new LocalProvider();
    case 'openai': {
      const openai = config.openai;
      if (!openai) throw missing();
      return new OpenAiProvider({
        apiKey: openai.apiKey,
        baseUrl: openai.baseUrl,
        model: openai.imageModel,
        maxRetries: openai.maxRetries,
        timeoutMs: config.timeoutMs,
        partialImages: openai.partialImages,
        moderation: openai.moderation,
        concurrency: config.concurrency,
        logger,
      });
    }
    case 'comfyui':
      if (!backends.comfyui) throw missing();
      return new ComfyUiProvider(backends.comfyui, logger);
    case 'a1111':
      if (!backends.a1111) throw missing();
      return new A1111Provider(backends.a1111, config.timeoutMs, logger);
    case 'fal':
      if (!backends.fal) throw missing();
      return new FalProvider(backends.fal, logger);
    case 'replicate':
      if (!backends.replicate) throw missing();
      return new ReplicateProvider(backends.replicate, logger);
    case 'gemini':
      if (!backends.gemini) throw missing();
      return new GeminiProvider(backends.gemini, logger);
    case 'stability':
      if (!backends.stability) throw missing();
      return new StabilityProvider(backends.stability);
    default:
      throw new Error(`unknown provider ${String(name satisfies never)}`);
  }
}
