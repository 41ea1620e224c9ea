// The image providers beyond `local` and `openai` (Config's
// `generation.backends`): each is turned on by its URL or key; everything else
// has a default. loadConfig resolves them into a ProvidersConfig
// (server/generation/provider-config.ts), with `undefined` for each provider
// that is not turned on.
import { z } from 'zod';
import { int, list, setting } from './setting.ts';

const httpUrl = z
  .url()
  .refine((u) => u.startsWith('http://') || u.startsWith('https://'), 'must start with http:// or https://')
  .transform((u) => u.replace(/\/+$/, ''));
/** A hosted provider's key: whatever the provider issues (fal's are `id:secret`). */
const key = z.string().min(8, 'at least 8 characters').optional();
const concurrency = <Name extends string>(name: Name, label: string, fallback: number) =>
  setting(`${name}_CONCURRENCY`, int(1, 64).default(fallback), `${label} jobs running at once per node`);

export const providerSettings = {
  refreshMs: setting(
    'GEN_PROVIDER_REFRESH_MS',
    int(1000).default(30_000),
    'how often each provider is checked (reachable, models); `GET /api/providers` lists the reachable ones',
  ),
  checkTimeoutMs: setting(
    'GEN_PROVIDER_CHECK_TIMEOUT_MS',
    int(100).default(5_000),
    "a provider check's time limit; past it the provider counts as down",
  ),
  comfyui: {
    url: setting('COMFYUI_URL', httpUrl.optional(), 'enables the `comfyui` provider: a ComfyUI server (`http://host:8188`)'),
    workflow: setting(
      'COMFYUI_WORKFLOW',
      z.string().min(1).optional(),
      'path of an API-format workflow to run instead of the built-in text-to-image graph',
      { defaultDoc: 'built-in graph' },
    ),
    workflowNodes: setting(
      'COMFYUI_WORKFLOW_NODES',
      z.string().min(1).optional(),
      "the workflow's inputs: `prompt=6.text,seed=3.seed,…` (names: prompt, negative_prompt, seed, width, height, steps, model, image, mask)",
    ),
    model: setting('COMFYUI_MODEL', z.string().min(1).optional(), 'checkpoint a job gets when it names none', {
      defaultDoc: 'the first listed',
    }),
    concurrency: concurrency('COMFYUI', 'ComfyUI', 2),
    reconnectMaxMs: setting(
      'COMFYUI_RECONNECT_MAX_MS',
      int(100).default(10_000),
      'longest wait between two attempts to reconnect the WebSocket',
    ),
  },
  a1111: {
    url: setting('A1111_URL', httpUrl.optional(), 'enables the `a1111` provider: an AUTOMATIC1111 or Forge web UI started with `--api`'),
    auth: setting(
      'A1111_AUTH',
      z
        .string()
        .regex(/^[^:]+:.+$/, 'user:password')
        .optional(),
      "`user:password` of A1111's `--api-auth` (HTTP Basic)",
    ),
    model: setting('A1111_MODEL', z.string().min(1).optional(), 'checkpoint a job gets when it names none', {
      defaultDoc: 'the first listed',
    }),
    concurrency: concurrency('A1111', 'A1111', 1),
    previewMs: setting(
      'A1111_PREVIEW_MS',
      int(100).default(1000),
      'how often a running job polls `/sdapi/v1/progress` for progress and a preview',
    ),
  },
  fal: {
    apiKey: setting('FAL_KEY', key, 'enables the `fal` provider'),
    baseUrl: setting('FAL_BASE_URL', httpUrl.default('https://queue.fal.run'), "fal's queue API (another server speaking it)"),
    models: setting(
      'FAL_MODELS',
      list.default(['fal-ai/flux/schnell', 'fal-ai/flux/dev']),
      'endpoints a job may name; the first is the default',
    ),
    editModel: setting('FAL_EDIT_MODEL', z.string().min(1).default('fal-ai/fast-sdxl/image-to-image'), 'endpoint of edits without a mask'),
    inpaintModel: setting('FAL_INPAINT_MODEL', z.string().min(1).default('fal-ai/fast-sdxl/inpainting'), 'endpoint of edits with a mask'),
    concurrency: concurrency('FAL', 'fal', 4),
    pollMs: setting('FAL_POLL_MS', int(50).default(500), "how often a job polls its request's status"),
  },
  replicate: {
    apiKey: setting('REPLICATE_API_TOKEN', key, 'enables the `replicate` provider'),
    baseUrl: setting(
      'REPLICATE_BASE_URL',
      httpUrl.default('https://api.replicate.com/v1'),
      "Replicate's HTTP API (another server speaking it)",
    ),
    models: setting(
      'REPLICATE_MODELS',
      list.default(['black-forest-labs/flux-schnell', 'black-forest-labs/flux-dev']),
      'models (`owner/name`) a job may name; the first is the default',
    ),
    concurrency: concurrency('REPLICATE', 'Replicate', 4),
    pollMs: setting('REPLICATE_POLL_MS', int(50).default(500), 'how often a job polls its prediction'),
  },
  gemini: {
    apiKey: setting('GEMINI_API_KEY', key, 'enables the `gemini` provider'),
    baseUrl: setting('GEMINI_BASE_URL', httpUrl.optional(), 'another server speaking the Gemini API', { defaultDoc: 'Google' }),
    models: setting('GEMINI_MODELS', list.default(['gemini-2.5-flash-image']), 'image models a job may name; the first is the default'),
    concurrency: concurrency('GEMINI', 'Gemini', 4),
    maxRetries: setting('GEMINI_MAX_RETRIES', int(0, 10).default(2), 'retries on 408 / 429 / 5xx, with backoff'),
  },
  stability: {
    apiKey: setting('STABILITY_API_KEY', key, 'enables the `stability` provider'),
    baseUrl: setting('STABILITY_BASE_URL', httpUrl.default('https://api.stability.ai'), "Stability AI's API (another server speaking it)"),
    models: setting(
      'STABILITY_MODELS',
      list.default(['core', 'ultra', 'sd3.5-large']),
      'models a job may name (`core`, `ultra`, `sd3…`); the first is the default',
    ),
    concurrency: concurrency('STABILITY', 'Stability AI', 4),
  },
};
