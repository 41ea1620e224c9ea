// fal, Replicate, Gemini and Stability AI through their own SDKs or HTTP API,
// against local servers speaking each API's shapes.
import pino from 'pino';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { FalProvider } from '../../server/generation/fal-provider.ts';
import { GeminiProvider } from '../../server/generation/gemini-provider.ts';
import type { GenerationRequest } from '../../server/generation/provider.ts';
import { ReplicateProvider } from '../../server/generation/replicate-provider.ts';
import { StabilityProvider } from '../../server/generation/stability-provider.ts';
import { WAIT_BUDGET_MS, waitFor } from '../helpers/server.ts';
import { FAL_TEST_KEY, type FakeFal, startFakeFal } from './fakes/fake-fal.ts';
import { GEMINI_TEST_KEY, MODEL as GEMINI_MODEL, startFakeGemini } from './fakes/fake-gemini.ts';
import { REPLICATE_TEST_TOKEN, startFakeReplicate } from './fakes/fake-replicate.ts';
import { STABILITY_TEST_KEY, startFakeStability } from './fakes/fake-stability.ts';
import { failure, generate } from './provider-calls.ts';

const silent = pino({ level: 'silent' });

const request = (model: string, over: Partial<GenerationRequest> = {}): GenerationRequest => ({
  jobId: 'job1',
  prompt: 'a red kite over the dunes',
  size: '1024x1024',
  width: 1024,
  height: 1024,
  count: 1,
  seed: 21,
  model,
  user: 'u',
  ...over,
});

const editInput = async () => ({
  image: await sharp({ create: { width: 80, height: 40, channels: 3, background: '#00ff00' } })
    .png()
    .toBuffer(),
  mask: await sharp({ create: { width: 8, height: 4, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
    .png()
    .toBuffer(),
});

describe('fal provider (@fal-ai/client against a fal-queue server)', () => {
  const fal = (fake: FakeFal, apiKey = FAL_TEST_KEY) =>
    new FalProvider(
      {
        apiKey,
        baseUrl: fake.url,
        models: ['fal-ai/flux/schnell'],
        editModel: 'fal-ai/fast-sdxl/image-to-image',
        inpaintModel: 'fal-ai/fast-sdxl/inpainting',
        concurrency: 2,
        pollMs: 20,
      },
      silent,
    );

  it('submits, polls the status with logs (queue, progress), fetches the result and its seed', async () => {
    const fake = await startFakeFal();
    fake.behaviour = { queuedPolls: 2, progressPolls: 3 };
    const { images, events } = await generate(fal(fake), request('fal-ai/flux/schnell', { count: 2, negativePrompt: 'rain', steps: 6 }));
    expect(fake.requests[0]).toMatchObject({ method: 'POST', path: '/fal-ai/flux/schnell' });
    expect(fake.requests[0]!.headers.authorization).toBe(`Key ${FAL_TEST_KEY}`);
    expect(fake.requests[0]!.body).toMatchObject({
      prompt: 'a red kite over the dunes',
      seed: 21,
      num_images: 2,
      image_size: 'square_hd',
      negative_prompt: 'rain',
      num_inference_steps: 6,
    });
    expect(fake.requests.filter((r) => r.path.includes('/status?logs=1'))).toHaveLength(6);
    expect(fake.requests.at(-1)!.path).toMatch(/^\/fal-ai\/flux\/requests\/[0-9a-f-]{36}$/);
    expect(images.map((i) => [i.width, i.seed])).toEqual([
      [64, 21],
      [64, 22],
    ]);
    const progress = events.flatMap((e) => (e.type === 'progress' ? [e.progress] : []));
    expect(progress.some((p) => p > 0.2 && p < 1)).toBe(true);
  });

  it('edits through the inpainting endpoint with image and mask as data URIs', async () => {
    const fake = await startFakeFal();
    await generate(fal(fake), request('fal-ai/flux/schnell', { edit: await editInput() }));
    expect(fake.requests[0]!.path).toBe('/fal-ai/fast-sdxl/inpainting');
    expect(String(fake.requests[0]!.body.image_url)).toMatch(/^data:image\/png;base64,/);
    expect(String(fake.requests[0]!.body.mask_url)).toMatch(/^data:image\/png;base64,/);
  });

  it('maps the safety checker and content_policy_violation to forbidden', async () => {
    const fake = await startFakeFal();
    fake.behaviour = { nsfw: true };
    expect(await failure(generate(fal(fake), request('fal-ai/flux/schnell')))).toMatchObject({
      failure: 'forbidden',
      code: 'content_policy',
    });
    fake.behaviour = {
      modelError: {
        status: 422,
        type: 'content_policy_violation',
        msg: 'The content could not be processed because it contained material flagged by a content checker.',
      },
    };
    const err = await failure(generate(fal(fake), request('fal-ai/flux/schnell')));
    expect(err).toMatchObject({ failure: 'forbidden' });
    expect((err as Error).message).toContain('flagged by a content checker');
  });

  it('cancels the request in fal’s queue when the job is cancelled', async () => {
    const fake = await startFakeFal();
    fake.behaviour = { queuedPolls: 1000 };
    const controller = new AbortController();
    const started = failure(generate(fal(fake), request('fal-ai/flux/schnell'), controller.signal));
    await waitFor(() => fake.requests.some((r) => r.path.includes('/status')));
    controller.abort(new Error('cancelled'));
    expect(await started).toEqual(new Error('cancelled'));
    await waitFor(() => fake.cancelled.length === 1);
    expect(fake.requests.find((r) => r.method === 'PUT')!.path).toMatch(/\/fal-ai\/flux\/requests\/.+\/cancel$/);
  });

  it('maps a wrong key to provider_auth without echoing it, and a lasting 429 to rate_limited with Retry-After', {
    timeout: 30_000,
  }, async () => {
    const fake = await startFakeFal();
    const denied = await failure(generate(fal(fake, 'wrong-id:wrong-secret-9999'), request('fal-ai/flux/schnell')));
    expect(denied).toMatchObject({ failure: 'unavailable', code: 'provider_auth' });
    expect((denied as Error).message).not.toContain('wrong-secret-9999');
    fake.behaviour = { rateLimitSeconds: 7 };
    const limited = await failure(generate(fal(fake), request('fal-ai/flux/schnell')));
    expect(limited).toMatchObject({ failure: 'rate_limited', code: 'provider_rate_limited', retryAfterMs: 7000 });
    // The client retried 429 three times itself (src/queue.js QUEUE_RETRY_CONFIG).
    expect(fake.requests.filter((r) => r.method === 'POST' && r.headers.authorization === `Key ${FAL_TEST_KEY}`)).toHaveLength(4);
  });
});

describe('replicate provider (the replicate SDK against a Replicate-API server)', () => {
  const replicate = (url: string, models = ['black-forest-labs/flux-schnell']) =>
    new ReplicateProvider({ apiKey: REPLICATE_TEST_TOKEN, baseUrl: `${url}/v1`, models, concurrency: 2, pollMs: 20 }, silent);

  it('reads each model’s inputs, creates a prediction with only those, polls it, downloads the output, takes the seed from the logs', async () => {
    const fake = await startFakeReplicate();
    fake.behaviour = { loggedSeed: 900 };
    const p = replicate(fake.url, ['black-forest-labs/flux-schnell', 'someone/missing']);
    expect((await p.check(AbortSignal.timeout(WAIT_BUDGET_MS))).models).toEqual([
      { id: 'black-forest-labs/flux-schnell', label: 'black-forest-labs/flux-schnell' },
    ]);
    const { images, events } = await generate(
      p,
      request('black-forest-labs/flux-schnell', { count: 2, size: '1536x1024', width: 1536, height: 1024, steps: 4 }),
    );
    const create = fake.requests.find((r) => r.method === 'POST')!;
    expect(create.path).toBe('/v1/models/black-forest-labs/flux-schnell/predictions');
    expect(create.body.input).toEqual({
      prompt: 'a red kite over the dunes',
      seed: 21,
      num_outputs: 2,
      aspect_ratio: '3:2',
      output_format: 'png',
      num_inference_steps: 4,
    });
    expect(images.map((i) => i.seed)).toEqual([900, 901]);
    expect(events.some((e) => e.type === 'progress' && e.progress === 0.5)).toBe(true);
  });

  it('refuses what the model does not take (a negative prompt, an image) with bad_request', async () => {
    const fake = await startFakeReplicate();
    const p = replicate(fake.url);
    await p.check(AbortSignal.timeout(WAIT_BUDGET_MS));
    expect(await failure(generate(p, request('black-forest-labs/flux-schnell', { negativePrompt: 'x' })))).toMatchObject({
      failure: 'bad_request',
    });
    expect(await failure(generate(p, request('black-forest-labs/flux-schnell', { edit: await editInput() })))).toMatchObject({
      failure: 'bad_request',
    });
    expect(fake.requests.filter((r) => r.method === 'POST')).toHaveLength(0);
  });

  it('maps an NSFW failure to forbidden, cancels the prediction with the job, and a 429 to rate_limited with Retry-After', async () => {
    const fake = await startFakeReplicate();
    const p = replicate(fake.url);
    await p.check(AbortSignal.timeout(WAIT_BUDGET_MS));
    fake.behaviour = { failWith: 'NSFW content detected. Try running it again, or try a different prompt.' };
    expect(await failure(generate(p, request('black-forest-labs/flux-schnell')))).toMatchObject({
      failure: 'forbidden',
      code: 'content_policy',
    });

    fake.behaviour = { processingPolls: 10_000 };
    const polled = () => fake.requests.filter((r) => r.method === 'GET' && r.path.startsWith('/v1/predictions/')).length;
    const before = polled();
    const controller = new AbortController();
    const started = failure(generate(p, request('black-forest-labs/flux-schnell'), controller.signal));
    await waitFor(() => polled() > before + 1);
    controller.abort(new Error('cancelled'));
    await started;
    await waitFor(() => fake.cancelled.length === 1);

    fake.behaviour = { rateLimitSeconds: 3 };
    expect(await failure(generate(p, request('black-forest-labs/flux-schnell')))).toMatchObject({
      failure: 'rate_limited',
      retryAfterMs: 3000,
    });
  });
});

describe('gemini provider (@google/genai against a Gemini-API server)', () => {
  const gemini = (url: string, apiKey = GEMINI_TEST_KEY) =>
    new GeminiProvider({ apiKey, baseUrl: url, models: [GEMINI_MODEL, 'gemini-nonexistent'], concurrency: 2, maxRetries: 0 }, silent);

  it('asks for an IMAGE per image with its seed and aspect ratio, sends the layer as inlineData for edits, reads inlineData images', async () => {
    const fake = await startFakeGemini();
    const p = gemini(fake.url);
    expect((await p.check(AbortSignal.timeout(WAIT_BUDGET_MS))).models).toEqual([{ id: GEMINI_MODEL, label: 'Nano Banana' }]);
    const { images } = await generate(
      p,
      request(GEMINI_MODEL, { count: 2, size: '1024x1536', width: 1024, height: 1536, edit: { image: (await editInput()).image } }),
    );
    const calls = fake.requests.filter((r) => r.path.endsWith(':generateContent'));
    expect(calls.map((c) => c.path)).toEqual([
      `/v1beta/models/${GEMINI_MODEL}:generateContent`,
      `/v1beta/models/${GEMINI_MODEL}:generateContent`,
    ]);
    expect(calls[1]!.body.generationConfig).toMatchObject({ responseModalities: ['IMAGE'], seed: 22, imageConfig: { aspectRatio: '2:3' } });
    const parts = (calls[0]!.body.contents as Array<{ parts: Array<Record<string, unknown>> }>)[0]!.parts;
    expect(parts[0]).toEqual({ text: 'a red kite over the dunes' });
    expect(parts[1]).toMatchObject({ inlineData: { mimeType: 'image/png' } });
    expect(images.map((i) => [i.width, i.seed])).toEqual([
      [64, 21],
      [64, 22],
    ]);
  });

  it('maps finishReason SAFETY / PROHIBITED_CONTENT and a blocked prompt to forbidden, RESOURCE_EXHAUSTED to rate_limited with its RetryInfo, a bad key to provider_auth', async () => {
    const fake = await startFakeGemini();
    const p = gemini(fake.url);
    for (const finishReason of ['SAFETY', 'PROHIBITED_CONTENT', 'IMAGE_SAFETY']) {
      fake.behaviour = { finishReason };
      const err = await failure(generate(p, request(GEMINI_MODEL)));
      expect(err).toMatchObject({ failure: 'forbidden', code: 'content_policy' });
      expect((err as Error).message).toContain(finishReason);
    }
    fake.behaviour = { blockReason: 'PROHIBITED_CONTENT' };
    expect(await failure(generate(p, request(GEMINI_MODEL)))).toMatchObject({ failure: 'forbidden' });
    fake.behaviour = { finishReason: 'NO_IMAGE' };
    expect(await failure(generate(p, request(GEMINI_MODEL)))).toMatchObject({ failure: 'internal' });
    fake.behaviour = { retryDelay: '13s' };
    expect(await failure(generate(p, request(GEMINI_MODEL)))).toMatchObject({ failure: 'rate_limited', retryAfterMs: 13_000 });
    fake.behaviour = {};
    const denied = await failure(generate(gemini(fake.url, 'AIzaWrongKey99999999999'), request(GEMINI_MODEL)));
    expect(denied).toMatchObject({ code: 'provider_auth' });
    expect((denied as Error).message).not.toContain('AIzaWrongKey99999999999');
  });
});

describe('stability provider (v2beta multipart against a Stability-API server)', () => {
  const stability = (url: string, apiKey = STABILITY_TEST_KEY) =>
    new StabilityProvider({ apiKey, baseUrl: url, models: ['core', 'sd3.5-large'], concurrency: 2 });

  it('posts multipart with Accept image/*, reads the image and the seed header; sd3 models go to the sd3 endpoint; edits to inpaint', async () => {
    const fake = await startFakeStability();
    const p = stability(fake.url);
    expect((await p.check(AbortSignal.timeout(WAIT_BUDGET_MS))).models.map((m) => m.id)).toEqual(['core', 'sd3.5-large']);
    fake.behaviour = { seed: 777 };
    const { images } = await generate(p, request('core', { negativePrompt: 'smoke' }));
    const call = fake.requests.find((r) => r.method === 'POST')!;
    expect(call.path).toBe('/v2beta/stable-image/generate/core');
    expect(call.headers.accept).toBe('image/*');
    expect(call.body).toEqual({
      prompt: 'a red kite over the dunes',
      seed: '21',
      output_format: 'png',
      negative_prompt: 'smoke',
      aspect_ratio: '1:1',
    });
    expect(images.map((i) => i.seed)).toEqual([777]);

    fake.behaviour = {};
    await generate(p, request('sd3.5-large'));
    expect(fake.requests.at(-1)).toMatchObject({ path: '/v2beta/stable-image/generate/sd3', body: { model: 'sd3.5-large' } });
    await generate(p, request('core', { edit: await editInput() }));
    expect(fake.requests.at(-1)!.path).toBe('/v2beta/stable-image/edit/inpaint');
    expect(Object.keys(fake.requests.at(-1)!.files)).toEqual(['image', 'mask']);
  });

  it('maps finish-reason CONTENT_FILTERED and content_moderation to forbidden, 429 to rate_limited with Retry-After, 401 to provider_auth', async () => {
    const fake = await startFakeStability();
    const p = stability(fake.url);
    fake.behaviour = { filtered: true };
    const filtered = await failure(generate(p, request('core')));
    expect(filtered).toMatchObject({ failure: 'forbidden', code: 'content_policy' });
    expect((filtered as Error).message).toContain('CONTENT_FILTERED');
    fake.behaviour = { moderated: true };
    expect(await failure(generate(p, request('core')))).toMatchObject({ failure: 'forbidden' });
    fake.behaviour = { rateLimitSeconds: 10 };
    expect(await failure(generate(p, request('core')))).toMatchObject({ failure: 'rate_limited', retryAfterMs: 10_000 });
    fake.behaviour = {};
    const denied = await failure(generate(stability(fake.url, 'sk-wrong-key-1234567890'), request('core')));
    expect(denied).toMatchObject({ code: 'provider_auth' });
    expect((denied as Error).message).not.toContain('sk-wrong-key-1234567890');
  });
});
