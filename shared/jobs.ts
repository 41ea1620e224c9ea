// The wire types of generation: job parameters, jobs and their errors, and the
// image providers a client may choose from (docs/generation.md, docs/protocol.md
// "Generation"). Re-exported by protocol.ts.
import { z } from 'zod';

export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export const IMAGE_SIZES = ['256x256', '512x512', '1024x1024', '1024x1536', '1536x1024'] as const;
export type ImageSize = (typeof IMAGE_SIZES)[number];

export const NEGATIVE_PROMPT_MAX = 2000;
export const STEPS_MIN = 1;
export const STEPS_MAX = 150;

export const genParamsSchema = z
  .strictObject({
    prompt: z.string().max(4000).optional(),
    size: z.enum(IMAGE_SIZES).optional(),
    count: z.number().int().min(1).max(4).optional(),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .optional(),
    provider: z.string().min(1).max(40).optional(),
    model: z.string().min(1).max(80).optional(),
    editLayerId: z.string().min(1).max(64).optional(),
    maskLayerId: z.string().min(1).max(64).optional(),
    /** What the image should not show; only for providers whose capabilities say `negativePrompt`. */
    negativePrompt: z.string().max(NEGATIVE_PROMPT_MAX).optional(),
    /** Denoising steps; only for providers whose capabilities say `steps`. */
    steps: z.number().int().min(STEPS_MIN).max(STEPS_MAX).optional(),
  })
  .refine((p) => p.maskLayerId === undefined || p.editLayerId !== undefined, {
    message: 'maskLayerId needs editLayerId',
    path: ['maskLayerId'],
  });
export type GenParams = z.infer<typeof genParamsSchema>;

/** Job ids are 128 random bits in base64url, like room ids. */
export const jobIdSchema = z.string().regex(/^[A-Za-z0-9_-]{22}$/, 'not a job id');

/** `POST /api/rooms/:id/media`: the stored, re-encoded image, ready to place as a layer. */
export interface UploadMediaResponse {
  url: string;
  width: number;
  height: number;
}

export interface JobImage {
  src: string;
  width: number;
  height: number;
  seed: number;
}

/**
 * Stable codes of a failed job (`job.error.code`). Failures found before a job
 * exists (bad params, viewers, limits) are ack errors with an ErrorCode instead.
 */
export const JOB_ERROR_CODES = [
  /** The process running it stopped (crash, restart, shutdown) before it finished. */
  'interrupted',
  /** It ran longer than GEN_TIMEOUT_MS. */
  'timeout',
  /** The provider refused the prompt or an image (moderation, content policy). */
  'content_policy',
  /** The provider refused the request itself (size, model, edit image). */
  'invalid_request',
  /** The provider rejected our credentials (OPENAI_API_KEY). */
  'provider_auth',
  /** The provider kept answering "too many requests" after every retry. */
  'provider_rate_limited',
  /** The provider account has no quota left. */
  'provider_quota',
  /** The provider failed or was unreachable after every retry. */
  'provider_unavailable',
  /** The provider answered something we could not use, or failed inside (e.g. out of GPU memory). */
  'provider_error',
  /** A bug of ours; the logs say more. */
  'internal',
  /** Someone stopped the job at the backend itself (not through Atelier). */
  'provider_cancelled',
] as const;
export type JobErrorCode = (typeof JOB_ERROR_CODES)[number];

export interface JobError {
  code: JobErrorCode;
  message: string;
  /** With `provider_rate_limited`: how long the provider asked us to wait (live updates only; not stored). */
  retryAfterMs?: number;
}

export interface Job {
  id: string;
  roomId: string;
  status: JobStatus;
  progress: number;
  prompt: string;
  params: GenParams;
  requestedBy: string;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  previews?: string[];
  results?: JobImage[];
  error?: JobError;
}

// ---------------------------------------------------------------------------
// Image providers (`GET /api/providers`; docs/generation.md)

export interface ProviderCapabilities {
  /** Edits an existing layer (`editLayerId`). */
  edit: boolean;
  /** Confines an edit to a mask (`maskLayerId`). */
  mask: boolean;
  /** Honours `seed`, and reports the seed each image was made with. */
  seed: boolean;
  negativePrompt: boolean;
  steps: boolean;
  /** Sends partial images while it works. */
  previews: boolean;
  /** Cancelling stops the work at the backend, not only in Atelier. */
  cancel: boolean;
  /** Lists its models (`models` is what the backend offers, not a fixed list). */
  models: boolean;
}

export interface ProviderModel {
  id: string;
  label: string;
}

export interface ProviderInfo {
  id: string;
  label: string;
  /** The provider a job gets when it names none. */
  default: boolean;
  models: ProviderModel[];
  /** The model a job of this provider gets when it names none. */
  defaultModel: string;
  capabilities: ProviderCapabilities;
}

export interface ProvidersResponse {
  providers: ProviderInfo[];
}
