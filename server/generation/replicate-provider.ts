// The `replicate` provider: Replicate predictions through the `replicate` SDK
// (loaded on first use). Each configured model's input schema is read from
// its latest version, so a job sends only inputs the model declares (and is
// refused when it asks for one the model lacks). A prediction is created,
// polled until it ends (progress from the logs' progress bars), cancelled when
// the job is, and its output URLs downloaded; the seed comes from the logs.
// Source: replicate (npm) index.js (request, wait), lib/predictions.js,
// lib/models.js, lib/error.js, lib/util.js (withAutomaticRetries,
// parseProgressFromLogs); Replicate's HTTP API docs for the prediction object.
import type { Logger } from 'pino';
import type { ImageSize } from '../../shared/protocol.ts';
import { imageFromBytes } from './image-bytes.ts';
import type { GenerateOptions, GenerationRequest, ImageProvider, ProviderImage, ProviderStatus } from './provider.ts';
import type { ProvidersConfig } from './provider-config.ts';
import { detail, failureOfStatus, ProviderError, retryAfterMs, settle } from './provider-error.ts';
import { dataUri, download, editImagePng, isObject, knownModels, sleep, whiteWhereTransparent } from './provider-kit.ts';

type ReplicateConfig = NonNullable<ProvidersConfig['replicate']>;
type ReplicateModule = typeof import('replicate');
type Client = InstanceType<ReplicateModule['default']>;
interface Prediction {
  id: string;
  status: 'starting' | 'processing' | 'succeeded' | 'failed' | 'canceled' | 'aborted';
  output?: unknown;
  error?: unknown;
  logs?: string;
}

const RATIOS: Record<ImageSize, string> = {
  '256x256': '1:1',
  '512x512': '1:1',
  '1024x1024': '1:1',
  '1024x1536': '2:3',
  '1536x1024': '3:2',
};
const STARTING = 0.05;

export class ReplicateProvider implements ImageProvider {
  readonly name = 'replicate';
  readonly label = 'Replicate';
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
  readonly #config: ReplicateConfig;
  readonly #logger: Logger;
  /** Each model's declared inputs (and the values its enums allow), from its latest version's OpenAPI schema. */
  readonly #inputs = new Map<string, Map<string, unknown[] | undefined>>();
  #sdk: Promise<{ client: Client; module: ReplicateModule }> | undefined;

  constructor(config: ReplicateConfig, logger: Logger) {
    this.#config = config;
    this.concurrency = config.concurrency;
    this.defaultModel = config.models[0] ?? '';
    this.#logger = logger;
  }

  async check(signal: AbortSignal): Promise<ProviderStatus> {
    const { client } = await this.#load();
    const lookup = async (id: string) => {
      const [owner = '', name = ''] = id.split('/');
      const model: unknown = await client.request(`/models/${owner}/${name}`, { method: 'GET', signal }).then((r) => r.json());
      this.#inputs.set(id, inputsOf(isObject(model) ? model : {}));
      return { id, label: id };
    };
    const failure = (err: unknown) => replicateError(err, this.#config.apiKey);
    return {
      models: await knownModels(this.#config.models, lookup, failure, {
        backend: 'Replicate',
        setting: 'REPLICATE_MODELS',
        logger: this.#logger,
      }),
    };
  }

  async generate(request: GenerationRequest, { signal, onProgress }: GenerateOptions): Promise<ProviderImage[]> {
    const { client, module } = await this.#load();
    const declared = this.#inputs.get(request.model);
    if (!declared) throw new ProviderError('unavailable', `the inputs of ${request.model} are not known yet`);
    const perRun = declared.has('num_outputs') ? request.count : 1;
    const images: ProviderImage[] = [];
    let current: string | undefined;
    try {
      for (let run = 0; images.length < request.count; run++) {
        const input = await this.#input(request, declared, run, perRun);
        let prediction = (await client.predictions.create({ model: request.model, input, signal })) as Prediction;
        current = prediction.id;
        while (!['succeeded', 'failed', 'canceled', 'aborted'].includes(prediction.status)) {
          const done = run / Math.ceil(request.count / perRun);
          const within = prediction.status === 'starting' ? STARTING : Math.max(STARTING, progressOf(module, prediction.logs));
          onProgress({ type: 'progress', progress: done + within / Math.ceil(request.count / perRun) });
          await sleep(this.#config.pollMs, signal);
          prediction = (await client.predictions.get(prediction.id, { signal })) as Prediction;
        }
        current = undefined;
        images.push(...(await this.#outputs(prediction, request, images.length, signal)));
      }
      return images.slice(0, request.count);
    } catch (err) {
      if (signal.aborted && current !== undefined) {
        await client.predictions.cancel(current, { signal: AbortSignal.timeout(3000) }).catch((e: unknown) => {
          this.#logger.debug({ err: e }, 'Replicate cancel failed');
        });
      }
      throw settle(replicateError(err, this.#config.apiKey), signal);
    }
  }

  #load(): Promise<{ client: Client; module: ReplicateModule }> {
    this.#sdk ??= import('replicate').then((module) => ({
      module,
      client: new module.default({ auth: this.#config.apiKey, baseUrl: this.#config.baseUrl, useFileOutput: false }),
    }));
    return this.#sdk;
  }

  async #input(request: GenerationRequest, declared: Map<string, unknown[] | undefined>, run: number, perRun: number) {
    const input: Record<string, unknown> = { prompt: request.prompt };
    const want = (name: string, value: unknown, what: string) => {
      if (!declared.has(name)) throw new ProviderError('bad_request', `${request.model} takes no ${what}`);
      input[name] = value;
    };
    if (declared.has('seed')) input.seed = (request.seed + run * perRun) % 2 ** 31;
    if (declared.has('num_outputs')) input.num_outputs = Math.min(perRun, request.count - run * perRun);
    const ratio = RATIOS[request.size];
    if (declared.has('aspect_ratio') && (declared.get('aspect_ratio')?.includes(ratio) ?? true)) input.aspect_ratio = ratio;
    else if (declared.has('width') && declared.has('height')) Object.assign(input, { width: request.width, height: request.height });
    if (declared.get('output_format')?.includes('png')) input.output_format = 'png';
    if (request.negativePrompt) want('negative_prompt', request.negativePrompt, 'negative prompt');
    if (request.steps !== undefined) want('num_inference_steps', request.steps, 'steps');
    const edit = request.edit;
    if (edit) {
      want('image', dataUri(await editImagePng(edit, request.width, request.height)), 'image to edit');
      if (edit.mask) want('mask', dataUri(await whiteWhereTransparent(edit.mask, request.width, request.height)), 'mask');
    }
    return input;
  }

  /** A finished prediction's images, or the failure it reports. */
  async #outputs(prediction: Prediction, request: GenerationRequest, offset: number, signal: AbortSignal): Promise<ProviderImage[]> {
    const error = typeof prediction.error === 'string' ? prediction.error : '';
    switch (prediction.status) {
      case 'failed':
        // Replicate's safety checkers fail the prediction with an "NSFW content detected" error.
        if (/nsfw|safety|sensitive|flagged/i.test(error))
          throw new ProviderError('forbidden', `Replicate refused the content: ${detail(error)}`);
        throw new ProviderError('internal', `the Replicate prediction failed: ${detail(error || 'no reason given')}`);
      case 'canceled':
      case 'aborted':
        throw new ProviderError('cancelled', 'the prediction was cancelled on Replicate');
      default:
        break;
    }
    const urls = (Array.isArray(prediction.output) ? prediction.output : [prediction.output]).filter(
      (u): u is string => typeof u === 'string',
    );
    if (urls.length === 0) throw new ProviderError('internal', 'Replicate answered without an image');
    const logged = /seed[:=]\s*(\d+)/i.exec(prediction.logs ?? '');
    const base = logged ? Number(logged[1]) : request.seed + offset;
    const images: ProviderImage[] = [];
    for (const [i, url] of urls.entries())
      images.push(await imageFromBytes(await download(url, signal, 'Replicate'), (base + i) % 2 ** 31, 'Replicate'));
    return images;
  }
}

/**
 * lib/error.js ApiError (not exported at run time, hence the duck typing):
 * `response` is the HTTP response; its body (problem+json) went into the message.
 */
function replicateError(err: unknown, apiKey: string): unknown {
  if (err instanceof ProviderError || (err instanceof Error && err.name === 'AbortError')) return err;
  if (!isApiError(err)) return new ProviderError('unavailable', 'cannot reach Replicate', { cause: err });
  const status = err.response.status;
  const body = /: (\{.*\})\.$/s.exec(err.message)?.[1];
  let text = `status ${status}`;
  try {
    const parsed: unknown = body ? JSON.parse(body) : undefined;
    if (isObject(parsed) && typeof parsed.detail === 'string') text = parsed.detail;
  } catch {
    // A body that is not JSON: the status says enough.
  }
  text = detail(text, [apiKey]);
  if (status === 401 || status === 403)
    return new ProviderError('unavailable', `Replicate refused the token (check REPLICATE_API_TOKEN): ${text}`, { code: 'provider_auth' });
  if (status === 402)
    return new ProviderError('rate_limited', `the Replicate account cannot pay for this: ${text}`, { code: 'provider_quota' });
  if (status === 429) {
    const wait = retryAfterMs(err.response.headers);
    return new ProviderError(
      'rate_limited',
      `Replicate is rate limiting requests: ${text}`,
      wait === undefined ? {} : { retryAfterMs: wait },
    );
  }
  return new ProviderError(failureOfStatus(status), `Replicate answered ${status}: ${text}`);
}

function isApiError(err: unknown): err is Error & { response: Response } {
  return err instanceof Error && err.name === 'ApiError' && 'response' in err && err.response instanceof Response;
}

/** The input names a model declares, with the allowed values of enums. */
function inputsOf(model: Record<string, unknown>): Map<string, unknown[] | undefined> {
  const version = isObject(model.latest_version) ? model.latest_version : {};
  const schema = isObject(version.openapi_schema) ? version.openapi_schema : {};
  const schemas = isObject(schema.components) && isObject(schema.components.schemas) ? schema.components.schemas : {};
  const properties = isObject(schemas.Input) && isObject(schemas.Input.properties) ? schemas.Input.properties : {};
  const inputs = new Map<string, unknown[] | undefined>();
  for (const [name, spec] of Object.entries(properties)) {
    let values: unknown[] | undefined;
    if (isObject(spec) && Array.isArray(spec.enum)) values = spec.enum;
    // Cog puts enums in their own schema, referenced through allOf.
    const ref = isObject(spec) && Array.isArray(spec.allOf) && isObject(spec.allOf[0]) ? spec.allOf[0].$ref : undefined;
    if (typeof ref === 'string') {
      const target = schemas[ref.split('/').at(-1) ?? ''];
      if (isObject(target) && Array.isArray(target.enum)) values = target.enum;
    }
    inputs.set(name, values);
  }
  return inputs;
}

function progressOf(module: ReplicateModule, logs: string | undefined): number {
  const parsed = module.parseProgressFromLogs(logs ?? '') as { percentage?: number } | null;
  return typeof parsed?.percentage === 'number' ? parsed.percentage : STARTING;
}
