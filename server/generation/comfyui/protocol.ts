// ComfyUI's wire formats as its server sends them: JSON messages
// `{type, data}` and binary frames on `/ws?clientId=`, and the JSON bodies of
// `/prompt`, `/history`, `/queue` and `/object_info`.
// Source: comfyanonymous/ComfyUI server.py (PromptServer.send_json,
// send_bytes, encode_bytes, send_image, send_image_with_metadata, the routes),
// protocol.py (BinaryEventTypes), execution.py (PromptExecutor.add_message,
// handle_execution_error, validate_prompt), main.py (prompt_worker,
// hijack_progress).

/** protocol.py BinaryEventTypes: the big-endian uint32 that starts every binary frame. */
export const BINARY_EVENT = {
  PREVIEW_IMAGE: 1,
  UNENCODED_PREVIEW_IMAGE: 2,
  TEXT: 3,
  PREVIEW_IMAGE_WITH_METADATA: 4,
} as const;

/** The image type word of a PREVIEW_IMAGE frame (server.py send_image). */
const PREVIEW_FORMAT = { 1: 'jpeg', 2: 'png' } as const;

export type BinaryFrame =
  | { kind: 'preview'; data: Uint8Array; promptId: string | undefined }
  | { kind: 'other'; type: number }
  | { kind: 'malformed'; reason: string };

/**
 * Splits a binary frame. Type 1 is `[type][image format][image]` and names no
 * prompt (it belongs to the prompt executing for this client); type 4 is
 * `[type][metadata length][metadata JSON][image]`, the JSON naming `prompt_id`.
 */
export function parseBinaryFrame(frame: Uint8Array): BinaryFrame {
  if (frame.byteLength < 8) return { kind: 'malformed', reason: `a binary frame of ${frame.byteLength} bytes` };
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const type = view.getUint32(0, false);
  switch (type) {
    case BINARY_EVENT.PREVIEW_IMAGE: {
      const format = view.getUint32(4, false);
      if (!(format in PREVIEW_FORMAT)) return { kind: 'malformed', reason: `preview image format ${format}` };
      return { kind: 'preview', data: frame.subarray(8), promptId: undefined };
    }
    case BINARY_EVENT.PREVIEW_IMAGE_WITH_METADATA: {
      const length = view.getUint32(4, false);
      if (8 + length > frame.byteLength)
        return { kind: 'malformed', reason: `metadata of ${length} bytes in a frame of ${frame.byteLength}` };
      let metadata: unknown;
      try {
        metadata = JSON.parse(new TextDecoder().decode(frame.subarray(8, 8 + length)));
      } catch {
        return { kind: 'malformed', reason: 'preview metadata is not JSON' };
      }
      const promptId = isObject(metadata) && typeof metadata.prompt_id === 'string' ? metadata.prompt_id : undefined;
      return { kind: 'preview', data: frame.subarray(8 + length), promptId };
    }
    default:
      return { kind: 'other', type };
  }
}

/** The JSON messages this client acts on; everything else is ignored. */
export type ComfyMessage =
  | { type: 'status'; queueRemaining: number | undefined }
  | { type: 'execution_start'; promptId: string }
  | { type: 'executing'; promptId: string | undefined; node: string | null }
  | { type: 'progress'; promptId: string | undefined; value: number; max: number }
  | { type: 'execution_success'; promptId: string }
  | { type: 'execution_error'; promptId: string; error: ExecutionError }
  | { type: 'execution_interrupted'; promptId: string; nodeId: string | undefined; nodeType: string | undefined }
  | { type: 'ignored' };

export interface ExecutionError {
  nodeId: string | undefined;
  nodeType: string | undefined;
  exceptionType: string;
  exceptionMessage: string;
}

export function parseMessage(text: string): ComfyMessage | null {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isObject(message) || typeof message.type !== 'string' || !isObject(message.data)) return null;
  const data = message.data;
  const promptId = typeof data.prompt_id === 'string' ? data.prompt_id : undefined;
  switch (message.type) {
    case 'status': {
      const status = isObject(data.status) && isObject(data.status.exec_info) ? data.status.exec_info.queue_remaining : undefined;
      return { type: 'status', queueRemaining: typeof status === 'number' ? status : undefined };
    }
    case 'execution_start':
      return promptId === undefined ? null : { type: 'execution_start', promptId };
    case 'executing': {
      // On reconnect ComfyUI sends `executing` without prompt_id (server.py websocket_handler).
      const node =
        data.node === null ? null : typeof data.node === 'string' || typeof data.node === 'number' ? String(data.node) : undefined;
      return node === undefined ? null : { type: 'executing', promptId, node };
    }
    case 'progress': {
      const { value, max } = data;
      if (typeof value !== 'number' || typeof max !== 'number' || !(max > 0)) return null;
      return { type: 'progress', promptId, value, max };
    }
    case 'execution_success':
      return promptId === undefined ? null : { type: 'execution_success', promptId };
    case 'execution_error':
      return promptId === undefined ? null : { type: 'execution_error', promptId, error: executionError(data) };
    case 'execution_interrupted':
      return promptId === undefined
        ? null
        : { type: 'execution_interrupted', promptId, nodeId: optionalId(data.node_id), nodeType: optionalString(data.node_type) };
    default:
      return { type: 'ignored' };
  }
}

export function executionError(data: Record<string, unknown>): ExecutionError {
  return {
    nodeId: optionalId(data.node_id),
    nodeType: optionalString(data.node_type),
    exceptionType: optionalString(data.exception_type) ?? 'Exception',
    exceptionMessage: optionalString(data.exception_message) ?? '',
  };
}

/** One image of a node's output in `/history`: where `/view` finds it. */
export interface OutputImage {
  filename: string;
  subfolder: string;
  type: string;
}

/** `/history/{prompt_id}` of one finished prompt (execution.py PromptQueue.task_done). */
export interface HistoryEntry {
  /** The prompt as queued: `[number, prompt_id, prompt, extra_data, outputs_to_execute]`. */
  graph: Record<string, { class_type?: string; inputs?: Record<string, unknown> }>;
  outputs: Array<{ node: string; images: OutputImage[] }>;
  status: { completed: boolean; statusStr: string; messages: Array<[string, Record<string, unknown>]> };
}

export function parseHistoryEntry(entry: unknown): HistoryEntry | null {
  if (!isObject(entry) || !Array.isArray(entry.prompt) || !isObject(entry.outputs)) return null;
  const graph = isObject(entry.prompt[2]) ? (entry.prompt[2] as HistoryEntry['graph']) : {};
  const outputs: HistoryEntry['outputs'] = [];
  for (const [node, output] of Object.entries(entry.outputs)) {
    if (!isObject(output) || !Array.isArray(output.images)) continue;
    const images = output.images.filter(
      (i): i is OutputImage =>
        isObject(i) && typeof i.filename === 'string' && typeof i.subfolder === 'string' && typeof i.type === 'string',
    );
    outputs.push({ node, images });
  }
  const status = isObject(entry.status) ? entry.status : {};
  const messages = Array.isArray(status.messages)
    ? status.messages.filter((m): m is [string, Record<string, unknown>] => Array.isArray(m) && typeof m[0] === 'string' && isObject(m[1]))
    : [];
  return {
    graph,
    outputs,
    status: { completed: status.completed === true, statusStr: optionalString(status.status_str) ?? '', messages },
  };
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function optionalId(value: unknown): string | undefined {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}
