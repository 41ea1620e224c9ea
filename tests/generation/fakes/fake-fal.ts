// fal's queue API on port 0, in the shapes @fal-ai/client reads
// (src/queue.js, src/response.js, src/types/common.d.ts) and fal's docs
// describe: `Authorization: Key …`; POST /{endpoint} → `{request_id,
// response_url, status_url, cancel_url, queue_position}`; GET
// /{owner}/{alias}/requests/{id}/status → IN_QUEUE (queue_position),
// IN_PROGRESS (logs), COMPLETED (logs, metrics); GET …/requests/{id} → the
// output (`images`, `seed`, `has_nsfw_concepts`) or the model's error
// (422 `{detail: [{loc, msg, type}]}`, e.g. content_policy_violation);
// PUT …/requests/{id}/cancel → 202 CANCELLATION_REQUESTED or 400 ALREADY_COMPLETED.
import { colourOf } from './fake-comfyui.ts';
import { type HttpFake, json, png, startHttpFake } from './http-fake.ts';

export const FAL_TEST_KEY = 'fal-key-id:fal-key-secret-0000';

export interface FalBehaviour {
  /** Status polls answered IN_QUEUE before the request runs. */
  queuedPolls?: number;
  /** Status polls answered IN_PROGRESS (each adds a progress log line). */
  progressPolls?: number;
  /** The safety checker flags every image. */
  nsfw?: boolean;
  /** The result is this model error. */
  modelError?: { status: number; type: string; msg: string };
  /** Submissions answer 429 with this Retry-After. */
  rateLimitSeconds?: number;
}

export interface FakeFal extends HttpFake {
  behaviour: FalBehaviour;
  cancelled: string[];
}

interface Request {
  id: string;
  endpoint: string;
  input: Record<string, unknown>;
  polls: number;
  cancelled: boolean;
}

export async function startFakeFal(): Promise<FakeFal> {
  const requests = new Map<string, Request>();
  const cancelled: string[] = [];
  let fake: FakeFal | undefined;
  const http = await startHttpFake(async (req, res) => {
    const behaviour = fake?.behaviour ?? {};
    if (req.headers.authorization !== `Key ${FAL_TEST_KEY}`) {
      return json(res, 401, { detail: 'No user found for Key ID and Secret' });
    }
    const path = req.path.split('?')[0]!;
    const match = /^\/([^/]+)\/([^/]+)\/requests\/([^/]+)(\/status|\/cancel)?$/.exec(path);
    if (!match) {
      if (req.method !== 'POST') return json(res, 404, { detail: 'Not Found' });
      if (behaviour.rateLimitSeconds !== undefined) {
        return json(res, 429, { detail: 'Rate limit exceeded' }, { 'retry-after': String(behaviour.rateLimitSeconds) });
      }
      const id = crypto.randomUUID();
      const endpoint = path.slice(1);
      requests.set(id, { id, endpoint, input: req.body, polls: 0, cancelled: false });
      const base = `${http.url}/${endpoint.split('/').slice(0, 2).join('/')}/requests/${id}`;
      return json(res, 200, {
        request_id: id,
        response_url: base,
        status_url: `${base}/status`,
        cancel_url: `${base}/cancel`,
        queue_position: 0,
      });
    }
    const request = requests.get(match[3]!);
    if (!request) return json(res, 404, { detail: 'Request not found' });
    const urls = {
      request_id: request.id,
      response_url: `${http.url}${path}`,
      status_url: `${http.url}${path}/status`,
      cancel_url: `${http.url}${path}/cancel`,
    };
    const queued = behaviour.queuedPolls ?? 1;
    const progressing = behaviour.progressPolls ?? 2;
    if (match[4] === '/cancel') {
      if (request.polls >= queued + progressing) return json(res, 400, { status: 'ALREADY_COMPLETED' });
      request.cancelled = true;
      cancelled.push(request.id);
      return json(res, 202, { status: 'CANCELLATION_REQUESTED' });
    }
    if (match[4] === '/status') {
      const poll = request.polls++;
      if (poll < queued) return json(res, 202, { status: 'IN_QUEUE', queue_position: queued - poll - 1, ...urls });
      const logs = Array.from({ length: Math.min(poll - queued + 1, progressing) }, (_, i) => ({
        message: `${Math.round(((i + 1) / (progressing + 1)) * 100)}%|####      | ${i + 1}/${progressing + 1} [00:01<00:02, 1.50it/s]`,
        level: 'STDERR',
        source: 'USER',
        timestamp: new Date().toISOString(),
      }));
      if (poll < queued + progressing) return json(res, 202, { status: 'IN_PROGRESS', logs, ...urls });
      return json(res, 200, { status: 'COMPLETED', logs, metrics: { inference_time: 1.2 }, ...urls });
    }
    if (behaviour.modelError) {
      const { status, type, msg } = behaviour.modelError;
      return json(res, status, { detail: [{ loc: ['body', 'prompt'], msg, type, url: `https://docs.fal.ai/errors#${type}` }] });
    }
    const count = Number(request.input.num_images ?? 1);
    const seed = Number(request.input.seed ?? 42);
    const images = [];
    for (let i = 0; i < count; i++) {
      images.push({ url: http.file(await png(64, 64, colourOf(seed + i))), width: 64, height: 64, content_type: 'image/png' });
    }
    json(res, 200, {
      images,
      timings: { inference: 1.2 },
      seed,
      has_nsfw_concepts: images.map(() => behaviour.nsfw === true),
      prompt: request.input.prompt,
    });
  });
  fake = Object.assign(http, { behaviour: {}, cancelled });
  return fake;
}
