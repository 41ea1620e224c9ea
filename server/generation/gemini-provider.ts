// The `gemini` provider: Gemini's image models through `@google/genai`
// (loaded on first use). One `generateContent` per image, asking for an IMAGE
// modality; edits send the layer's image as an `inlineData` part beside the
// prompt. Images come back as `candidates[].content.parts[].inlineData`;
// a blocked prompt or a `finishReason` of SAFETY, PROHIBITED_CONTENT (and the
// other safety reasons) is `forbidden`.
// Source: @google/genai dist/node/index.mjs (ApiClient.apiCall and its
// retries, throwErrorIfNotOK, ApiError), dist/genai.d.ts (FinishReason,
// BlockedReason, GenerateContentResponse, HttpRetryOptions); Gemini API error
// docs (google.rpc.Status with RetryInfo).
import type { Logger } from 'pino';
import type { ImageSize } from '../../shared/protocol.ts';
import { imageFromBytes } from './image-bytes.ts';
import type { GenerateOptions, GenerationRequest, ImageProvider, ProviderImage, ProviderStatus } from './provider.ts';
import type { ProvidersConfig } from './provider-config.ts';
import { detail, ProviderError, type ProviderFailure, settle } from './provider-error.ts';
import { editImagePng, isObject, knownModels } from './provider-kit.ts';

type GeminiConfig = NonNullable<ProvidersConfig['gemini']>;
type GenAiModule = typeof import('@google/genai');
type Client = InstanceType<GenAiModule['GoogleGenAI']>;

const RATIOS: Record<ImageSize, string> = {
  '256x256': '1:1',
  '512x512': '1:1',
  '1024x1024': '1:1',
  '1024x1536': '2:3',
  '1536x1024': '3:2',
};
/** Finish and block reasons that mean the content was refused. */
const REFUSED = new Set(['SAFETY', 'PROHIBITED_CONTENT', 'IMAGE_SAFETY', 'IMAGE_PROHIBITED_CONTENT', 'BLOCKLIST', 'SPII', 'OTHER']);

export class GeminiProvider implements ImageProvider {
  readonly name = 'gemini';
  readonly label = 'Gemini';
  readonly capabilities = {
    edit: true,
    mask: false,
    seed: true,
    negativePrompt: false,
    steps: false,
    previews: false,
    cancel: false,
    models: false,
  };
  readonly concurrency: number;
  readonly defaultModel: string;
  readonly #config: GeminiConfig;
  readonly #logger: Logger;
  #client: Promise<Client> | undefined;

  constructor(config: GeminiConfig, logger: Logger) {
    this.#config = config;
    this.concurrency = config.concurrency;
    this.defaultModel = config.models[0] ?? '';
    this.#logger = logger;
  }

  /** Each configured model as Gemini describes it (`models.get`); ones it does not know are left out. */
  async check(signal: AbortSignal): Promise<ProviderStatus> {
    const client = await this.#load();
    const lookup = async (id: string) => {
      const model = await client.models.get({ model: id, config: { abortSignal: signal } });
      return { id, label: model.displayName ?? id };
    };
    const failure = (err: unknown) => settle(geminiError(err, this.#config.apiKey), signal);
    return {
      models: await knownModels(this.#config.models, lookup, failure, {
        backend: 'Gemini',
        setting: 'GEMINI_MODELS',
        logger: this.#logger,
      }),
    };
  }

  async generate(request: GenerationRequest, { signal, onProgress }: GenerateOptions): Promise<ProviderImage[]> {
    const client = await this.#load();
    const parts: Array<Record<string, unknown>> = [{ text: request.prompt }];
    if (request.edit) {
      const png = await editImagePng(request.edit, request.width, request.height);
      parts.push({ inlineData: { mimeType: 'image/png', data: png.toString('base64') } });
    }
    const images: ProviderImage[] = [];
    try {
      for (let index = 0; index < request.count; index++) {
        const seed = (request.seed + index) % 2 ** 31;
        const response = await client.models.generateContent({
          model: request.model,
          contents: [{ role: 'user', parts }],
          config: { responseModalities: ['IMAGE'], seed, imageConfig: { aspectRatio: RATIOS[request.size] }, abortSignal: signal },
        });
        images.push(await imageFromBytes(imageOf(response), seed, 'Gemini'));
        onProgress({ type: 'progress', progress: (index + 1) / request.count });
      }
      return images;
    } catch (err) {
      throw settle(geminiError(err, this.#config.apiKey), signal);
    }
  }

  #load(): Promise<Client> {
    this.#client ??= import('@google/genai').then(
      (module) =>
        new module.GoogleGenAI({
          apiKey: this.#config.apiKey,
          vertexai: false,
          httpOptions: {
            // Image generation (`imageConfig`, IMAGE responses) is in v1beta.
            apiVersion: 'v1beta',
            ...(this.#config.baseUrl === undefined ? {} : { baseUrl: this.#config.baseUrl }),
            retryOptions: { attempts: this.#config.maxRetries + 1 },
          },
        }),
    );
    return this.#client;
  }
}

/** The first image part of the first candidate, or why there is none. */
function imageOf(response: unknown): Uint8Array {
  const body = isObject(response) ? response : {};
  const feedback = isObject(body.promptFeedback) ? body.promptFeedback : {};
  if (typeof feedback.blockReason === 'string') {
    throw new ProviderError('forbidden', `Gemini blocked the prompt (${feedback.blockReason})`);
  }
  const candidate = Array.isArray(body.candidates) && isObject(body.candidates[0]) ? body.candidates[0] : undefined;
  const reason = typeof candidate?.finishReason === 'string' ? candidate.finishReason : 'none';
  if (REFUSED.has(reason)) throw new ProviderError('forbidden', `Gemini refused to make this image (finishReason ${reason})`);
  const content = candidate && isObject(candidate.content) ? candidate.content : {};
  const parts = Array.isArray(content.parts) ? content.parts.filter(isObject) : [];
  for (const part of parts) {
    const inline = isObject(part.inlineData) ? part.inlineData : undefined;
    if (inline && typeof inline.data === 'string' && String(inline.mimeType ?? '').startsWith('image/'))
      return Buffer.from(inline.data, 'base64');
  }
  const said = parts.map((p) => (typeof p.text === 'string' ? p.text : '')).join(' ');
  throw new ProviderError('internal', `Gemini answered without an image (finishReason ${reason})${said ? `: ${detail(said)}` : ''}`);
}

/** ApiError's message is the JSON error body: `{error: {code, message, status, details}}` (google.rpc.Status). */
function geminiError(err: unknown, apiKey: string): unknown {
  if (err instanceof ProviderError || (err instanceof Error && err.name === 'AbortError')) return err;
  const status = isObject(err) && typeof err.status === 'number' && err instanceof Error ? err.status : undefined;
  if (status === undefined) return new ProviderError('unavailable', 'cannot reach Gemini', { cause: err });
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse((err as Error).message);
    if (isObject(parsed) && isObject(parsed.error)) body = parsed.error;
  } catch {
    // Not JSON: the status alone decides.
  }
  const text = detail(typeof body.message === 'string' ? body.message : `status ${status}`, [apiKey]);
  const rpc = typeof body.status === 'string' ? body.status : '';
  if (status === 401 || status === 403 || /API key/i.test(text)) {
    return new ProviderError('unavailable', `Gemini refused the key (check GEMINI_API_KEY): ${text}`, { code: 'provider_auth' });
  }
  if (status === 429) {
    const retry = retryDelayMs(body.details);
    return new ProviderError(
      'rate_limited',
      `Gemini is rate limiting requests: ${text}`,
      retry === undefined ? {} : { retryAfterMs: retry },
    );
  }
  const failure: ProviderFailure =
    status === 504 || rpc === 'DEADLINE_EXCEEDED' ? 'timeout' : status >= 500 ? 'unavailable' : 'bad_request';
  return new ProviderError(failure, `Gemini answered ${status}${rpc ? ` ${rpc}` : ''}: ${text}`);
}

/** google.rpc.RetryInfo's `retryDelay` ("13s", "1.5s") among the error's details. */
function retryDelayMs(details: unknown): number | undefined {
  if (!Array.isArray(details)) return undefined;
  for (const item of details) {
    if (!isObject(item) || !String(item['@type'] ?? '').endsWith('google.rpc.RetryInfo')) continue;
    const match = typeof item.retryDelay === 'string' ? /^(\d+(?:\.\d+)?)s$/.exec(item.retryDelay) : null;
    if (match) return Math.round(Number(match[1]) * 1000);
  }
  return undefined;
}
