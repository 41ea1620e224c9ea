// The `a1111` provider: AUTOMATIC1111's (and Forge's) web UI API. A job is one
// `POST /sdapi/v1/txt2img` (or `img2img` with `mask` for edits) named with
// `force_task_id`; while it runs, `/sdapi/v1/progress` is polled for progress
// and `current_image` previews, but only while `current_task` is ours. The
// seeds come back in `info`, a JSON document inside a JSON string.
// Source: AUTOMATIC1111/stable-diffusion-webui modules/api/api.py
// (text2imgapi, img2imgapi, progressapi, interruptapi, get_sd_models, auth,
// handle_exception), modules/api/models.py, modules/processing.py
// (Processed.js: all_seeds, index_of_first_image), modules/progress.py.
import type { Logger } from 'pino';
import { jsonOrUndefined } from '../../shared/json-text.ts';
import { imageFromBytes } from './image-bytes.ts';
import type { GenerateOptions, GenerationRequest, ImageProvider, ProviderImage, ProviderStatus } from './provider.ts';
import type { A1111Config } from './provider-config.ts';
import { detail, failureOfStatus, ProviderError, settle } from './provider-error.ts';
import { editImagePng, isObject, whiteWhereTransparent } from './provider-kit.ts';

const DEFAULT_STEPS = 20;
const EDIT_DENOISE = 0.75;
/** Interrupting after a cancel talks to A1111 on its own clock. */
const CANCEL_TIMEOUT_MS = 3000;

interface ProgressAnswer {
  progress: number;
  /** `state.interrupted`: someone interrupted the job running now. */
  interrupted: boolean;
  /** Absent on servers older than 1.8, which cannot say whose task runs. */
  currentTask: string | null | undefined;
  currentImage: string | null;
}

export class A1111Provider implements ImageProvider {
  readonly name = 'a1111';
  readonly label = 'AUTOMATIC1111 / Forge';
  readonly capabilities = {
    edit: true,
    mask: true,
    seed: true,
    negativePrompt: true,
    steps: true,
    previews: true,
    cancel: true,
    models: true,
  };
  readonly concurrency: number;
  readonly defaultModel: string;
  readonly #config: A1111Config;
  readonly #headers: Record<string, string>;
  readonly #logger: Logger;
  /** Tasks cancelled before A1111 started them: interrupted if they ever start (A1111 cannot drop a waiting task). */
  readonly #orphans = new Map<string, number>();
  #reaper: NodeJS.Timeout | undefined;
  readonly #orphanTtlMs: number;

  /** `orphanTtlMs`: how long a task cancelled while waiting is watched for (the job deadline). */
  constructor(config: A1111Config, orphanTtlMs: number, logger: Logger) {
    this.#config = config;
    this.concurrency = config.concurrency;
    this.defaultModel = config.model ?? '';
    this.#orphanTtlMs = orphanTtlMs;
    this.#logger = logger;
    this.#headers = { 'content-type': 'application/json' };
    if (config.auth) this.#headers.authorization = `Basic ${Buffer.from(config.auth).toString('base64')}`;
  }

  async check(signal: AbortSignal): Promise<ProviderStatus> {
    const models = await this.#json('GET', '/sdapi/v1/sd-models', undefined, signal);
    if (!Array.isArray(models)) throw new ProviderError('internal', 'A1111 sent a model list of an unknown shape');
    const list = models.flatMap((m: unknown) =>
      isObject(m) && typeof m.title === 'string' ? [{ id: m.title, label: typeof m.model_name === 'string' ? m.model_name : m.title }] : [],
    );
    if (list.length === 0) throw new ProviderError('unavailable', 'A1111 lists no checkpoint');
    return { models: list };
  }

  async generate(request: GenerationRequest, { signal, onProgress }: GenerateOptions): Promise<ProviderImage[]> {
    const taskId = `atelier-${request.jobId}`;
    const body = await this.#body(request, taskId);
    const route = request.edit ? '/sdapi/v1/img2img' : '/sdapi/v1/txt2img';
    const watch = this.#watch(taskId, request, signal, onProgress);
    try {
      const answer = await this.#json('POST', route, body, signal);
      // An interrupted A1111 still answers 200 with the half-made batch (processing.py): not a result.
      if (watch.interrupted() || (await this.#endedInterrupted(taskId, signal))) {
        throw new ProviderError('cancelled', 'the job was interrupted on the A1111 server');
      }
      return await this.#images(answer, request);
    } catch (err) {
      if (signal.aborted) await this.#cancel(taskId);
      throw settle(err, signal);
    } finally {
      watch.stop();
    }
  }

  async close(): Promise<void> {
    clearInterval(this.#reaper);
  }

  async #body(request: GenerationRequest, taskId: string): Promise<Record<string, unknown>> {
    const body: Record<string, unknown> = {
      prompt: request.prompt,
      negative_prompt: request.negativePrompt ?? '',
      seed: request.seed,
      steps: request.steps ?? DEFAULT_STEPS,
      width: request.width,
      height: request.height,
      batch_size: request.count,
      n_iter: 1,
      cfg_scale: 7,
      override_settings: { sd_model_checkpoint: request.model },
      override_settings_restore_afterwards: true,
      send_images: true,
      save_images: false,
      force_task_id: taskId,
    };
    const edit = request.edit;
    if (!edit) return body;
    const image = await editImagePng(edit, request.width, request.height);
    body.init_images = [image.toString('base64')];
    body.denoising_strength = EDIT_DENOISE;
    if (edit.mask) {
      // A1111 repaints where the mask is white; ours is transparent there.
      const mask = await whiteWhereTransparent(edit.mask, request.width, request.height);
      Object.assign(body, {
        mask: mask.toString('base64'),
        inpainting_fill: 1,
        inpaint_full_res: false,
        mask_blur: 4,
        denoising_strength: 1,
      });
    }
    return body;
  }

  /** Polls `/sdapi/v1/progress` while the request runs; progress and previews only while the task is ours. */
  #watch(taskId: string, request: GenerationRequest, signal: AbortSignal, onProgress: GenerateOptions['onProgress']) {
    let last: string | null = null;
    let busy = false;
    let interrupted = false;
    const timer = setInterval(() => {
      if (busy || signal.aborted) return;
      busy = true;
      void this.#progress(true, signal)
        .then((answer) => {
          if (answer.currentTask !== undefined && answer.currentTask !== taskId) return;
          if (answer.currentTask === undefined && answer.progress === 0) return;
          if (answer.currentTask === taskId && answer.interrupted) interrupted = true;
          onProgress({ type: 'progress', progress: Math.min(0.99, answer.progress) });
          if (answer.currentImage && answer.currentImage !== last) {
            last = answer.currentImage;
            // One preview image for the whole batch: A1111 shows the first (or a grid) while sampling.
            onProgress({ type: 'preview', index: 0, image: { data: Buffer.from(answer.currentImage, 'base64') } });
          }
        })
        .catch((err: unknown) => {
          if (!signal.aborted) this.#logger.debug({ err, count: request.count }, 'A1111 progress poll failed');
        })
        .finally(() => {
          busy = false;
        });
    }, this.#config.previewMs);
    return { stop: () => clearInterval(timer), interrupted: () => interrupted };
  }

  async #progress(withImage: boolean, signal: AbortSignal): Promise<ProgressAnswer> {
    const answer = await this.#json('GET', `/sdapi/v1/progress?skip_current_image=${withImage ? 'false' : 'true'}`, undefined, signal);
    if (!isObject(answer)) throw new ProviderError('internal', 'A1111 sent a progress answer of an unknown shape');
    return {
      progress: typeof answer.progress === 'number' ? answer.progress : 0,
      currentTask: 'current_task' in answer ? (typeof answer.current_task === 'string' ? answer.current_task : null) : undefined,
      currentImage: typeof answer.current_image === 'string' ? answer.current_image : null,
      interrupted: isObject(answer.state) && answer.state.interrupted === true,
    };
  }

  /**
   * Whether the job that just ended was interrupted: `state.interrupted` stays
   * true after a job ends until the next one begins (shared_state.py), so
   * right after our answer it speaks of ours, unless another task runs by then.
   */
  async #endedInterrupted(taskId: string, signal: AbortSignal): Promise<boolean> {
    const answer = await this.#progress(false, signal);
    return answer.interrupted && (answer.currentTask === null || answer.currentTask === taskId);
  }

  /** Interrupts A1111 only if our task is the one it runs; a task still waiting is watched until it starts. */
  async #cancel(taskId: string): Promise<void> {
    const signal = AbortSignal.timeout(CANCEL_TIMEOUT_MS);
    try {
      const answer = await this.#progress(false, signal);
      if (answer.currentTask === taskId) await this.#json('POST', '/sdapi/v1/interrupt', {}, signal);
      else if (answer.currentTask !== undefined) this.#orphan(taskId);
    } catch (err) {
      this.#logger.debug({ err }, 'A1111 interrupt failed');
    }
  }

  #orphan(taskId: string): void {
    this.#orphans.set(taskId, Date.now() + this.#orphanTtlMs);
    this.#reaper ??= setInterval(() => void this.#reap(), this.#config.previewMs);
    this.#reaper.unref();
  }

  async #reap(): Promise<void> {
    const now = Date.now();
    for (const [task, until] of this.#orphans) if (until < now) this.#orphans.delete(task);
    if (this.#orphans.size === 0) {
      clearInterval(this.#reaper);
      this.#reaper = undefined;
      return;
    }
    try {
      const signal = AbortSignal.timeout(CANCEL_TIMEOUT_MS);
      const { currentTask } = await this.#progress(false, signal);
      if (currentTask && this.#orphans.delete(currentTask)) await this.#json('POST', '/sdapi/v1/interrupt', {}, signal);
    } catch (err) {
      this.#logger.debug({ err }, 'A1111 poll for cancelled tasks failed');
    }
  }

  /** `images` from `index_of_first_image` on (a grid may come first), seeds from `info.all_seeds`. */
  async #images(answer: unknown, request: GenerationRequest): Promise<ProviderImage[]> {
    if (!isObject(answer) || !Array.isArray(answer.images)) throw new ProviderError('internal', 'A1111 answered without images');
    let info: Record<string, unknown> = {};
    if (typeof answer.info === 'string') {
      try {
        const parsed: unknown = JSON.parse(answer.info);
        if (isObject(parsed)) info = parsed;
      } catch {
        // An `info` that is not JSON (a script's plain text) leaves the seeds unknown.
      }
    }
    const first = typeof info.index_of_first_image === 'number' ? info.index_of_first_image : 0;
    const seeds = Array.isArray(info.all_seeds) ? info.all_seeds : [];
    const encoded = answer.images.slice(first, first + request.count).filter((i): i is string => typeof i === 'string' && i !== '');
    if (encoded.length < request.count) {
      throw new ProviderError(
        'cancelled',
        `A1111 returned ${encoded.length} of ${request.count} images (was it interrupted on the server?)`,
      );
    }
    return Promise.all(
      encoded.map((b64, i) => {
        const seed = seeds[i];
        return imageFromBytes(Buffer.from(b64, 'base64'), typeof seed === 'number' ? seed : (request.seed + i) % 2 ** 31, 'A1111');
      }),
    );
  }

  async #json(method: string, route: string, body: unknown, signal: AbortSignal): Promise<unknown> {
    let res: Response;
    try {
      res = await fetch(this.#config.url + route, {
        method,
        headers: this.#headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal,
      });
    } catch (err) {
      if (signal.aborted) throw signal.reason;
      throw new ProviderError('unavailable', `cannot reach A1111 at ${this.#config.url}`, { cause: err });
    }
    const text = await res.text();
    const parsed = jsonOrUndefined(text);
    if (res.ok) return parsed;
    throw a1111Error(res.status, parsed, route, this.#config.auth);
  }
}

/** api.py handle_exception: `{error, detail, body, errors}`; FastAPI's own 422: `{detail: [{loc, msg}]}`. */
function a1111Error(status: number, body: unknown, route: string, auth: string | undefined): ProviderError {
  const secrets = auth ? [auth, auth.slice(auth.indexOf(':') + 1)] : [];
  if (status === 401)
    return new ProviderError('unavailable', 'A1111 refused the credentials (check A1111_AUTH)', { code: 'provider_auth' });
  let message = '';
  if (isObject(body)) {
    if (Array.isArray(body.detail)) {
      message = body.detail
        .filter(isObject)
        .map((d) => `${Array.isArray(d.loc) ? d.loc.join('.') : ''}: ${String(d.msg ?? '')}`)
        .join('; ');
    } else {
      message = [body.error, body.detail, body.errors].filter((x) => typeof x === 'string' && x).join(': ');
    }
  }
  const text = detail(message || `status ${status}`, secrets);
  if (/OutOfMemory|out of memory/i.test(message)) return new ProviderError('unavailable', `A1111 ran out of GPU memory: ${text}`);
  const failure = status === 500 ? 'internal' : failureOfStatus(status);
  return new ProviderError(failure, `A1111 answered ${status} to ${route}: ${text}`);
}
