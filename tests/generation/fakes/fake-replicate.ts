// Replicate's HTTP API on port 0, as the `replicate` SDK calls it (index.js
// request, lib/predictions.js, lib/models.js) and Replicate's API docs
// describe it: `Authorization: Bearer …`; GET /v1/models/{owner}/{name} with
// `latest_version.openapi_schema` (Cog's Input schema, enums behind allOf
// refs); POST /v1/models/{owner}/{name}/predictions → 201 prediction
// (`starting`), 422 problem+json for inputs the model lacks; GET
// /v1/predictions/{id} (`processing` with tqdm logs, then `succeeded` with
// output URLs, or `failed` with `error`); POST /v1/predictions/{id}/cancel;
// 429 `Request was throttled` with Retry-After.
import { colourOf } from './fake-comfyui.ts';
import { type HttpFake, json, png, startHttpFake } from './http-fake.ts';

export const REPLICATE_TEST_TOKEN = 'r8_test_token_0000000000000000000000';

export interface ReplicateBehaviour {
  /** GET polls answered `processing` before the prediction ends. */
  processingPolls?: number;
  /** The prediction fails with this error (e.g. the safety checker's). */
  failWith?: string;
  /** Creating a prediction answers 429 with this Retry-After. */
  rateLimitSeconds?: number;
  /** The seed the model logs ("Using seed: …"); else the input's. */
  loggedSeed?: number;
}

export interface FakeReplicate extends HttpFake {
  behaviour: ReplicateBehaviour;
  cancelled: string[];
}

/** black-forest-labs/flux-schnell's inputs, as its latest version's schema declares them. */
const FLUX_SCHNELL = {
  type: 'object',
  title: 'Input',
  required: ['prompt'],
  properties: {
    seed: { type: 'integer', title: 'Seed', 'x-order': 3 },
    prompt: { type: 'string', title: 'Prompt', 'x-order': 0 },
    go_fast: { type: 'boolean', title: 'Go Fast', default: true, 'x-order': 9 },
    num_outputs: { type: 'integer', title: 'Num Outputs', default: 1, maximum: 4, minimum: 1, 'x-order': 2 },
    aspect_ratio: { allOf: [{ $ref: '#/components/schemas/aspect_ratio' }], default: '1:1', 'x-order': 1 },
    output_format: { allOf: [{ $ref: '#/components/schemas/output_format' }], default: 'webp', 'x-order': 4 },
    num_inference_steps: { type: 'integer', title: 'Num Inference Steps', default: 4, maximum: 4, minimum: 1, 'x-order': 7 },
    disable_safety_checker: { type: 'boolean', default: false, 'x-order': 8 },
  },
};

interface Prediction {
  id: string;
  model: string;
  input: Record<string, unknown>;
  polls: number;
  status: string;
}

export async function startFakeReplicate(): Promise<FakeReplicate> {
  const predictions = new Map<string, Prediction>();
  const cancelled: string[] = [];
  let fake: FakeReplicate | undefined;
  const view = async (p: Prediction, behaviour: ReplicateBehaviour) => {
    const seed = behaviour.loggedSeed ?? Number(p.input.seed ?? 1234);
    const logs =
      p.status === 'starting'
        ? ''
        : `Using seed: ${seed}\n  0%|          | 0/4 [00:00<?, ?it/s]\n 50%|█████     | 2/4 [00:00<00:00, 4.02it/s]\n`;
    const body: Record<string, unknown> = {
      id: p.id,
      model: p.model,
      version: 'dp-4d0bcc010b3049749a251855f12800be',
      input: p.input,
      logs,
      output: null,
      data_removed: false,
      error: null,
      status: p.status,
      created_at: new Date().toISOString(),
      urls: {
        get: `${fake?.url}/v1/predictions/${p.id}`,
        cancel: `${fake?.url}/v1/predictions/${p.id}/cancel`,
        web: `https://replicate.com/p/${p.id}`,
      },
    };
    if (p.status === 'succeeded') {
      const count = Number(p.input.num_outputs ?? 1);
      const output = [];
      for (let i = 0; i < count; i++) output.push(fake?.file(await png(64, 64, colourOf(seed + i))));
      Object.assign(body, { output, metrics: { predict_time: 0.8 }, completed_at: new Date().toISOString() });
    }
    if (p.status === 'failed') body.error = behaviour.failWith;
    return body;
  };
  const http = await startHttpFake(async (req, res) => {
    const behaviour = fake?.behaviour ?? {};
    if (req.headers.authorization !== `Bearer ${REPLICATE_TEST_TOKEN}`) {
      return json(res, 401, { title: 'Unauthenticated', detail: 'You did not pass a valid authentication token', status: 401 });
    }
    const path = req.path.split('?')[0]!;
    const model = /^\/v1\/models\/([^/]+)\/([^/]+)(\/predictions)?$/.exec(path);
    if (model && !model[3] && req.method === 'GET') {
      if (`${model[1]}/${model[2]}` !== 'black-forest-labs/flux-schnell')
        return json(res, 404, { title: 'Not found', detail: 'Not found.', status: 404 });
      return json(res, 200, {
        url: 'https://replicate.com/black-forest-labs/flux-schnell',
        owner: model[1],
        name: model[2],
        visibility: 'public',
        latest_version: {
          id: '5599ed30703defd1d160a25a63321b4dec97101d98b4674bcc56e41f62f35637',
          cog_version: '0.9.0',
          openapi_schema: {
            components: {
              schemas: {
                Input: FLUX_SCHNELL,
                aspect_ratio: { enum: ['1:1', '16:9', '21:9', '3:2', '2:3', '4:5', '5:4', '3:4', '4:3', '9:16', '9:21'], type: 'string' },
                output_format: { enum: ['webp', 'jpg', 'png'], type: 'string' },
              },
            },
          },
        },
      });
    }
    if (model?.[3] && req.method === 'POST') {
      if (behaviour.rateLimitSeconds !== undefined) {
        return json(
          res,
          429,
          { title: 'Request was throttled', detail: 'Request was throttled. Expected available in 1 second.', status: 429 },
          { 'retry-after': String(behaviour.rateLimitSeconds) },
        );
      }
      const input = (req.body.input ?? {}) as Record<string, unknown>;
      const extra = Object.keys(input).filter((k) => !(k in FLUX_SCHNELL.properties));
      if (extra.length > 0) {
        return json(res, 422, {
          title: 'Input validation failed',
          detail: extra.map((k) => `- input: Additional property ${k} is not allowed`).join('\n'),
          status: 422,
          invalid_fields: extra.map((k) => ({
            type: 'additional_property_not_allowed',
            field: 'input',
            description: `Additional property ${k} is not allowed`,
          })),
        });
      }
      const p: Prediction = {
        id: Math.random().toString(36).slice(2, 14),
        model: `${model[1]}/${model[2]}`,
        input,
        polls: 0,
        status: 'starting',
      };
      predictions.set(p.id, p);
      return json(res, 201, await view(p, behaviour));
    }
    const prediction = /^\/v1\/predictions\/([^/]+)(\/cancel)?$/.exec(path);
    const p = prediction && predictions.get(prediction[1]!);
    if (!p) return json(res, 404, { title: 'Not found', detail: 'Not found.', status: 404 });
    if (prediction[2]) {
      if (p.status === 'starting' || p.status === 'processing') {
        p.status = 'canceled';
        cancelled.push(p.id);
      }
      return json(res, 200, await view(p, behaviour));
    }
    if (p.status === 'starting' || p.status === 'processing') {
      p.polls++;
      p.status = p.polls <= (behaviour.processingPolls ?? 2) ? 'processing' : behaviour.failWith ? 'failed' : 'succeeded';
    }
    json(res, 200, await view(p, behaviour));
  });
  fake = Object.assign(http, { behaviour: {}, cancelled });
  return fake;
}
