// Image generation: providers, queues and the OpenAI provider (Config's `generation`);
// the other providers are in provider-settings.ts.
import { z } from 'zod';
import { providerSettings } from './provider-settings.ts';
import { bool, int, list, optionalUrl, setting } from './setting.ts';

export const GEN_PROVIDER_NAMES = ['local', 'openai', 'comfyui', 'a1111', 'fal', 'replicate', 'gemini', 'stability'] as const;
export type GenProviderName = (typeof GEN_PROVIDER_NAMES)[number];

const provider = z.enum(GEN_PROVIDER_NAMES, {
  error: (issue) => `unknown provider "${String(issue.input)}" (known: ${GEN_PROVIDER_NAMES.join(', ')})`,
});

export const generationSettings = {
  /** Providers a job may name; each only when its URL or key is set (loadConfig drops it otherwise). */
  providers: setting(
    'GEN_PROVIDERS',
    list.pipe(z.array(provider)).default([...GEN_PROVIDER_NAMES]),
    'image providers a job may name, each only once its URL or key is set (`local` always)',
  ),
  defaultProvider: setting(
    'GEN_DEFAULT_PROVIDER',
    provider.default('local'),
    'provider of a job that names none (`local` is a procedural sketch renderer, not an AI model)',
  ),
  concurrency: setting('GEN_CONCURRENCY', int(1, 64).default(2), 'generation jobs running at once per node'),
  queueLimit: setting('GEN_QUEUE_LIMIT', int(1).default(100), 'jobs waiting per node (`unavailable` past it)'),
  roomQueueLimit: setting(
    'GEN_ROOM_QUEUE_LIMIT',
    int(1).default(4),
    'jobs queued or running per room, across all nodes in scaled mode (`rate_limited` past it)',
  ),
  userJobsPerMinute: setting(
    'GEN_USER_JOBS_PER_MINUTE',
    int(1).default(20),
    'jobs a user may start per minute, across all nodes in scaled mode (`rate_limited`)',
  ),
  timeoutMs: setting('GEN_TIMEOUT_MS', int(100).default(120_000), "a job's running time; past it the job fails with `timeout`"),
  maxCandidates: setting('GEN_MAX_CANDIDATES', int(1).default(64), 'candidates a room keeps (oldest dropped)'),
  promptBlocklist: setting('PROMPT_BLOCKLIST', list.default([]), 'comma-separated words/phrases refused in prompts (`forbidden`)'),
  /** The OpenAI provider; Config's `generation.openai` is undefined without a key. */
  openai: {
    apiKey: setting('OPENAI_API_KEY', z.string().min(1).optional(), 'enables the `openai` provider'),
    baseUrl: setting(
      'OPENAI_BASE_URL',
      optionalUrl(['http://', 'https://']).transform((u) => u?.replace(/\/$/, '')),
      'any server speaking the OpenAI Images API',
      { defaultDoc: 'OpenAI' },
    ),
    imageModel: setting('OPENAI_IMAGE_MODEL', z.string().min(1).max(80).default('gpt-image-1'), 'default OpenAI image model'),
    maxRetries: setting('OPENAI_MAX_RETRIES', int(0, 10).default(2), 'retries on 429 / 5xx / connection errors, with backoff'),
    partialImages: setting('OPENAI_PARTIAL_IMAGES', int(0, 3).default(2), 'streamed partial images per image (0–3; 0: no streaming)'),
    moderation: setting('OPENAI_MODERATION', bool.default(true), "check prompts with OpenAI's moderation endpoint first"),
  },
  backends: providerSettings,
};
