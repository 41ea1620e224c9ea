// The image providers' configuration as each provider receives it: the
// declared settings (server/config/provider-settings.ts) with every provider
// that is not turned on (its URL or key unset) as `undefined`.
import type { GenProviderName } from '../config/generation-settings.ts';
import type { providerSettings } from '../config/provider-settings.ts';
import type { Values } from '../config/setting.ts';

type Declared = Values<typeof providerSettings>;

export type ComfyUiConfig = Omit<Declared['comfyui'], 'url'> & { url: string };
export type A1111Config = Omit<Declared['a1111'], 'url'> & { url: string };
type Hosted<K extends 'fal' | 'replicate' | 'gemini' | 'stability'> = Omit<Declared[K], 'apiKey'> & { apiKey: string };

export interface ProvidersConfig {
  refreshMs: number;
  checkTimeoutMs: number;
  comfyui: ComfyUiConfig | undefined;
  a1111: A1111Config | undefined;
  fal: Hosted<'fal'> | undefined;
  replicate: Hosted<'replicate'> | undefined;
  gemini: Hosted<'gemini'> | undefined;
  stability: Hosted<'stability'> | undefined;
}

/** The variable that turns each provider on, for error messages. */
export const ENABLED_BY: Record<GenProviderName, string> = {
  local: '(always on)',
  openai: 'OPENAI_API_KEY',
  comfyui: 'COMFYUI_URL',
  a1111: 'A1111_URL',
  fal: 'FAL_KEY',
  replicate: 'REPLICATE_API_TOKEN',
  gemini: 'GEMINI_API_KEY',
  stability: 'STABILITY_API_KEY',
};

/** Whether the provider has what it needs to run: `local` always, `openai` with its key, the others with their URL or key. */
export function isConfigured(name: GenProviderName, config: ProvidersConfig, openAiKey: string | undefined): boolean {
  switch (name) {
    case 'local':
      return true;
    case 'openai':
      return openAiKey !== undefined;
    default:
      return config[name] !== undefined;
  }
}

export function providersConfig(declared: Declared): ProvidersConfig {
  const { comfyui, a1111, fal, replicate, gemini, stability } = declared;
  const unique = (models: string[]) => [...new Set(models)];
  return {
    refreshMs: declared.refreshMs,
    checkTimeoutMs: declared.checkTimeoutMs,
    comfyui: comfyui.url === undefined ? undefined : { ...comfyui, url: comfyui.url },
    a1111: a1111.url === undefined ? undefined : { ...a1111, url: a1111.url },
    fal: fal.apiKey === undefined ? undefined : { ...fal, apiKey: fal.apiKey, models: unique(fal.models) },
    replicate: replicate.apiKey === undefined ? undefined : { ...replicate, apiKey: replicate.apiKey, models: unique(replicate.models) },
    gemini: gemini.apiKey === undefined ? undefined : { ...gemini, apiKey: gemini.apiKey, models: unique(gemini.models) },
    stability: stability.apiKey === undefined ? undefined : { ...stability, apiKey: stability.apiKey, models: unique(stability.models) },
  };
}
