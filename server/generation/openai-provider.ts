// The `openai` provider: OpenAI's image models through the official SDK, with
// moderation first, partial images streamed as previews, edits with masks, the
// SDK's retries (429, 5xx) and the caller's AbortSignal on every request.
// The SDK is imported when the provider first talks to OpenAI (~30 MB of
// resident memory that a node which never calls it does not carry).
import type OpenAI from 'openai';
import type { Logger } from 'pino';
import { loadSharp } from '../media/sharp.ts';
import { imageFromBytes } from './image-bytes.ts';
import { fromOpenAiError } from './openai-errors.ts';
import {
  type EditInput,
  type GenerateOptions,
  type GenerationRequest,
  type ImageProvider,
  type ProviderImage,
  type ProviderStatus,
  seedFor,
} from './provider.ts';
import { ProviderError } from './provider-error.ts';

export interface OpenAiProviderOptions {
  apiKey: string;
  baseUrl: string | undefined;
  model: string;
  maxRetries: number;
  /** Per request attempt; the job's own deadline bounds the whole run. */
  timeoutMs: number;
  /** Partial images to stream per image (0: no streaming). */
  partialImages: number;
  moderation: boolean;
  /** Requests to OpenAI at once from this node. */
  concurrency: number;
  logger: Logger;
}

type OpenAiModule = typeof import('openai');

interface OpenAiSdk {
  module: OpenAiModule;
  client: OpenAI;
}

export const MODERATION_MODEL = 'omni-moderation-latest';
/** Progress spent before the image request (moderation) and reserved after it. */
const START = 0.05;
const SPAN = 0.9;

type ImageEvent =
  | { type: 'image_generation.partial_image' | 'image_edit.partial_image'; b64_json: string; partial_image_index: number }
  | { type: 'image_generation.completed' | 'image_edit.completed'; b64_json: string };

export class OpenAiProvider implements ImageProvider {
  readonly name = 'openai';
  readonly label = 'OpenAI';
  readonly capabilities = {
    edit: true,
    mask: true,
    seed: false,
    negativePrompt: false,
    steps: false,
    previews: true,
    cancel: false,
    models: false,
  };
  readonly concurrency: number;
  readonly defaultModel: string;
  readonly #options: OpenAiProviderOptions;
  #sdk: Promise<OpenAiSdk> | undefined;

  constructor(options: OpenAiProviderOptions) {
    this.#options = options;
    this.defaultModel = options.model;
    this.concurrency = options.concurrency;
  }

  /** The client, built on first use. */
  #load(): Promise<OpenAiSdk> {
    this.#sdk ??= import('openai').then((module) => ({ module, client: this.#newClient(module.OpenAI) }));
    return this.#sdk;
  }

  #newClient(Client: typeof OpenAI): OpenAI {
    const options = this.#options;
    const log = options.logger;
    return new Client({
      apiKey: options.apiKey,
      // Nulls, not undefined: the SDK would otherwise read OPENAI_* variables itself, and config.ts is the one place that does.
      baseURL: options.baseUrl ?? null,
      organization: null,
      project: null,
      webhookSecret: null,
      adminAPIKey: null,
      maxRetries: options.maxRetries,
      timeout: options.timeoutMs,
      logLevel: 'warn',
      logger: {
        error: (message, ...rest) => log.error({ details: rest }, message),
        warn: (message, ...rest) => log.warn({ details: rest }, message),
        info: (message, ...rest) => log.info({ details: rest }, message),
        debug: (message, ...rest) => log.debug({ details: rest }, message),
      },
    });
  }

  /** The configured model only: OpenAI's model list holds far more than image models. */
  async check(): Promise<ProviderStatus> {
    return { models: [{ id: this.defaultModel, label: this.defaultModel }] };
  }

  async generate(request: GenerationRequest, options: GenerateOptions): Promise<ProviderImage[]> {
    const sdk = await this.#load();
    try {
      return await this.#generate(sdk, request, options);
    } catch (err) {
      throw fromOpenAiError(err, options.signal, sdk.module);
    }
  }

  async #generate(
    { client, module }: OpenAiSdk,
    request: GenerationRequest,
    { signal, onProgress }: GenerateOptions,
  ): Promise<ProviderImage[]> {
    if (this.#options.moderation) await moderate(client, request.prompt, signal);
    onProgress({ type: 'progress', progress: START });

    const { count, edit } = request;
    const partials = this.#options.partialImages;
    const common = {
      prompt: request.prompt,
      model: request.model,
      n: count,
      // Our sizes are strings the API knows; sizes a model lacks come back as a 400 (`invalid_request`).
      size: request.size,
      safety_identifier: request.user,
    };
    const images: ProviderImage[] = [];
    const finish = async (b64: string) => {
      images.push(await decodeImage(b64, seedFor(request.seed, images.length)));
      onProgress({ type: 'progress', progress: START + (SPAN * images.length) / count });
    };

    if (partials === 0) {
      const response = edit
        ? await client.images.edit({ ...common, ...(await editFiles(module, edit)) }, { signal })
        : await client.images.generate(common, { signal });
      for (const item of response.data ?? []) {
        if (item.b64_json) await finish(item.b64_json);
      }
    } else {
      const streamed = { ...common, stream: true as const, partial_images: partials };
      const stream: AsyncIterable<ImageEvent> = edit
        ? await client.images.edit({ ...streamed, ...(await editFiles(module, edit)) }, { signal })
        : await client.images.generate(streamed, { signal });
      for await (const event of stream) {
        switch (event.type) {
          case 'image_generation.partial_image':
          case 'image_edit.partial_image': {
            const index = images.length;
            onProgress({ type: 'preview', index, image: { data: Buffer.from(event.b64_json, 'base64') } });
            const within = Math.min(1, (event.partial_image_index + 1) / (partials + 1));
            onProgress({ type: 'progress', progress: START + (SPAN * (index + within)) / count });
            break;
          }
          case 'image_generation.completed':
          case 'image_edit.completed':
            await finish(event.b64_json);
            break;
          default:
            // Event types added to the API later are not ours to handle.
            break;
        }
      }
      // The SDK ends a stream quietly when its request is aborted.
      signal.throwIfAborted();
    }
    if (images.length === 0) throw new ProviderError('internal', 'OpenAI answered without an image');
    return images;
  }
}

async function moderate(client: OpenAI, prompt: string, signal: AbortSignal): Promise<void> {
  const response = await client.moderations.create({ model: MODERATION_MODEL, input: prompt }, { signal });
  const flagged = response.results.filter((r) => r.flagged);
  if (flagged.length === 0) return;
  const categories = [
    ...new Set(
      flagged.flatMap((r) =>
        Object.entries(r.categories)
          .filter(([, on]) => on === true)
          .map(([name]) => name),
      ),
    ),
  ];
  throw new ProviderError('forbidden', `OpenAI moderation flagged the prompt${categories.length > 0 ? ` (${categories.join(', ')})` : ''}`);
}

/** The layer's image as PNG, and the mask as a PNG of the same size, as the edits endpoint wants them. */
async function editFiles({ toFile }: OpenAiModule, edit: EditInput): Promise<{ image: File; mask?: File }> {
  const sharp = await loadSharp();
  const image = await sharp(edit.image).png().toBuffer({ resolveWithObject: true });
  const files: { image: File; mask?: File } = { image: await toFile(image.data, 'image.png', { type: 'image/png' }) };
  if (edit.mask) {
    const mask = await sharp(edit.mask).resize(image.info.width, image.info.height, { fit: 'fill' }).ensureAlpha().png().toBuffer();
    files.mask = await toFile(mask, 'mask.png', { type: 'image/png' });
  }
  return files;
}

function decodeImage(b64: string, seed: number): Promise<ProviderImage> {
  return imageFromBytes(Buffer.from(b64, 'base64'), seed, 'OpenAI');
}
