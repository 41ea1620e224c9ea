// Stability AI's v2beta stable-image API on port 0, as its API reference
// describes it: `Authorization: Bearer …`; multipart POSTs to
// /v2beta/stable-image/generate/{core|ultra|sd3} and /edit/inpaint answered,
// with `Accept: image/*`, by the image itself and the `finish-reason`
// (SUCCESS | CONTENT_FILTERED) and `seed` headers; errors as `{id, name,
// errors}`: 400 bad_request, 403 content_moderation, 429 rate_limit_exceeded;
// GET /v1/user/balance `{credits}`.
import { colourOf } from './fake-comfyui.ts';
import { type HttpFake, json, png, startHttpFake } from './http-fake.ts';

export const STABILITY_TEST_KEY = 'sk-stability-test-000000000000000000';

export interface StabilityBehaviour {
  /** 200, but moderation blurred the image: `finish-reason: CONTENT_FILTERED`. */
  filtered?: boolean;
  /** 403 content_moderation. */
  moderated?: boolean;
  /** 429 with this Retry-After. */
  rateLimitSeconds?: number;
  /** The seed the server reports; else the request's. */
  seed?: number;
}

export interface FakeStability extends HttpFake {
  behaviour: StabilityBehaviour;
}

const id = () => Math.random().toString(16).slice(2).padEnd(32, '0');

export async function startFakeStability(): Promise<FakeStability> {
  let fake: FakeStability | undefined;
  const http = await startHttpFake(async (req, res) => {
    const behaviour = fake?.behaviour ?? {};
    if (req.headers.authorization !== `Bearer ${STABILITY_TEST_KEY}`) {
      return json(res, 401, { id: id(), name: 'unauthorized', errors: ['Incorrect API key provided.'] });
    }
    const path = req.path.split('?')[0]!;
    if (path === '/v1/user/balance' && req.method === 'GET') return json(res, 200, { credits: 42.5 });
    const route = /^\/v2beta\/stable-image\/(generate\/(core|ultra|sd3)|edit\/inpaint)$/.exec(path);
    if (!route || req.method !== 'POST') return json(res, 404, { id: id(), name: 'not_found', errors: [`${path} not found`] });
    if (!req.body.prompt) return json(res, 400, { id: id(), name: 'bad_request', errors: ['prompt: cannot be empty'] });
    if (route[1] === 'edit/inpaint' && !req.files.image)
      return json(res, 400, { id: id(), name: 'bad_request', errors: ['image: is required'] });
    if (behaviour.rateLimitSeconds !== undefined) {
      return json(
        res,
        429,
        { id: id(), name: 'rate_limit_exceeded', errors: ['You have exceeded the rate limit of 150 requests within a 10 second period.'] },
        { 'retry-after': String(behaviour.rateLimitSeconds) },
      );
    }
    if (behaviour.moderated) {
      return json(res, 403, {
        id: id(),
        name: 'content_moderation',
        errors: [
          'Your request was flagged by our content moderation system, as a result your request was denied and you were not charged.',
        ],
      });
    }
    if (!String(req.headers.accept).startsWith('image/'))
      return json(res, 400, { id: id(), name: 'bad_request', errors: ['accept: this fake answers image/* only'] });
    const seed = behaviour.seed ?? Number(req.body.seed ?? 0);
    const image = await png(64, 64, colourOf(seed));
    res.writeHead(200, {
      'content-type': 'image/png',
      'finish-reason': behaviour.filtered ? 'CONTENT_FILTERED' : 'SUCCESS',
      seed: String(seed),
    });
    res.end(image);
  });
  fake = Object.assign(http, { behaviour: {} });
  return fake;
}
