// The `stability` provider: Stability AI's v2beta stable-image API over plain
// HTTP. A job is one multipart request per image (`/generate/{core|ultra|sd3}`,
// or `/edit/inpaint` for edits) answered with the image itself; the
// `finish-reason` header says CONTENT_FILTERED when moderation blurred it
// (`forbidden`), and the `seed` header which seed made it.
// Source: Stability AI's REST API reference for v2beta stable-image
// (request fields, `Accept: image/*`, the `finish-reason` and `seed` response
// headers, error bodies `{id, name, errors}` with 400, 403 content_moderation,
// 413, 422, 429, 500).
import type { ImageSize } from '../../shared/protocol.ts';
import { imageFromBytes } from './image-bytes.ts';
import type { GenerateOptions, GenerationRequest, ImageProvider, ProviderImage, ProviderStatus } from './provider.ts';
import type { ProvidersConfig } from './provider-config.ts';
import { detail, failureOfStatus, ProviderError, retryAfterMs } from './provider-error.ts';
import { editImagePng, isObject, whiteWhereTransparent } from './provider-kit.ts';

type StabilityConfig = NonNullable<ProvidersConfig['stability']>;

const RATIOS: Record<ImageSize, string> = {
  '256x256': '1:1',
  '512x512': '1:1',
  '1024x1024': '1:1',
  '1024x1536': '2:3',
  '1536x1024': '3:2',
};
/** `STABILITY_MODELS` entries that run on the sd3 endpoint (its `model` field); the others name an endpoint (core, ultra). */
const SD3_MODELS = /^sd3/;

export class StabilityProvider implements ImageProvider {
  readonly name = 'stability';
  readonly label = 'Stability AI';
  readonly capabilities = {
    edit: true,
    mask: true,
    seed: true,
    negativePrompt: true,
    steps: false,
    previews: false,
    cancel: false,
    models: false,
  };
  readonly concurrency: number;
  readonly defaultModel: string;
  readonly #config: StabilityConfig;

  constructor(config: StabilityConfig) {
    this.#config = config;
    this.concurrency = config.concurrency;
    this.defaultModel = config.models[0] ?? '';
  }

  /** The key is good when `/v1/user/balance` answers; the configured models are offered. */
  async check(signal: AbortSignal): Promise<ProviderStatus> {
    const res = await this.#fetch('/v1/user/balance', { headers: this.#auth({ accept: 'application/json' }) }, signal);
    if (!res.ok) throw await stabilityError(res, this.#config.apiKey);
    await res.body?.cancel();
    return { models: this.#config.models.map((id) => ({ id, label: id })) };
  }

  async generate(request: GenerationRequest, { signal, onProgress }: GenerateOptions): Promise<ProviderImage[]> {
    const images: ProviderImage[] = [];
    for (let index = 0; index < request.count; index++) {
      const seed = (request.seed + index) % 2 ** 31;
      const { route, form } = await this.#request(request, seed);
      const res = await this.#fetch(route, { method: 'POST', headers: this.#auth({ accept: 'image/*' }), body: form }, signal);
      if (!res.ok) throw await stabilityError(res, this.#config.apiKey);
      if (res.headers.get('finish-reason') === 'CONTENT_FILTERED') {
        await res.body?.cancel();
        throw new ProviderError('forbidden', "Stability AI's moderation filtered the image (finish-reason: CONTENT_FILTERED)");
      }
      const reported = Number(res.headers.get('seed'));
      const bytes = new Uint8Array(await res.arrayBuffer());
      images.push(await imageFromBytes(bytes, Number.isInteger(reported) && res.headers.has('seed') ? reported : seed, 'Stability AI'));
      onProgress({ type: 'progress', progress: (index + 1) / request.count });
    }
    return images;
  }

  async #request(request: GenerationRequest, seed: number): Promise<{ route: string; form: FormData }> {
    const form = new FormData();
    form.set('prompt', request.prompt);
    form.set('seed', String(seed));
    form.set('output_format', 'png');
    if (request.negativePrompt) form.set('negative_prompt', request.negativePrompt);
    const edit = request.edit;
    if (edit) {
      // Inpaint repaints where the mask is white, or, with no mask, where the image is transparent.
      const image = await editImagePng(edit, request.width, request.height);
      form.set('image', new Blob([new Uint8Array(image)], { type: 'image/png' }), 'image.png');
      if (edit.mask) {
        const mask = await whiteWhereTransparent(edit.mask, request.width, request.height);
        form.set('mask', new Blob([new Uint8Array(mask)], { type: 'image/png' }), 'mask.png');
      }
      return { route: '/v2beta/stable-image/edit/inpaint', form };
    }
    form.set('aspect_ratio', RATIOS[request.size]);
    if (SD3_MODELS.test(request.model)) {
      form.set('model', request.model);
      return { route: '/v2beta/stable-image/generate/sd3', form };
    }
    return { route: `/v2beta/stable-image/generate/${encodeURIComponent(request.model)}`, form };
  }

  #auth(headers: Record<string, string>): Record<string, string> {
    return { ...headers, authorization: `Bearer ${this.#config.apiKey}` };
  }

  async #fetch(route: string, init: RequestInit, signal: AbortSignal): Promise<Response> {
    try {
      return await fetch(this.#config.baseUrl + route, { ...init, signal });
    } catch (err) {
      if (signal.aborted) throw signal.reason;
      throw new ProviderError('unavailable', 'cannot reach Stability AI', { cause: err });
    }
  }
}

/** `{id, name, errors: [...]}`: `content_moderation` (403) is `forbidden`; 401 the key; 429 with Retry-After. */
async function stabilityError(res: Response, apiKey: string): Promise<ProviderError> {
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    body = undefined;
  }
  const name = isObject(body) && typeof body.name === 'string' ? body.name : '';
  const errors = isObject(body) && Array.isArray(body.errors) ? body.errors.filter((e) => typeof e === 'string') : [];
  const text = detail(errors.join('; ') || name || `status ${res.status}`, [apiKey]);
  if (name === 'content_moderation' || (res.status === 403 && /moderat/i.test(text))) {
    return new ProviderError('forbidden', `Stability AI's moderation refused the request: ${text}`);
  }
  if (res.status === 401)
    return new ProviderError('unavailable', `Stability AI refused the key (check STABILITY_API_KEY): ${text}`, { code: 'provider_auth' });
  if (res.status === 402)
    return new ProviderError('rate_limited', `the Stability AI account is out of credits: ${text}`, { code: 'provider_quota' });
  if (res.status === 429) {
    const wait = retryAfterMs(res.headers);
    return new ProviderError(
      'rate_limited',
      `Stability AI is rate limiting requests: ${text}`,
      wait === undefined ? {} : { retryAfterMs: wait },
    );
  }
  return new ProviderError(failureOfStatus(res.status), `Stability AI answered ${res.status}: ${text}`);
}
