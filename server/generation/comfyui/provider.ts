// The `comfyui` provider: a job is one ComfyUI prompt per image, queued with
// this node's client_id and a prompt_id of our own (so the WebSocket can be
// listening before ComfyUI starts), watched over one shared WebSocket, and
// collected from `/history` and `/view`. Cancelling deletes the prompts still
// waiting (`POST /queue {delete}`) and interrupts the one running
// (`POST /interrupt {prompt_id}`); never a bare, global interrupt.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Logger } from 'pino';
import { loadSharp } from '../../media/sharp.ts';
import { imageFromBytes } from '../image-bytes.ts';
import { editImagePng } from '../provider-kit.ts';
import type { EditInput, GenerateOptions, GenerationRequest, ImageProvider, ProviderImage, ProviderStatus } from '../provider.ts';
import type { ComfyUiConfig } from '../provider-config.ts';
import { ProviderError, settle } from '../provider-error.ts';
import { ProviderSetupError } from '../provider-registry.ts';
import { ComfyHttp } from './http.ts';
import { HISTORY_POLL_MS, PromptRun } from './prompt-run.ts';
import { ComfySocket } from './socket.ts';
import { builtInWorkflow, DEFAULT_STEPS, type GraphValues, loadWorkflow, modelsOf, type Workflow } from './workflow.ts';

/** How long a job waits for the WebSocket before queueing anyway (and reading `/history` instead). */
const SOCKET_WAIT_MS = 1000;
/** Cancelling talks to ComfyUI after the job's signal aborted: bounded on its own. */
const CANCEL_TIMEOUT_MS = 3000;
/** The seed input of the built-in graph: KSampler, node 3. */
const BUILT_IN_SEED_NODE = '3';

export class ComfyUiProvider implements ImageProvider {
  readonly name = 'comfyui';
  readonly label = 'ComfyUI';
  readonly capabilities;
  readonly concurrency: number;
  readonly defaultModel: string;
  readonly #config: ComfyUiConfig;
  readonly #http: ComfyHttp;
  readonly #socket: ComfySocket;
  readonly #workflow: Workflow;
  readonly #seedNode: string | undefined;
  #validated: boolean;

  /** Throws ProviderSetupError when COMFYUI_WORKFLOW or its node mapping is unusable. */
  constructor(config: ComfyUiConfig, logger: Logger) {
    this.#config = config;
    this.concurrency = config.concurrency;
    this.#http = new ComfyHttp(config.url);
    this.#socket = new ComfySocket({ baseUrl: config.url, clientId: randomUUID(), reconnectMaxMs: config.reconnectMaxMs, logger });
    if (config.workflow === undefined) {
      this.#workflow = builtInWorkflow;
      this.#seedNode = BUILT_IN_SEED_NODE;
      this.#validated = true;
    } else {
      try {
        this.#workflow = loadWorkflow(config.workflow, config.workflowNodes);
      } catch (err) {
        throw new ProviderSetupError(this.name, (err as Error).message);
      }
      this.#seedNode = undefined;
      this.#validated = false;
    }
    const takes = this.#workflow.takes;
    this.capabilities = {
      edit: takes.has('image'),
      mask: takes.has('mask'),
      seed: takes.has('seed'),
      negativePrompt: takes.has('negative_prompt'),
      steps: takes.has('steps'),
      previews: true,
      cancel: true,
      models: this.#workflow.modelSource !== undefined,
    };
    this.defaultModel = config.model ?? (this.#workflow.modelSource ? '' : this.#fixedModel());
  }

  /**
   * Reads the models from `/object_info`; the first time, an own workflow is
   * checked against every node type ComfyUI has (a mismatch stops start-up).
   */
  async check(signal: AbortSignal): Promise<ProviderStatus> {
    const source = this.#workflow.modelSource;
    const nodeTypes = await this.#http.objectInfo(signal, this.#validated ? source?.nodeClass : undefined);
    if (!this.#validated) {
      const problems = this.#workflow.validate(nodeTypes);
      if (problems.length > 0) throw new ProviderSetupError(this.name, `COMFYUI_WORKFLOW cannot run here: ${problems.join('; ')}`);
      this.#validated = true;
    }
    if (!source) return { models: [{ id: this.defaultModel, label: this.defaultModel }] };
    const models = modelsOf(this.#workflow, nodeTypes);
    if (models.length === 0) throw new ProviderError('unavailable', `ComfyUI lists no model for ${source.nodeClass}.${source.input}`);
    return { models: models.map((id) => ({ id, label: id.replace(/\.(safetensors|ckpt|pt|bin|gguf)$/i, '') })) };
  }

  async generate(request: GenerationRequest, { signal, onProgress }: GenerateOptions): Promise<ProviderImage[]> {
    const runs: PromptRun[] = [];
    const fractions = new Array<number>(request.count).fill(0);
    const report = () => onProgress({ type: 'progress', progress: fractions.reduce((a, b) => a + b, 0) / request.count });
    let poller: NodeJS.Timeout | undefined;
    try {
      const uploaded = request.edit ? await this.#upload(request, request.edit, signal) : {};
      for (let index = 0; index < request.count; index++) {
        const run = new PromptRun(
          randomUUID(),
          this.#http,
          {
            progress: (fraction) => {
              fractions[index] = Math.max(fractions[index] ?? 0, fraction * 0.98);
              report();
            },
            preview: (data) => onProgress({ type: 'preview', index, image: { data } }),
          },
          signal,
          this.#seedNode,
        );
        runs.push(run);
        this.#socket.listen(run.id, run);
      }
      await this.#socket.ready(SOCKET_WAIT_MS, signal);
      // Messages lost while the WebSocket is down are read back from `/history`.
      poller = setInterval(() => {
        if (!this.#socket.open) for (const run of runs) run.readHistory(0);
      }, HISTORY_POLL_MS);
      for (const [index, run] of runs.entries()) {
        const values = this.#values(request, index, uploaded);
        await this.#http.queuePrompt(run.id, this.#socket.clientId, this.#workflow.build(values), signal);
      }
      const images: ProviderImage[] = [];
      const aborted = new Promise<never>((_, reject) => {
        if (signal.aborted) reject(signal.reason);
        signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      });
      aborted.catch(() => undefined);
      for (const [index, run] of runs.entries()) {
        const results = await Promise.race([run.done, aborted]);
        fractions[index] = 1;
        report();
        for (const result of results) {
          images.push(await imageFromBytes(result.data, result.seed ?? this.#values(request, index, uploaded).seed, 'ComfyUI'));
        }
      }
      return images;
    } catch (err) {
      if (signal.aborted) await this.#cancel(runs);
      throw settle(err, signal);
    } finally {
      clearInterval(poller);
      for (const run of runs) this.#socket.forget(run.id);
    }
  }

  async close(): Promise<void> {
    this.#socket.close();
  }

  #values(request: GenerationRequest, index: number, uploaded: { image?: string; mask?: string }): GraphValues {
    return {
      prompt: request.prompt,
      negativePrompt: request.negativePrompt ?? '',
      seed: (request.seed + index) % 2 ** 31,
      width: request.width,
      height: request.height,
      steps: request.steps ?? DEFAULT_STEPS,
      model: request.model,
      ...uploaded,
    };
  }

  /** The edit image at the job's size, and its mask at the same size with only its alpha kept. */
  async #upload(request: GenerationRequest, edit: EditInput, signal: AbortSignal): Promise<{ image?: string; mask?: string }> {
    const { width, height } = request;
    const image = await editImagePng(edit, width, height);
    const names: { image?: string; mask?: string } = {
      image: await this.#http.upload(`atelier-${request.jobId}.png`, image, signal),
    };
    if (edit.mask && this.capabilities.mask) {
      const sharp = await loadSharp();
      const mask = await sharp(edit.mask).resize(width, height, { fit: 'cover' }).ensureAlpha().png().toBuffer();
      names.mask = await this.#http.upload(`atelier-${request.jobId}-mask.png`, mask, signal);
    }
    return names;
  }

  /** Deletes our prompts still waiting and interrupts ours that runs, whatever the WebSocket last said. */
  async #cancel(runs: readonly PromptRun[]): Promise<void> {
    const ours = new Set(runs.filter((r) => !r.settled).map((r) => r.id));
    if (ours.size === 0) return;
    const signal = AbortSignal.timeout(CANCEL_TIMEOUT_MS);
    try {
      const queue = await this.#http.queue(signal);
      const pending = queue.pending.filter((id) => ours.has(id));
      if (pending.length > 0) await this.#http.deleteFromQueue(pending, signal);
      for (const id of queue.running.filter((id) => ours.has(id))) await this.#http.interrupt(id, signal);
    } catch {
      // ComfyUI is unreachable or slow: nothing more can be done, and the job is already over for Atelier.
    }
  }

  #fixedModel(): string {
    return path.basename(this.#config.workflow ?? 'workflow', '.json');
  }
}
