// An AUTOMATIC1111 web UI API on port 0, as modules/api/api.py and
// modules/api/models.py define it (AUTOMATIC1111/stable-diffusion-webui):
// - HTTP Basic on every route when started with --api-auth (Api.auth: 401
//   `Incorrect username or password`), errors through handle_exception as
//   `{error, detail, body, errors}`, FastAPI's own 422 as `{detail: [{loc, msg, type}]}`;
// - txt2img / img2img run one at a time behind queue_lock; `force_task_id`
//   names the task (modules/progress.py add_task_to_queue, start_task,
//   finish_task); the answer is `{images: [b64], parameters, info}` with
//   `info` a JSON string (processing.py Processed.js: all_seeds,
//   index_of_first_image — a grid comes first when `return_grid` is on);
// - GET /sdapi/v1/progress: `{progress, eta_relative, state, current_image,
//   textinfo, current_task}`; POST /sdapi/v1/interrupt interrupts whatever
//   runs (shared.state.interrupt): the batch is still decoded and returned,
//   and `state.interrupted` stays true until the next job begins;
// - GET /sdapi/v1/sd-models: `[{title, model_name, hash, sha256, filename, config}]`.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import sharp from 'sharp';
import { json, listenForTest } from './http-fake.ts';

export interface A1111Behaviour {
  stepDelayMs?: number;
  /** Fail with CUDA out of memory at this step. */
  oomAtStep?: number;
  /** txt2img / img2img never answer. */
  hang?: boolean;
  /** `opts.return_grid`: a batch's grid comes first in `images`. */
  returnGrid?: boolean;
}

export interface FakeA1111 {
  url: string;
  behaviour: A1111Behaviour;
  /** `user:password` when started with --api-auth. */
  auth: string | undefined;
  models: Array<{ title: string; model_name: string }>;
  requests: Array<{ method: string; path: string; body: Record<string, unknown> | undefined; authorization: string | undefined }>;
  interrupts: Array<string | null>;
  readonly currentTask: string | null;
  readonly pendingTasks: string[];
  /** Runs a task of another client (the web UI, another program) for `steps` steps. */
  runForeignTask(id: string, steps: number): Promise<void>;
}

interface Task {
  id: string;
  steps: number;
  width: number;
  height: number;
  count: number;
  seed: number;
  body: Record<string, unknown>;
}

export async function startFakeA1111(): Promise<FakeA1111> {
  let current: Task | null = null;
  const pending: string[] = [];
  let lock = Promise.resolve();
  const state = {
    interrupted: false,
    job: '',
    job_count: 0,
    job_no: 0,
    sampling_step: 0,
    sampling_steps: 0,
    skipped: false,
    stopping_generation: false,
  };
  let currentImage: string | null = null;
  const fake: FakeA1111 = {
    url: '',
    behaviour: {},
    auth: undefined,
    models: [
      { title: 'v1-5-pruned-emaonly.safetensors [6ce0161689]', model_name: 'v1-5-pruned-emaonly' },
      { title: 'sd_xl_base_1.0.safetensors [31e35c80fc]', model_name: 'sd_xl_base_1.0' },
    ],
    requests: [],
    interrupts: [],
    get currentTask() {
      return current?.id ?? null;
    },
    get pendingTasks() {
      return [...pending];
    },
    runForeignTask: (id, steps) => process({ id, steps, width: 64, height: 64, count: 1, seed: 1, body: {} }).then(() => undefined),
  };

  /** queue_lock: one task at a time, in arrival order. */
  function process(task: Task): Promise<{ images: Buffer[]; interrupted: boolean }> {
    pending.push(task.id);
    const result = lock.then(() => runTask(task));
    lock = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  async function runTask(task: Task): Promise<{ images: Buffer[]; interrupted: boolean }> {
    pending.splice(pending.indexOf(task.id), 1);
    current = task;
    Object.assign(state, {
      interrupted: false,
      job: 'scripts_txt2img',
      job_count: 1,
      job_no: 0,
      sampling_step: 0,
      sampling_steps: task.steps,
    });
    try {
      for (let step = 1; step <= task.steps && !state.interrupted; step++) {
        await sleep(fake.behaviour.stepDelayMs ?? 5);
        if (fake.behaviour.oomAtStep === step) {
          throw Object.assign(new Error('CUDA out of memory. Tried to allocate 2.00 GiB (GPU 0; 8.00 GiB total capacity)'), {
            errorName: 'OutOfMemoryError',
          });
        }
        state.sampling_step = step;
        if (step % 2 === 0) {
          currentImage = (
            await sharp({
              create: { width: 32, height: 32, channels: 3, background: `#${((step * 40) % 256).toString(16).padStart(2, '0')}8080` },
            })
              .png()
              .toBuffer()
          ).toString('base64');
        }
      }
      // Interrupted or not, the batch is decoded and returned (processing.py).
      const images = [];
      for (let i = 0; i < task.count; i++) {
        images.push(
          await sharp({ create: { width: task.width, height: task.height, channels: 3, background: '#20a060' } })
            .png()
            .toBuffer(),
        );
      }
      return { images, interrupted: state.interrupted };
    } finally {
      current = null;
      currentImage = null;
      Object.assign(state, { job: '', job_count: 0, sampling_step: 0, sampling_steps: 0 });
    }
  }

  async function generate(route: string, body: Record<string, unknown>, res: ServerResponse): Promise<void> {
    const problems: Array<{ loc: string[]; msg: string; type: string }> = [];
    for (const field of ['steps', 'width', 'height', 'batch_size', 'seed']) {
      if (body[field] !== undefined && !Number.isInteger(body[field]))
        problems.push({ loc: ['body', field], msg: 'value is not a valid integer', type: 'type_error.integer' });
    }
    if (route.endsWith('img2img') && !Array.isArray(body.init_images)) {
      return json(res, 404, { error: 'HTTPException', detail: 'Init image not found', body: '', errors: '404: Init image not found' });
    }
    if (problems.length > 0) return json(res, 422, { detail: problems });
    if (fake.behaviour.hang) return;
    const count = Number(body.batch_size ?? 1);
    const seed = Number(body.seed ?? -1) === -1 ? 1_000_000 : Number(body.seed);
    const task: Task = {
      id: String(body.force_task_id ?? `task(${crypto.randomUUID()})`),
      steps: Number(body.steps ?? 20),
      width: Number(body.width ?? 512),
      height: Number(body.height ?? 512),
      count,
      seed,
      body,
    };
    let result: { images: Buffer[] };
    try {
      result = await process(task);
    } catch (err) {
      const e = err as Error & { errorName?: string };
      return json(res, 500, { error: e.errorName ?? 'RuntimeError', detail: '', body: '', errors: e.message });
    }
    const allSeeds = Array.from({ length: count }, (_, i) => seed + i);
    let images = result.images.map((b) => b.toString('base64'));
    let first = 0;
    if (fake.behaviour.returnGrid && count > 1) {
      const grid = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000000' } })
        .png()
        .toBuffer();
      images = [grid.toString('base64'), ...images];
      first = 1;
    }
    const info = {
      prompt: body.prompt,
      all_prompts: allSeeds.map(() => body.prompt),
      seed,
      all_seeds: allSeeds,
      subseed: 1,
      all_subseeds: allSeeds,
      width: task.width,
      height: task.height,
      sampler_name: 'Euler a',
      steps: task.steps,
      batch_size: count,
      index_of_first_image: first,
      infotexts: allSeeds.map((s) => `${String(body.prompt)}\nSteps: ${task.steps}, Seed: ${s}`),
      version: 'v1.10.1',
    };
    json(res, 200, { images, parameters: { ...body, init_images: null, mask: null }, info: JSON.stringify(info) });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const text = await readBody(req);
    const body = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
    fake.requests.push({ method: req.method ?? 'GET', path: url.pathname + url.search, body, authorization: req.headers.authorization });
    if (fake.auth !== undefined && req.headers.authorization !== `Basic ${Buffer.from(fake.auth).toString('base64')}`) {
      res.setHeader('www-authenticate', 'Basic');
      return json(res, 401, {
        error: 'HTTPException',
        detail: 'Incorrect username or password',
        body: '',
        errors: '401: Incorrect username or password',
      });
    }
    switch (`${req.method} ${url.pathname}`) {
      case 'GET /sdapi/v1/sd-models':
        return json(
          res,
          200,
          fake.models.map((m) => ({
            ...m,
            hash: m.title.slice(-11, -1),
            sha256: null,
            filename: `/models/Stable-diffusion/${m.model_name}.safetensors`,
            config: null,
          })),
        );
      case 'POST /sdapi/v1/txt2img':
      case 'POST /sdapi/v1/img2img':
        return generate(url.pathname, body ?? {}, res);
      case 'GET /sdapi/v1/progress': {
        if (state.job_count === 0)
          return json(res, 200, {
            progress: 0,
            eta_relative: 0,
            state,
            current_image: null,
            textinfo: null,
            current_task: current?.id ?? null,
          });
        const progress = 0.01 + (state.sampling_steps > 0 ? state.sampling_step / state.sampling_steps : 0);
        const skip = url.searchParams.get('skip_current_image') === 'true';
        return json(res, 200, {
          progress: Math.min(progress, 1),
          eta_relative: 1,
          state,
          current_image: skip ? null : currentImage,
          textinfo: null,
          current_task: current?.id ?? null,
        });
      }
      case 'POST /sdapi/v1/interrupt':
        fake.interrupts.push(current?.id ?? null);
        state.interrupted = true;
        return json(res, 200, {});
      default:
        return json(res, 404, { detail: 'Not Found' });
    }
  }

  const server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) json(res, 500, { error: 'Exception', detail: '', body: '', errors: String(err) });
    });
  });
  fake.url = await listenForTest(server);
  return fake;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
