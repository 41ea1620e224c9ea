// ComfyUI's HTTP routes (server.py): queue a prompt, read its history and
// images, cancel it, upload edit images, list node types. Failures become
// ProviderErrors; a 400 from `/prompt` names the node that refused.
import { failureOfStatus, ProviderError } from '../provider-error.ts';
import { type HistoryEntry, isObject, parseHistoryEntry } from './protocol.ts';

/** One entry of `/object_info`: a node type's inputs (server.py node_info). */
export interface NodeInfo {
  input?: { required?: Record<string, unknown>; optional?: Record<string, unknown> };
}

export class ComfyHttp {
  readonly #base: string;

  constructor(baseUrl: string) {
    this.#base = baseUrl;
  }

  /** `POST /prompt` with our client_id and our prompt_id; 400 `node_errors` → bad_request naming the node. */
  async queuePrompt(promptId: string, clientId: string, graph: object, signal: AbortSignal): Promise<void> {
    const res = await this.#fetch('/prompt', signal, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: graph, client_id: clientId, prompt_id: promptId }),
    });
    if (res.ok) {
      await res.body?.cancel();
      return;
    }
    const body = await readJson(res);
    if (res.status === 400 && isObject(body))
      throw new ProviderError('bad_request', `ComfyUI refused the workflow: ${describeRefusal(body)}`);
    throw statusError(res.status, 'POST /prompt', body);
  }

  /** The prompt's history entry; null while it has none (queued or running). */
  async history(promptId: string, signal: AbortSignal): Promise<HistoryEntry | null> {
    const res = await this.#fetch(`/history/${encodeURIComponent(promptId)}`, signal);
    const body = await readJson(res);
    if (!res.ok) throw statusError(res.status, 'GET /history', body);
    if (!isObject(body) || !(promptId in body)) return null;
    const entry = parseHistoryEntry(body[promptId]);
    if (!entry) throw new ProviderError('internal', 'ComfyUI sent a history entry of an unknown shape');
    return entry;
  }

  async view(image: { filename: string; subfolder: string; type: string }, signal: AbortSignal): Promise<Uint8Array> {
    const query = new URLSearchParams({ filename: image.filename, subfolder: image.subfolder, type: image.type });
    const res = await this.#fetch(`/view?${query}`, signal);
    if (!res.ok) throw statusError(res.status, 'GET /view', await readJson(res));
    return new Uint8Array(await res.arrayBuffer());
  }

  /** The ids of the prompts running and waiting (`GET /queue`: items are `[number, prompt_id, …]`). */
  async queue(signal: AbortSignal): Promise<{ running: string[]; pending: string[] }> {
    const res = await this.#fetch('/queue', signal);
    const body = await readJson(res);
    if (!res.ok || !isObject(body)) throw statusError(res.status, 'GET /queue', body);
    const ids = (items: unknown) =>
      Array.isArray(items) ? items.flatMap((item) => (Array.isArray(item) && typeof item[1] === 'string' ? [item[1]] : [])) : [];
    return { running: ids(body.queue_running), pending: ids(body.queue_pending) };
  }

  /** Interrupts the prompt only if it is the one running (never a bare, global interrupt). */
  async interrupt(promptId: string, signal: AbortSignal): Promise<void> {
    await this.#post('/interrupt', { prompt_id: promptId }, signal);
  }

  async deleteFromQueue(promptIds: string[], signal: AbortSignal): Promise<void> {
    await this.#post('/queue', { delete: promptIds }, signal);
  }

  /** `POST /upload/image` (multipart `image`, `overwrite`); the name ComfyUI stored it under. */
  async upload(name: string, png: Uint8Array, signal: AbortSignal): Promise<string> {
    const form = new FormData();
    form.set('image', new Blob([new Uint8Array(png)], { type: 'image/png' }), name);
    form.set('overwrite', 'true');
    form.set('type', 'input');
    const res = await this.#fetch('/upload/image', signal, { method: 'POST', body: form });
    const body = await readJson(res);
    if (!res.ok || !isObject(body) || typeof body.name !== 'string') throw statusError(res.status, 'POST /upload/image', body);
    return typeof body.subfolder === 'string' && body.subfolder ? `${body.subfolder}/${body.name}` : body.name;
  }

  /** `/object_info` (every node type) or `/object_info/{class}` (one). */
  async objectInfo(signal: AbortSignal, nodeClass?: string): Promise<Record<string, NodeInfo>> {
    const res = await this.#fetch(nodeClass === undefined ? '/object_info' : `/object_info/${encodeURIComponent(nodeClass)}`, signal);
    const body = await readJson(res);
    if (!res.ok || !isObject(body)) throw statusError(res.status, 'GET /object_info', body);
    return body as Record<string, NodeInfo>;
  }

  async #post(path: string, body: object, signal: AbortSignal): Promise<void> {
    const res = await this.#fetch(path, signal, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw statusError(res.status, `POST ${path}`, await readJson(res));
    await res.body?.cancel();
  }

  async #fetch(path: string, signal: AbortSignal, init: RequestInit = {}): Promise<Response> {
    try {
      return await fetch(this.#base + path, { ...init, signal });
    } catch (err) {
      if (signal.aborted) throw signal.reason;
      throw new ProviderError('unavailable', `cannot reach ComfyUI at ${this.#base}`, { cause: err });
    }
  }
}

/** The options of a combo input, in either of ComfyUI's formats: `[[…options], {…}]` or `["COMBO", {options: […]}]`. */
export function comboOptions(spec: unknown): string[] | undefined {
  if (!Array.isArray(spec)) return undefined;
  if (Array.isArray(spec[0])) return spec[0].filter((o): o is string => typeof o === 'string');
  if (spec[0] === 'COMBO' && isObject(spec[1]) && Array.isArray(spec[1].options)) {
    return spec[1].options.filter((o): o is string => typeof o === 'string');
  }
  return undefined;
}

/** `{error: {message, details}, node_errors: {id: {class_type, errors: [{message, details}]}}}` as one sentence. */
function describeRefusal(body: Record<string, unknown>): string {
  const parts: string[] = [];
  if (isObject(body.node_errors)) {
    for (const [node, entry] of Object.entries(body.node_errors)) {
      if (!isObject(entry)) continue;
      const errors = Array.isArray(entry.errors) ? entry.errors.filter(isObject) : [];
      const what = errors.map((e) => [e.message, e.details].filter((x) => typeof x === 'string' && x).join(': ')).join('; ');
      parts.push(`node ${node}${typeof entry.class_type === 'string' ? ` (${entry.class_type})` : ''}: ${what || 'invalid'}`);
    }
  }
  if (parts.length === 0 && isObject(body.error) && typeof body.error.message === 'string') {
    parts.push([body.error.message, body.error.details].filter((x) => typeof x === 'string' && x).join(': '));
  }
  return parts.join('; ') || 'invalid prompt';
}

function statusError(status: number, route: string, body: unknown): ProviderError {
  const message = isObject(body) && isObject(body.error) && typeof body.error.message === 'string' ? `: ${body.error.message}` : '';
  return new ProviderError(failureOfStatus(status), `ComfyUI answered ${status} to ${route}${message}`);
}

async function readJson(res: Response): Promise<unknown> {
  const text = await res.text();
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
