// A ComfyUI server on port 0 speaking its wire formats as its source defines
// them (comfyanonymous/ComfyUI):
// - routes of server.py: POST /prompt (validate, then queue; 400 with
//   `{error, node_errors}`), GET /history/{id}, GET /view, GET/POST /queue
//   (`{delete}`), POST /interrupt (`{prompt_id}` interrupts only the running
//   prompt), POST /upload/image, GET /object_info[/{class}];
// - /ws?clientId=: `status` first (server.py websocket_handler), a client's
//   first message may be `feature_flags`, answered with the server's;
//   messages of a prompt go to the client_id that queued it only, and are
//   lost while that client is away (send_json with sid);
// - the message order of one prompt (execution.py execute_async, main.py
//   prompt_worker, comfy_execution/progress.py): execution_start,
//   execution_cached, then per node executing (+ progress_state), the
//   sampler's progress with preview frames (type 1 `[1][format][jpeg]`, or
//   type 4 `[4][len][metadata][jpeg]` once the client asked for metadata),
//   executed for the save node, execution_success; then the history entry is
//   stored (task_done), then executing with node null.
// - failures: execution_error (with exception_type, e.g. an out-of-memory),
//   execution_interrupted, a dropped WebSocket, a server that never answers.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { onTestFinished } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { NODE_TYPES, type PromptGraph, validatePrompt } from './comfyui-nodes.ts';

export interface Behaviour {
  /** Sampler steps reported as `progress` (the graph's own `steps` when unset). */
  steps?: number;
  /** Preview frames sent during sampling. */
  previews?: number;
  stepDelayMs?: number;
  /** Fail at this step with an out-of-memory execution_error. */
  oomAtStep?: number;
  /** Close the client's WebSocket at this step; the prompt goes on without it. */
  dropSocketAtStep?: number;
  /** POST /prompt never answers. */
  hang?: boolean;
}

export interface FakeComfyUi {
  url: string;
  models: string[];
  /** Applied to prompts queued from now on. */
  behaviour: Behaviour;
  /** Prompts that may run at once (ComfyUI runs one; the benchmark simulates a farm). */
  parallel: number;
  requests: Array<{ method: string; path: string; body: unknown }>;
  interrupts: string[];
  deleted: string[];
  uploads: Map<string, Uint8Array>;
  /** Client ids of the WebSocket connections opened so far, with their first message. */
  connections: Array<{ clientId: string; flags: unknown }>;
  /** Every frame sent to a client, with the time it left (the benchmark's clock). */
  onFrame: ((frame: SentFrame) => void) | undefined;
  /** The positive prompt of each prompt queued (node 6 of the built-in graph), by prompt_id. */
  texts: Map<string, string>;
  /** Holds prompts in the queue until release(). */
  hold(): void;
  release(): void;
  readonly running: string[];
  readonly pending: string[];
  close(): Promise<void>;
}

interface Queued {
  id: string;
  clientId: string;
  graph: PromptGraph;
  behaviour: Behaviour;
  number: number;
  interrupted: boolean;
}

export interface SentFrame {
  /** The message type, or `preview` for a binary preview frame. */
  type: string;
  promptId: string | undefined;
  /** `progress`'s value. */
  value: number | undefined;
  sentAt: number;
}

export interface FakeOptions {
  parallel?: number;
  autoClose?: boolean;
  /** false: a ComfyUI from before feature flags, which sends type-1 previews whatever the client asks. */
  featureFlags?: boolean;
}

export async function startFakeComfyUi(options: FakeOptions = {}): Promise<FakeComfyUi> {
  const sockets = new Map<string, { ws: WebSocket; metadata: boolean }>();
  const history = new Map<string, object>();
  const outputs = new Map<string, Uint8Array>();
  const queue: Queued[] = [];
  const running = new Map<string, Queued>();
  let number = 0;
  let held = false;
  const preview = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#777777' } })
    .jpeg()
    .toBuffer();

  const fake: FakeComfyUi = {
    url: '',
    models: ['sd_xl_base_1.0.safetensors', 'v1-5-pruned-emaonly.safetensors'],
    behaviour: {},
    parallel: options.parallel ?? 1,
    requests: [],
    interrupts: [],
    deleted: [],
    uploads: new Map(),
    connections: [],
    onFrame: undefined,
    texts: new Map(),
    hold: () => {
      held = true;
    },
    release: () => {
      held = false;
      pump();
    },
    get running() {
      return [...running.keys()];
    },
    get pending() {
      return queue.map((q) => q.id);
    },
    close: async () => {
      for (const { ws } of sockets.values()) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };

  const send = (clientId: string | undefined, type: string, data: Record<string, unknown>) => {
    const message = JSON.stringify({ type, data });
    const targets = clientId === undefined ? [...sockets.values()] : [sockets.get(clientId)].filter((s) => s !== undefined);
    for (const target of targets) {
      if (target.ws.readyState !== WebSocket.OPEN) continue;
      target.ws.send(message);
      const promptId = typeof data.prompt_id === 'string' ? data.prompt_id : undefined;
      fake.onFrame?.({ type, promptId, value: typeof data.value === 'number' ? data.value : undefined, sentAt: performance.now() });
    }
  };
  const queueInfo = () => ({ exec_info: { queue_remaining: queue.length + running.size } });
  const queueUpdated = () => send(undefined, 'status', { status: queueInfo() });

  function sendPreview(item: Queued, node: string): void {
    const target = sockets.get(item.clientId);
    if (!target || target.ws.readyState !== WebSocket.OPEN) return;
    let frame: Buffer;
    if (target.metadata) {
      // progress.py WebUIProgressHandler + server.py send_image_with_metadata.
      const metadata = Buffer.from(
        JSON.stringify({
          node_id: node,
          prompt_id: item.id,
          display_node_id: node,
          parent_node_id: null,
          real_node_id: node,
          image_type: 'image/jpeg',
        }),
      );
      frame = Buffer.concat([u32(4), u32(metadata.length), metadata, preview]);
    } else {
      // main.py hijack_progress → server.py send_image: [1][1 = JPEG][bytes].
      frame = Buffer.concat([u32(1), u32(1), preview]);
    }
    target.ws.send(frame);
    fake.onFrame?.({ type: 'preview', promptId: item.id, value: undefined, sentAt: performance.now() });
  }

  async function execute(item: Queued): Promise<void> {
    const { id, clientId, graph, behaviour } = item;
    const messages: Array<[string, object]> = [];
    const add = (event: string, data: Record<string, unknown>) => {
      const stamped = { ...data, timestamp: Date.now() };
      messages.push([event, stamped]);
      send(clientId, event, stamped);
    };
    add('execution_start', { prompt_id: id });
    add('execution_cached', { nodes: [], prompt_id: id });
    const executed: string[] = [];
    let error: { node: string; type: string } | undefined;
    const order = Object.keys(graph).sort((a, b) => rank(graph[a]!.class_type) - rank(graph[b]!.class_type));
    let outputsOfPrompt: Record<string, { images: object[] }> = {};
    for (const node of order) {
      const { class_type, inputs } = graph[node]!;
      send(clientId, 'executing', { node, display_node: node, prompt_id: id });
      if (class_type === 'KSampler') {
        const steps = behaviour.steps ?? Number(inputs.steps ?? 20);
        const previewEvery = Math.max(1, Math.floor(steps / Math.max(1, behaviour.previews ?? 2)));
        for (let step = 1; step <= steps; step++) {
          await sleep(behaviour.stepDelayMs ?? 2);
          if (item.interrupted) {
            error = { node, type: class_type };
            break;
          }
          if (behaviour.dropSocketAtStep === step) sockets.get(clientId)?.ws.terminate();
          if (behaviour.oomAtStep === step) {
            add('execution_error', {
              prompt_id: id,
              node_id: node,
              node_type: class_type,
              executed: [...executed],
              exception_message:
                'Allocation on device \nThis error means you ran out of memory on your GPU.\n\nTIPS: If the workflow worked before you might have accidentally set the batch_size to a large number.',
              exception_type: 'torch.OutOfMemoryError',
              traceback: ['  File "execution.py", line 277, in execute\n'],
              current_inputs: {},
              current_outputs: [],
            });
            error = { node, type: class_type };
            break;
          }
          send(clientId, 'progress', { value: step, max: steps, prompt_id: id, node });
          if (step % previewEvery === 0 && (behaviour.previews ?? 2) > 0) sendPreview(item, node);
        }
        if (error) break;
      }
      if (class_type === 'SaveImage') {
        const images = [];
        const size = await imageSize(graph, fake.uploads);
        const seed = Number(Object.values(graph).find((n) => n.class_type === 'KSampler')?.inputs.seed ?? 0);
        const filename = `atelier_${String(++number).padStart(5, '0')}_.png`;
        outputs.set(
          `output/${filename}`,
          await sharp({ create: { ...size, channels: 3, background: colourOf(seed) } })
            .png()
            .toBuffer(),
        );
        images.push({ filename, subfolder: '', type: 'output' });
        outputsOfPrompt = { [node]: { images } };
        send(clientId, 'executed', { node, display_node: node, output: { images }, prompt_id: id });
      }
      executed.push(node);
    }
    if (item.interrupted) {
      add('execution_interrupted', { prompt_id: id, node_id: error?.node, node_type: error?.type, executed });
    } else if (!error) {
      add('execution_success', { prompt_id: id });
    }
    const success = !error && !item.interrupted;
    // execution.py PromptQueue.task_done: [number, prompt_id, prompt, extra_data, outputs_to_execute].
    history.set(id, {
      prompt: [item.number, id, graph, { client_id: clientId }, Object.keys(outputsOfPrompt)],
      outputs: success ? outputsOfPrompt : {},
      status: { status_str: success ? 'success' : 'error', completed: success, messages },
      meta: {},
    });
    running.delete(id);
    queueUpdated();
    send(clientId, 'executing', { node: null, prompt_id: id });
    pump();
  }

  function pump(): void {
    while (!held && running.size < fake.parallel && queue.length > 0) {
      const item = queue.shift()!;
      running.set(item.id, item);
      queueUpdated();
      void execute(item);
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const route = url.pathname;
    const raw = await body(req);
    const json = () =>
      raw.length > 0 && req.headers['content-type']?.startsWith('application/json') ? JSON.parse(raw.toString('utf8')) : {};
    if (req.method === 'POST' && route === '/upload/image') return upload(req, raw, res);
    const parsed = req.method === 'POST' ? json() : undefined;
    fake.requests.push({ method: req.method ?? 'GET', path: route + url.search, body: parsed });

    if (req.method === 'POST' && route === '/prompt') {
      if (fake.behaviour.hang) return; // never answers
      const valid = validatePrompt(parsed.prompt, fake.models, [...fake.uploads.keys()]);
      if (!valid.ok) return reply(res, 400, { error: valid.error, node_errors: valid.nodeErrors });
      const id = String(parsed.prompt_id ?? crypto.randomUUID());
      const text = parsed.prompt?.['6']?.inputs?.text;
      if (typeof text === 'string') fake.texts.set(id, text);
      queue.push({
        id,
        clientId: String(parsed.client_id ?? ''),
        graph: parsed.prompt,
        behaviour: { ...fake.behaviour },
        number: number++,
        interrupted: false,
      });
      queueUpdated();
      pump();
      return reply(res, 200, { prompt_id: id, number, node_errors: {} });
    }
    if (req.method === 'GET' && route.startsWith('/history/')) {
      const id = decodeURIComponent(route.slice('/history/'.length));
      const entry = history.get(id);
      return reply(res, 200, entry ? { [id]: entry } : {});
    }
    if (req.method === 'GET' && route === '/view') {
      const file = outputs.get(`${url.searchParams.get('type') ?? 'output'}/${url.searchParams.get('filename')}`);
      if (!file) return reply(res, 404, {});
      res.writeHead(200, { 'content-type': 'image/png' });
      res.end(file);
      return;
    }
    if (req.method === 'GET' && route === '/queue') {
      const item = (q: Queued) => [q.number, q.id, q.graph, { client_id: q.clientId }, []];
      return reply(res, 200, { queue_running: [...running.values()].map(item), queue_pending: queue.map(item) });
    }
    if (req.method === 'POST' && route === '/queue') {
      for (const id of parsed.delete ?? []) {
        const at = queue.findIndex((q) => q.id === id);
        if (at >= 0) {
          queue.splice(at, 1);
          fake.deleted.push(id);
          queueUpdated();
        }
      }
      res.writeHead(200).end();
      return;
    }
    if (req.method === 'POST' && route === '/interrupt') {
      // server.py post_interrupt: with a prompt_id, only the running prompt of that id.
      const target = parsed.prompt_id === undefined ? [...running.values()] : [running.get(parsed.prompt_id)].filter((q) => q);
      for (const item of target) {
        item!.interrupted = true;
        fake.interrupts.push(item!.id);
      }
      res.writeHead(200).end();
      return;
    }
    if (req.method === 'GET' && (route === '/object_info' || route.startsWith('/object_info/'))) {
      const types = NODE_TYPES(fake.models, [...fake.uploads.keys()]);
      if (route === '/object_info') return reply(res, 200, types);
      const name = decodeURIComponent(route.slice('/object_info/'.length));
      return reply(res, 200, name in types ? { [name]: types[name] } : {});
    }
    reply(res, 404, {});
  }

  async function upload(req: IncomingMessage, raw: Buffer, res: ServerResponse): Promise<void> {
    const form = await new Request('http://fake/', {
      method: 'POST',
      headers: { 'content-type': String(req.headers['content-type']) },
      body: new Uint8Array(raw),
    }).formData();
    const image = form.get('image');
    if (!(image instanceof File) || !image.name) return void res.writeHead(400).end();
    fake.uploads.set(image.name, new Uint8Array(await image.arrayBuffer()));
    fake.requests.push({
      method: 'POST',
      path: '/upload/image',
      body: { name: image.name, overwrite: form.get('overwrite'), type: form.get('type') },
    });
    reply(res, 200, { name: image.name, subfolder: '', type: 'input' });
  }

  const server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) reply(res, 500, { error: String(err) });
    });
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    if (url.pathname !== '/ws') return void socket.destroy();
    wss.handleUpgrade(req, socket, head, (ws) => {
      const clientId = url.searchParams.get('clientId') || crypto.randomUUID().replaceAll('-', '');
      sockets.get(clientId)?.ws.terminate();
      const entry = { ws, metadata: false };
      sockets.set(clientId, entry);
      const connection = { clientId, flags: undefined as unknown };
      fake.connections.push(connection);
      ws.send(JSON.stringify({ type: 'status', data: { status: queueInfo(), sid: clientId } }));
      let first = true;
      ws.on('message', (data) => {
        const message = JSON.parse(String(data));
        if (first && message.type === 'feature_flags' && options.featureFlags !== false) {
          connection.flags = message.data;
          entry.metadata = message.data?.supports_preview_metadata === true;
          ws.send(JSON.stringify({ type: 'feature_flags', data: { supports_preview_metadata: true, max_upload_size: 104857600 } }));
        }
        first = false;
      });
      ws.on('close', () => {
        if (sockets.get(clientId) === entry) sockets.delete(clientId);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  if (options.autoClose !== false) onTestFinished(() => fake.close());
  return fake;
}

/** The order nodes run in for the fakes' purposes: loaders, encoders, sampler, decode, save. */
function rank(type: string): number {
  return [
    'CheckpointLoaderSimple',
    'LoadImage',
    'LoadImageMask',
    'CLIPTextEncode',
    'EmptyLatentImage',
    'VAEEncode',
    'SetLatentNoiseMask',
    'KSampler',
    'VAEDecode',
    'SaveImage',
  ].indexOf(type);
}

/** The empty latent's size, or the loaded image's for image-to-image. */
async function imageSize(graph: PromptGraph, uploads: Map<string, Uint8Array>): Promise<{ width: number; height: number }> {
  const latent = Object.values(graph).find((n) => n.class_type === 'EmptyLatentImage');
  if (latent) return { width: Number(latent.inputs.width), height: Number(latent.inputs.height) };
  const loaded = Object.values(graph).find((n) => n.class_type === 'LoadImage');
  const file = loaded && uploads.get(String(loaded.inputs.image));
  if (!file) return { width: 512, height: 512 };
  const meta = await sharp(file).metadata();
  return { width: meta.width, height: meta.height };
}

export function colourOf(seed: number): string {
  return `#${((seed * 2654435761) >>> 8).toString(16).padStart(6, '0').slice(-6)}`;
}

function u32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32BE(value);
  return buffer;
}

function reply(res: ServerResponse, status: number, json: object): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(json));
}

async function body(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
