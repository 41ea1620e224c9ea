// The `fal` provider: fal's queue API through `@fal-ai/client` (loaded on first
// use). A job is submitted to the queue, its status polled with logs (queue
// position, then IN_PROGRESS, then COMPLETED) and its result fetched; a
// cancelled job is cancelled in fal's queue too. Edits go to FAL_EDIT_MODEL,
// or FAL_INPAINT_MODEL with a mask, as data URIs.
// Source: @fal-ai/client src/queue.js (submit, status, result, cancel),
// src/response.js (ApiError, ValidationError), src/request.js (buildUrl),
// src/types/common.d.ts (QueueStatus); fal's docs on queue and errors.
import type { Logger } from 'pino';
import { imageFromBytes } from './image-bytes.ts';
import type { GenerateOptions, GenerationRequest, ImageProvider, ProviderImage, ProviderStatus } from './provider.ts';
import type { ProvidersConfig } from './provider-config.ts';
import { detail, failureOfStatus, ProviderError, retryAfterMs, settle } from './provider-error.ts';
import { dataUri, download, editImagePng, isObject, sleep, whiteWhereTransparent } from './provider-kit.ts';

type FalConfig = NonNullable<ProvidersConfig['fal']>;
type FalModule = typeof import('@fal-ai/client');
type FalClient = ReturnType<FalModule['createFalClient']>;

const FAL_QUEUE = 'https://queue.fal.run';
/** `image_size` presets of fal's text-to-image endpoints. */
const IMAGE_SIZES: Record<string, string> = {
  '512x512': 'square',
  '1024x1024': 'square_hd',
  '1024x1536': 'portrait_4_3',
  '1536x1024': 'landscape_4_3',
};
/** Progress while waiting in fal's queue, before a runner takes the request. */
const QUEUED = 0.05;

export class FalProvider implements ImageProvider {
  readonly name = 'fal';
  readonly label = 'fal';
  readonly capabilities = {
    edit: true,
    mask: true,
    seed: true,
    negativePrompt: true,
    steps: true,
    previews: false,
    cancel: true,
    models: false,
  };
  readonly concurrency: number;
  readonly defaultModel: string;
  readonly #config: FalConfig;
  readonly #logger: Logger;
  #client: Promise<{ fal: FalClient; module: FalModule }> | undefined;
  /** fal's ApiError carries no headers: the last `Retry-After` a job's requests saw, by its signal. */
  readonly #retryAfter = new WeakMap<AbortSignal, number>();

  constructor(config: FalConfig, logger: Logger) {
    this.#config = config;
    this.concurrency = config.concurrency;
    this.defaultModel = config.models[0] ?? '';
    this.#logger = logger;
  }

  /** fal has no cheap endpoint to ask: the configured models are offered while the key is set. */
  async check(): Promise<ProviderStatus> {
    return { models: this.#config.models.map((id) => ({ id, label: id.replace(/^fal-ai\//, '') })) };
  }

  async generate(request: GenerationRequest, { signal, onProgress }: GenerateOptions): Promise<ProviderImage[]> {
    const { fal, module } = await this.#load();
    const endpoint = request.edit ? (request.edit.mask ? this.#config.inpaintModel : this.#config.editModel) : request.model;
    let requestId: string | undefined;
    try {
      const input = await this.#input(request);
      const submitted = await fal.queue.submit(endpoint, { input, abortSignal: signal });
      requestId = submitted.request_id;
      onProgress({ type: 'progress', progress: QUEUED / 2 });
      for (;;) {
        await sleep(this.#config.pollMs, signal);
        const status = await fal.queue.status(endpoint, { requestId, logs: true, abortSignal: signal });
        if (status.status === 'COMPLETED') break;
        const progress = status.status === 'IN_PROGRESS' ? progressFromLogs(status.logs) : QUEUED / 2;
        onProgress({ type: 'progress', progress: Math.max(QUEUED, progress) });
      }
      const result = await fal.queue.result(endpoint, { requestId, abortSignal: signal });
      return await this.#images(result.data, request, signal);
    } catch (err) {
      if (signal.aborted && requestId !== undefined) {
        // The job is over for Atelier; fal stops it or drops it from its queue.
        await fal.queue.cancel(endpoint, { requestId, abortSignal: AbortSignal.timeout(3000) }).catch((e: unknown) => {
          this.#logger.debug({ err: e }, 'fal cancel failed');
        });
      }
      throw settle(falError(err, module, this.#config.apiKey, this.#retryAfter.get(signal)), signal);
    }
  }

  #load(): Promise<{ fal: FalClient; module: FalModule }> {
    this.#client ??= import('@fal-ai/client').then((module) => {
      const base = this.#config.baseUrl;
      const fal = module.createFalClient({
        credentials: this.#config.apiKey,
        suppressLocalCredentialsWarning: true,
        // The client builds https://queue.fal.run/… itself; FAL_BASE_URL points it elsewhere.
        requestMiddleware: async (req) => (base === FAL_QUEUE ? req : { ...req, url: req.url.replace(FAL_QUEUE, base) }),
        fetch: async (url, init) => {
          const res = await fetch(url, init);
          const wait = res.status === 429 ? retryAfterMs(res.headers) : undefined;
          if (wait !== undefined && init?.signal) this.#retryAfter.set(init.signal, wait);
          return res;
        },
      });
      return { fal, module };
    });
    return this.#client;
  }

  async #input(request: GenerationRequest): Promise<Record<string, unknown>> {
    const input: Record<string, unknown> = {
      prompt: request.prompt,
      seed: request.seed,
      num_images: request.count,
      image_size: IMAGE_SIZES[request.size] ?? { width: request.width, height: request.height },
      enable_safety_checker: true,
      output_format: 'png',
    };
    if (request.negativePrompt) input.negative_prompt = request.negativePrompt;
    if (request.steps !== undefined) input.num_inference_steps = request.steps;
    const edit = request.edit;
    if (edit) {
      input.image_url = dataUri(await editImagePng(edit, request.width, request.height));
      // fal's inpainting endpoints repaint where the mask is white.
      if (edit.mask) input.mask_url = dataUri(await whiteWhereTransparent(edit.mask, request.width, request.height));
    }
    return input;
  }

  /** `{images: [{url, width, height}], seed, has_nsfw_concepts}`; images flagged NSFW are blacked out by fal. */
  async #images(data: unknown, request: GenerationRequest, signal: AbortSignal): Promise<ProviderImage[]> {
    if (!isObject(data) || !Array.isArray(data.images)) throw new ProviderError('internal', 'fal answered without images');
    const flags = Array.isArray(data.has_nsfw_concepts) ? data.has_nsfw_concepts : [];
    if (flags.length > 0 && flags.every((f) => f === true)) {
      throw new ProviderError('forbidden', "fal's safety checker flagged every image");
    }
    const seed = typeof data.seed === 'number' ? data.seed : request.seed;
    const images: ProviderImage[] = [];
    for (const [i, image] of data.images.entries()) {
      if (flags[i] === true || !isObject(image) || typeof image.url !== 'string') continue;
      images.push(await imageFromBytes(await download(image.url, signal, 'fal'), (seed + i) % 2 ** 31, 'fal'));
    }
    if (images.length === 0) throw new ProviderError('internal', 'fal answered without a usable image');
    return images;
  }
}

/** fal's errors: ApiError (`status`, `body.detail`), ValidationError (422, `detail: [{loc, msg, type}]`). */
function falError(err: unknown, module: FalModule, apiKey: string, retryAfter: number | undefined): unknown {
  if (err instanceof ProviderError || !(err instanceof module.ApiError)) {
    if (err instanceof ProviderError || (err instanceof Error && err.name === 'AbortError')) return err;
    return new ProviderError('unavailable', 'cannot reach fal', { cause: err });
  }
  const body: unknown = err.body;
  const items = isObject(body) && Array.isArray(body.detail) ? body.detail.filter(isObject) : [];
  const text = detail(
    items.length > 0
      ? items.map((d) => String(d.msg ?? d.type ?? '')).join('; ')
      : isObject(body) && typeof body.detail === 'string'
        ? body.detail
        : err.message,
    [apiKey],
  );
  if (items.some((d) => d.type === 'content_policy_violation')) return new ProviderError('forbidden', `fal refused the content: ${text}`);
  if (err.status === 401 || err.status === 403)
    return new ProviderError('unavailable', `fal refused the key (check FAL_KEY): ${text}`, { code: 'provider_auth' });
  if (err.status === 429) {
    // The client has already retried (src/queue.js QUEUE_RETRY_CONFIG); fal still says no.
    return new ProviderError(
      'rate_limited',
      `fal is rate limiting requests: ${text}`,
      retryAfter === undefined ? {} : { retryAfterMs: retryAfter },
    );
  }
  return new ProviderError(failureOfStatus(err.status), `fal answered ${err.status}: ${text}`);
}

/** fal runners log diffusers' progress bars (`50%|█████     | 2/4 [...]`); the last one says how far. */
export function progressFromLogs(logs: ReadonlyArray<{ message: string }> | undefined): number {
  for (const log of [...(logs ?? [])].reverse()) {
    const match = /(\d+)\/(\d+)\s*\[/.exec(log.message) ?? /(\d{1,3})%\|/.exec(log.message);
    if (!match) continue;
    return match[2] === undefined ? Number(match[1]) / 100 : Number(match[1]) / Number(match[2]);
  }
  return QUEUED;
}
