// A local HTTP server speaking the shapes of OpenAI's Images and Moderations
// APIs (JSON responses, the SSE stream of `stream: true`, multipart edits and
// the error bodies), scripted by the test and closed when it finishes.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import sharp from 'sharp';
import { listenForTest } from './fakes/http-fake.ts';

export const FAKE_KEY = 'sk-test-atelier-0000';

export type Reply =
  /** The plain JSON answer (`stream` unset or false). */
  | { kind: 'json' }
  /** The SSE answer: `partials` partial images, then the completed image, for each of `n`. */
  | { kind: 'stream'; partials?: number }
  | {
      kind: 'error';
      status: number;
      error: { message: string; type?: string; code?: string | null; param?: string | null };
      headers?: Record<string, string>;
    }
  /** An SSE stream that sends one partial image, then an `error` event. */
  | { kind: 'stream-error'; error: { message: string; type?: string; code?: string | null } }
  /** Headers never come (until the client gives up). */
  | { kind: 'hang' }
  /** A successful answer without a single image. */
  | { kind: 'empty'; streamed: boolean };

export interface Recorded {
  path: string;
  headers: IncomingMessage['headers'];
  /** JSON body, or the text fields of a multipart body. */
  body: Record<string, unknown>;
  /** Files of a multipart body: field name → bytes. */
  files: Record<string, Uint8Array>;
}

export interface FakeOpenAi {
  /** `OPENAI_BASE_URL` for this server. */
  baseUrl: string;
  requests: Recorded[];
  /** Image requests answered or pending, in arrival order. */
  imageRequests(): Recorded[];
  /** Replies for the next image requests, in order; afterwards `fallback` (default: the reply the request asks for). */
  script(...replies: Reply[]): void;
  fallback: Reply | undefined;
  /** Image requests wait until `release()`; `arrived` counts the ones waiting. */
  hold(): void;
  release(): void;
  readonly held: number;
  /** Requests whose client went away before the answer was complete. */
  readonly aborted: number;
  /** Prompts containing this word are flagged by /v1/moderations. */
  flagWord: string;
  /** Colour of the images it draws, so tests can tell its output apart. */
  colour: string;
}

export async function startFakeOpenAi(): Promise<FakeOpenAi> {
  const requests: Recorded[] = [];
  const scripted: Reply[] = [];
  let gate: Array<() => void> | null = null;
  let aborted = 0;

  const fake: FakeOpenAi = {
    baseUrl: '',
    requests,
    imageRequests: () => requests.filter((r) => r.path.startsWith('/v1/images/')),
    script: (...replies) => scripted.push(...replies),
    fallback: undefined,
    hold: () => {
      gate ??= [];
    },
    release: () => {
      const waiting = gate ?? [];
      gate = null;
      for (const go of waiting) go();
    },
    get held() {
      return gate?.length ?? 0;
    },
    get aborted() {
      return aborted;
    },
    flagWord: 'forbiddenword',
    colour: '#3366cc',
  };

  const server = createServer((req, res) => {
    let finished = false;
    res.on('finish', () => (finished = true));
    res.on('close', () => {
      if (!finished) aborted++;
    });
    void handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: String(err), type: 'server_error', code: null } }));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const recorded = await record(req);
    requests.push(recorded);
    if (req.headers.authorization !== `Bearer ${FAKE_KEY}`) {
      return sendError(res, 401, {
        message: 'Incorrect API key provided: sk-wron*****-key. You can find your API key at https://platform.openai.com/account/api-keys.',
        type: 'invalid_request_error',
        code: 'invalid_api_key',
        param: null,
      });
    }
    if (recorded.path === '/v1/moderations') return moderate(res, String(recorded.body.input ?? ''));
    if (recorded.path !== '/v1/images/generations' && recorded.path !== '/v1/images/edits') {
      return sendError(res, 404, { message: `Invalid URL (POST ${recorded.path})`, type: 'invalid_request_error', code: null });
    }
    if (gate) await new Promise<void>((resolve) => gate!.push(resolve));
    if (res.destroyed) return;
    const streamed = recorded.body.stream === true || recorded.body.stream === 'true';
    const reply = scripted.shift() ?? fake.fallback ?? (streamed ? { kind: 'stream' } : { kind: 'json' });
    const edit = recorded.path === '/v1/images/edits';
    await answer(res, reply, recorded, edit);
  }

  async function answer(res: ServerResponse, reply: Reply, recorded: Recorded, edit: boolean): Promise<void> {
    const n = Number(recorded.body.n ?? 1);
    const size = String(recorded.body.size ?? '1024x1024');
    const [width, height] = size.split('x').map(Number) as [number, number];
    const prefix = edit ? 'image_edit' : 'image_generation';
    const common = { created_at: 1_760_000_000, size, quality: 'low', background: 'opaque', output_format: 'png' };
    switch (reply.kind) {
      case 'json': {
        const data = [];
        for (let i = 0; i < n; i++) data.push({ b64_json: await png(width, height, fake.colour) });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ created: 1_760_000_000, data, size, quality: 'low', output_format: 'png', usage: usage() }));
        return;
      }
      case 'stream':
      case 'stream-error': {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
        const partials = reply.kind === 'stream' ? (reply.partials ?? Number(recorded.body.partial_images ?? 0)) : 1;
        for (let i = 0; i < n; i++) {
          for (let p = 0; p < partials; p++) {
            event(res, `${prefix}.partial_image`, {
              type: `${prefix}.partial_image`,
              b64_json: await png(64, 64, '#999999'),
              partial_image_index: p,
              ...common,
            });
          }
          if (reply.kind === 'stream-error') {
            event(res, 'error', { error: { type: 'server_error', code: null, ...reply.error } });
            res.end();
            return;
          }
          event(res, `${prefix}.completed`, {
            type: `${prefix}.completed`,
            b64_json: await png(width, height, fake.colour),
            ...common,
            usage: usage(),
          });
        }
        res.end();
        return;
      }
      case 'error':
        return sendError(res, reply.status, reply.error, reply.headers);
      case 'hang':
        return;
      case 'empty':
        if (reply.streamed) {
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          res.end();
        } else {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ created: 1_760_000_000, data: [] }));
        }
        return;
    }
  }

  function moderate(res: ServerResponse, input: string): void {
    const flagged = input.toLowerCase().includes(fake.flagWord);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        id: 'modr-test',
        model: 'omni-moderation-latest',
        results: [
          {
            flagged,
            categories: { violence: flagged, harassment: false, sexual: false },
            category_scores: { violence: flagged ? 0.98 : 0.01, harassment: 0.001, sexual: 0.001 },
            category_applied_input_types: { violence: ['text'], harassment: ['text'], sexual: ['text'] },
          },
        ],
      }),
    );
  }

  fake.baseUrl = `${await listenForTest(server, () => fake.release())}/v1`;
  return fake;
}

async function record(req: IncomingMessage): Promise<Recorded> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  const path = (req.url ?? '').split('?')[0]!;
  const type = req.headers['content-type'] ?? '';
  const recorded: Recorded = { path, headers: req.headers, body: {}, files: {} };
  if (type.startsWith('application/json')) {
    recorded.body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
  } else if (type.startsWith('multipart/form-data')) {
    const form = await new Request('http://fake/', { method: 'POST', headers: { 'content-type': type }, body: raw }).formData();
    for (const [name, value] of form.entries()) {
      if (typeof value === 'string') recorded.body[name] = value;
      else recorded.files[name] = new Uint8Array(await value.arrayBuffer());
    }
  }
  return recorded;
}

function sendError(res: ServerResponse, status: number, error: object, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify({ error: { param: null, ...error } }));
}

function event(res: ServerResponse, name: string, data: object): void {
  res.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
}

function usage() {
  return { total_tokens: 100, input_tokens: 50, output_tokens: 50, input_tokens_details: { text_tokens: 10, image_tokens: 40 } };
}

async function png(width: number, height: number, colour: string): Promise<string> {
  const data = await sharp({ create: { width, height, channels: 3, background: colour } })
    .png()
    .toBuffer();
  return data.toString('base64');
}
