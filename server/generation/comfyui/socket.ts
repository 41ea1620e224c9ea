// One WebSocket per Atelier node to ComfyUI's `/ws?clientId=`, shared by every
// prompt this node queued. It announces `feature_flags` first (so previews come
// as type-4 frames naming their prompt), routes messages and previews to the
// prompt they belong to, and reconnects with backoff when the connection drops,
// telling the prompts so they can read what they missed from `/history`.
// ComfyUI sends a prompt's messages only to the client_id that queued it, and
// drops them while that client is away (server.py send_json with sid).
import type { Logger } from 'pino';
import WebSocket from 'ws';
import { type ComfyMessage, parseBinaryFrame, parseMessage } from './protocol.ts';

export interface PromptListener {
  message(message: ComfyMessage): void;
  preview(data: Uint8Array): void;
  /** The connection came back after a drop: messages may have been lost. */
  reconnected(): void;
}

export interface SocketOptions {
  /** `http(s)://host:port` of ComfyUI. */
  baseUrl: string;
  clientId: string;
  /** Longest wait between two reconnection attempts. */
  reconnectMaxMs: number;
  logger: Logger;
}

const FIRST_RETRY_MS = 100;
/** Sent first on every connection (server.py websocket_handler reads only the first message as flags). */
const FEATURE_FLAGS = JSON.stringify({ type: 'feature_flags', data: { supports_preview_metadata: true } });

export class ComfySocket {
  readonly #options: SocketOptions;
  readonly #listeners = new Map<string, PromptListener>();
  #ws: WebSocket | undefined;
  #retryTimer: NodeJS.Timeout | undefined;
  #attempt = 0;
  #dropped = false;
  /** The prompt ComfyUI last started for this client: type-1 previews name none and belong to it. */
  #executing: string | undefined;
  #closed = false;

  constructor(options: SocketOptions) {
    this.#options = options;
  }

  get clientId(): string {
    return this.#options.clientId;
  }

  get open(): boolean {
    return this.#ws?.readyState === WebSocket.OPEN;
  }

  /** Routes the prompt's messages to `listener` until `forget`; connects if needed. */
  listen(promptId: string, listener: PromptListener): void {
    this.#listeners.set(promptId, listener);
    if (!this.#ws && !this.#retryTimer) this.#connect();
  }

  /** Resolves once the connection is open, or after `timeoutMs` (the prompt then reads `/history` until it is). */
  async ready(timeoutMs: number, signal: AbortSignal): Promise<void> {
    const ws = this.#ws;
    if (!ws || ws.readyState === WebSocket.OPEN) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        ws.off('open', done);
        ws.off('close', done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      ws.once('open', done);
      ws.once('close', done);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  forget(promptId: string): void {
    this.#listeners.delete(promptId);
    if (this.#executing === promptId) this.#executing = undefined;
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#retryTimer);
    this.#ws?.terminate();
    this.#ws = undefined;
  }

  #connect(): void {
    if (this.#closed) return;
    const url = new URL('/ws', this.#options.baseUrl);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set('clientId', this.#options.clientId);
    const ws = new WebSocket(url, { perMessageDeflate: false, maxPayload: 64 * 1024 * 1024 });
    this.#ws = ws;
    ws.on('open', () => {
      ws.send(FEATURE_FLAGS);
      this.#attempt = 0;
      if (this.#dropped) {
        this.#dropped = false;
        this.#options.logger.info('ComfyUI WebSocket reconnected');
        for (const listener of [...this.#listeners.values()]) listener.reconnected();
      }
    });
    ws.on('message', (data, isBinary) => {
      const bytes = toBytes(data);
      if (isBinary) this.#binary(bytes);
      else this.#text(Buffer.from(bytes).toString('utf8'));
    });
    ws.on('error', (err) => this.#options.logger.debug({ err }, 'ComfyUI WebSocket error'));
    ws.on('close', () => {
      if (this.#ws !== ws) return;
      this.#ws = undefined;
      this.#executing = undefined;
      this.#dropped = true;
      // Nobody waits for ComfyUI now: connect again when a prompt does.
      if (this.#listeners.size === 0 || this.#closed) return;
      const delay = Math.min(this.#options.reconnectMaxMs, FIRST_RETRY_MS * 2 ** this.#attempt++);
      this.#retryTimer = setTimeout(
        () => {
          this.#retryTimer = undefined;
          this.#connect();
        },
        delay / 2 + Math.random() * (delay / 2),
      );
      this.#retryTimer.unref();
    });
  }

  #text(text: string): void {
    const message = parseMessage(text);
    if (!message) {
      this.#options.logger.debug({ length: text.length }, 'ComfyUI sent a message this client does not read');
      return;
    }
    if (message.type === 'execution_start') this.#executing = message.promptId;
    if (message.type === 'executing' && message.promptId !== undefined)
      this.#executing = message.node === null ? undefined : message.promptId;
    const promptId = 'promptId' in message ? message.promptId : undefined;
    if (promptId !== undefined) {
      this.#listeners.get(promptId)?.message(message);
      return;
    }
    // `executing` without prompt_id (sent on reconnect) and `progress` of old servers: the prompt executing now.
    if ((message.type === 'executing' || message.type === 'progress') && this.#executing !== undefined) {
      this.#listeners.get(this.#executing)?.message(message);
    }
  }

  #binary(bytes: Uint8Array): void {
    const frame = parseBinaryFrame(bytes);
    if (frame.kind === 'malformed') {
      this.#options.logger.warn({ reason: frame.reason }, 'ComfyUI sent a malformed binary frame');
      return;
    }
    if (frame.kind !== 'preview') return;
    const promptId = frame.promptId ?? this.#executing;
    if (promptId !== undefined) this.#listeners.get(promptId)?.preview(frame.data);
  }
}

function toBytes(data: WebSocket.RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data;
}
