// The image providers' settings: their environment variables (part of
// config.ts's schema) and the typed configuration each provider receives.
// A provider is configured by its URL or key; anything else has a default.
import { z } from 'zod';

export const GEN_PROVIDER_NAMES = ['local', 'openai', 'comfyui', 'a1111', 'fal', 'replicate', 'gemini', 'stability'] as const;
export type GenProviderName = (typeof GEN_PROVIDER_NAMES)[number];

const int = (min: number, max = Number.MAX_SAFE_INTEGER) => z.coerce.number().int().min(min).max(max);
const httpUrl = z
  .url()
  .refine((u) => u.startsWith('http://') || u.startsWith('https://'), 'must start with http:// or https://')
  .transform((u) => u.replace(/\/+$/, ''));
const list = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);
const secret = z.string().min(1);

/** The providers' variables, merged into config.ts's schema. README.md's table and docs/generation.md list them. */
export const providerEnvShape = {
  GEN_PROVIDER_REFRESH_MS: int(1000).default(30_000),
  GEN_PROVIDER_CHECK_TIMEOUT_MS: int(100).default(5_000),

  COMFYUI_URL: httpUrl.optional(),
  COMFYUI_WORKFLOW: z.string().min(1).optional(),
  COMFYUI_WORKFLOW_NODES: z.string().min(1).optional(),
  COMFYUI_MODEL: z.string().min(1).optional(),
  COMFYUI_CONCURRENCY: int(1, 64).default(2),
  COMFYUI_RECONNECT_MAX_MS: int(100).default(10_000),

  A1111_URL: httpUrl.optional(),
  A1111_AUTH: z
    .string()
    .regex(/^[^:]+:.+$/, 'user:password')
    .optional(),
  A1111_MODEL: z.string().min(1).optional(),
  A1111_CONCURRENCY: int(1, 64).default(1),
  A1111_PREVIEW_MS: int(100).default(1000),

  FAL_KEY: secret.optional(),
  FAL_BASE_URL: httpUrl.default('https://queue.fal.run'),
  FAL_MODELS: list.default(['fal-ai/flux/schnell', 'fal-ai/flux/dev']),
  FAL_EDIT_MODEL: z.string().min(1).default('fal-ai/fast-sdxl/image-to-image'),
  FAL_INPAINT_MODEL: z.string().min(1).default('fal-ai/fast-sdxl/inpainting'),
  FAL_CONCURRENCY: int(1, 64).default(4),
  FAL_POLL_MS: int(50).default(500),

  REPLICATE_API_TOKEN: secret.optional(),
  REPLICATE_BASE_URL: httpUrl.default('https://api.replicate.com/v1'),
  REPLICATE_MODELS: list.default(['black-forest-labs/flux-schnell', 'black-forest-labs/flux-dev']),
  REPLICATE_CONCURRENCY: int(1, 64).default(4),
  REPLICATE_POLL_MS: int(50).default(500),

  GEMINI_API_KEY: secret.optional(),
  GEMINI_BASE_URL: httpUrl.optional(),
  GEMINI_MODELS: list.default(['gemini-2.5-flash-image']),
  GEMINI_CONCURRENCY: int(1, 64).default(4),
  GEMINI_MAX_RETRIES: int(0, 10).default(2),

  STABILITY_API_KEY: secret.optional(),
  STABILITY_BASE_URL: httpUrl.default('https://api.stability.ai'),
  STABILITY_MODELS: list.default(['core', 'ultra', 'sd3.5-large']),
  STABILITY_CONCURRENCY: int(1, 64).default(4),
};

const providerEnv = z.object(providerEnvShape);
export type ProviderEnv = z.infer<typeof providerEnv>;

export interface ComfyUiConfig {
  url: string;
  /** Path of an API-format workflow; undefined: the built-in text-to-image graph. */
  workflow: string | undefined;
  /** `name=nodeId.input,…` as given; parsed (and checked) by comfyui-workflow.ts. */
  workflowNodes: string | undefined;
  model: string | undefined;
  concurrency: number;
  reconnectMaxMs: number;
}

export interface A1111Config {
  url: string;
  /** `user:password` for HTTP Basic (A1111's --api-auth). */
  auth: string | undefined;
  model: string | undefined;
  concurrency: number;
  previewMs: number;
}

export interface HostedConfig {
  apiKey: string;
  baseUrl: string;
  models: string[];
  concurrency: number;
}

export interface ProvidersConfig {
  refreshMs: number;
  checkTimeoutMs: number;
  comfyui: ComfyUiConfig | undefined;
  a1111: A1111Config | undefined;
  fal: (HostedConfig & { pollMs: number; editModel: string; inpaintModel: string }) | undefined;
  replicate: (HostedConfig & { pollMs: number }) | undefined;
  gemini: (Omit<HostedConfig, 'baseUrl'> & { baseUrl: string | undefined; maxRetries: number }) | undefined;
  stability: HostedConfig | undefined;
}

/** Whether the provider has what it needs to run (its URL or key); `local` always, `openai` with its key. */
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

/** The variable that turns the provider on, for error messages. */
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

export function providersConfig(e: ProviderEnv): ProvidersConfig {
  const models = (given: string[]) => [...new Set(given)];
  return {
    refreshMs: e.GEN_PROVIDER_REFRESH_MS,
    checkTimeoutMs: e.GEN_PROVIDER_CHECK_TIMEOUT_MS,
    comfyui:
      e.COMFYUI_URL === undefined
        ? undefined
        : {
            url: e.COMFYUI_URL,
            workflow: e.COMFYUI_WORKFLOW,
            workflowNodes: e.COMFYUI_WORKFLOW_NODES,
            model: e.COMFYUI_MODEL,
            concurrency: e.COMFYUI_CONCURRENCY,
            reconnectMaxMs: e.COMFYUI_RECONNECT_MAX_MS,
          },
    a1111:
      e.A1111_URL === undefined
        ? undefined
        : { url: e.A1111_URL, auth: e.A1111_AUTH, model: e.A1111_MODEL, concurrency: e.A1111_CONCURRENCY, previewMs: e.A1111_PREVIEW_MS },
    fal:
      e.FAL_KEY === undefined
        ? undefined
        : {
            apiKey: e.FAL_KEY,
            baseUrl: e.FAL_BASE_URL,
            models: models(e.FAL_MODELS),
            concurrency: e.FAL_CONCURRENCY,
            pollMs: e.FAL_POLL_MS,
            editModel: e.FAL_EDIT_MODEL,
            inpaintModel: e.FAL_INPAINT_MODEL,
          },
    replicate:
      e.REPLICATE_API_TOKEN === undefined
        ? undefined
        : {
            apiKey: e.REPLICATE_API_TOKEN,
            baseUrl: e.REPLICATE_BASE_URL,
            models: models(e.REPLICATE_MODELS),
            concurrency: e.REPLICATE_CONCURRENCY,
            pollMs: e.REPLICATE_POLL_MS,
          },
    gemini:
      e.GEMINI_API_KEY === undefined
        ? undefined
        : {
            apiKey: e.GEMINI_API_KEY,
            baseUrl: e.GEMINI_BASE_URL,
            models: models(e.GEMINI_MODELS),
            concurrency: e.GEMINI_CONCURRENCY,
            maxRetries: e.GEMINI_MAX_RETRIES,
          },
    stability:
      e.STABILITY_API_KEY === undefined
        ? undefined
        : {
            apiKey: e.STABILITY_API_KEY,
            baseUrl: e.STABILITY_BASE_URL,
            models: models(e.STABILITY_MODELS),
            concurrency: e.STABILITY_CONCURRENCY,
          },
  };
}
