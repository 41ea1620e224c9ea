// One queued ComfyUI prompt, from `POST /prompt` to its images: follows its
// messages and previews on the shared WebSocket, and reads `/history` when the
// WebSocket cannot be trusted (not open, or back after a drop). The order it
// relies on comes from ComfyUI main.py prompt_worker: `execution_success`
// (execution.py) is sent before the history entry is stored (task_done), then
// `executing` with `node: null` after it.
import { ProviderError } from '../provider-error.ts';
import type { ComfyHttp } from './http.ts';
import type { ComfyMessage, ExecutionError, HistoryEntry, OutputImage } from './protocol.ts';
import type { PromptListener } from './socket.ts';

export interface PromptImage {
  data: Uint8Array;
  /** The seed the prompt ran with, as ComfyUI recorded it in its history. */
  seed: number | undefined;
}

export interface PromptRunHooks {
  /** Within-prompt progress, 0–1. */
  progress(fraction: number): void;
  preview(data: Uint8Array): void;
}

/** How often a prompt reads its history while the WebSocket is not open, and after `execution_success`. */
export const HISTORY_POLL_MS = 1000;
const HISTORY_RETRIES_AFTER_SUCCESS = 20;
const HISTORY_RETRY_MS = 50;

export class PromptRun implements PromptListener {
  readonly id: string;
  readonly #http: ComfyHttp;
  readonly #hooks: PromptRunHooks;
  readonly #signal: AbortSignal;
  readonly #seedNode: string | undefined;
  readonly done: Promise<PromptImage[]>;
  #resolve!: (images: PromptImage[]) => void;
  #reject!: (err: unknown) => void;
  #settled = false;
  #reading: Promise<void> | undefined;
  started = false;

  /** `seedNode`: the node whose `seed` input the history reports. */
  constructor(id: string, http: ComfyHttp, hooks: PromptRunHooks, signal: AbortSignal, seedNode: string | undefined) {
    this.id = id;
    this.#http = http;
    this.#hooks = hooks;
    this.#signal = signal;
    this.#seedNode = seedNode;
    this.done = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    // Settled by whoever awaits it; never an unhandled rejection meanwhile.
    this.done.catch(() => undefined);
  }

  get settled(): boolean {
    return this.#settled;
  }

  message(message: ComfyMessage): void {
    if (this.#settled) return;
    switch (message.type) {
      case 'execution_start':
        this.started = true;
        this.#hooks.progress(0);
        return;
      case 'progress':
        this.started = true;
        this.#hooks.progress(Math.min(1, message.value / message.max));
        return;
      case 'executing':
        if (message.node === null) this.readHistory(0);
        else this.started = true;
        return;
      case 'execution_success':
        this.readHistory(HISTORY_RETRIES_AFTER_SUCCESS);
        return;
      case 'execution_error':
        this.#fail(executionFailure(message.error));
        return;
      case 'execution_interrupted':
        this.#fail(interrupted(message.nodeId, message.nodeType));
        return;
      case 'status':
      case 'ignored':
        return;
      default:
        message satisfies never;
    }
  }

  preview(data: Uint8Array): void {
    if (!this.#settled) this.#hooks.preview(data);
  }

  reconnected(): void {
    this.readHistory(0);
  }

  /** Reads `/history/{id}`; finishes the prompt if it is there, else retries `retries` times. */
  readHistory(retries: number): void {
    if (this.#settled || this.#reading) return;
    this.#reading = this.#read(retries)
      .catch((err: unknown) => this.#fail(err))
      .finally(() => {
        this.#reading = undefined;
      });
  }

  #fail(err: unknown): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#reject(err);
  }

  async #read(retries: number): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const entry = await this.#http.history(this.id, this.#signal);
      if (entry) return this.#finish(entry);
      if (attempt >= retries || this.#settled) return;
      await new Promise((resolve) => setTimeout(resolve, HISTORY_RETRY_MS));
    }
  }

  async #finish(entry: HistoryEntry): Promise<void> {
    if (this.#settled) return;
    const failure = historyFailure(entry);
    if (failure) return this.#fail(failure);
    const seedInput = this.#seedNode === undefined ? undefined : entry.graph[this.#seedNode]?.inputs?.seed;
    const seed = typeof seedInput === 'number' && Number.isInteger(seedInput) ? seedInput : undefined;
    // SaveImage writes `output` images; PreviewImage's `temp` ones are not results.
    const images: OutputImage[] = entry.outputs.flatMap((o) => o.images.filter((i) => i.type === 'output'));
    if (images.length === 0) return this.#fail(new ProviderError('internal', 'ComfyUI finished the prompt without saving an image'));
    const data = await Promise.all(images.map((image) => this.#http.view(image, this.#signal)));
    if (this.#settled) return;
    this.#settled = true;
    this.#resolve(data.map((bytes) => ({ data: bytes, seed })));
  }
}

/** A failed or interrupted history entry, from the messages ComfyUI kept with it (execution.py add_message). */
function historyFailure(entry: HistoryEntry): ProviderError | undefined {
  if (entry.status.statusStr !== 'error' && entry.status.completed) return undefined;
  for (const [event, data] of entry.status.messages) {
    if (event === 'execution_error') {
      return executionFailure({
        nodeId: idOf(data.node_id),
        nodeType: typeof data.node_type === 'string' ? data.node_type : undefined,
        exceptionType: typeof data.exception_type === 'string' ? data.exception_type : 'Exception',
        exceptionMessage: typeof data.exception_message === 'string' ? data.exception_message : '',
      });
    }
    if (event === 'execution_interrupted')
      return interrupted(idOf(data.node_id), typeof data.node_type === 'string' ? data.node_type : undefined);
  }
  return entry.status.statusStr === 'error' ? new ProviderError('internal', 'ComfyUI reports the prompt failed') : undefined;
}

/** Out of GPU memory is worth another try (ComfyUI unloads its models after one); anything else is the workflow's failure. */
function executionFailure(error: ExecutionError): ProviderError {
  const where = `node ${error.nodeId ?? '?'}${error.nodeType ? ` (${error.nodeType})` : ''}`;
  const text = `${error.exceptionType}: ${error.exceptionMessage.split('\n')[0]}`.slice(0, 300);
  if (/OutOfMemory|out of memory/i.test(`${error.exceptionType} ${error.exceptionMessage}`)) {
    return new ProviderError('unavailable', `ComfyUI ran out of GPU memory in ${where}: ${text}`);
  }
  return new ProviderError('internal', `ComfyUI failed in ${where}: ${text}`);
}

function interrupted(nodeId: string | undefined, nodeType: string | undefined): ProviderError {
  const where = nodeId === undefined ? '' : ` in node ${nodeId}${nodeType ? ` (${nodeType})` : ''}`;
  return new ProviderError('cancelled', `the prompt was interrupted on the ComfyUI server${where}`);
}

function idOf(value: unknown): string | undefined {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}
