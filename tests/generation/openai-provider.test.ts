import pino from 'pino';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { OpenAiProvider, type OpenAiProviderOptions } from '../../server/generation/openai-provider.ts';
import type { GenerationRequest, ProviderEvent } from '../../server/generation/provider.ts';
import { ProviderError } from '../../server/generation/provider-error.ts';
import { waitFor } from '../helpers/server.ts';
import { FAKE_KEY, type FakeOpenAi, type Reply, startFakeOpenAi } from './fake-openai.ts';
import { generate } from './provider-calls.ts';

function provider(fake: FakeOpenAi, options: Partial<OpenAiProviderOptions> = {}): OpenAiProvider {
  return new OpenAiProvider({
    apiKey: FAKE_KEY,
    baseUrl: fake.baseUrl,
    model: 'gpt-image-1',
    maxRetries: 2,
    timeoutMs: 10_000,
    partialImages: 2,
    moderation: true,
    concurrency: 2,
    logger: pino({ level: 'silent' }),
    ...options,
  });
}

const request = (over: Partial<GenerationRequest> = {}): GenerationRequest => ({
  jobId: 'job',
  prompt: 'a lighthouse at dusk',
  size: '1024x1024',
  width: 1024,
  height: 1024,
  count: 1,
  seed: 7,
  model: 'gpt-image-1',
  user: 'user-hash',
  ...over,
});

const run = (p: OpenAiProvider, req = request(), signal?: AbortSignal) => generate(p, req, signal);

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ProviderError);
  return err as ProviderError;
}

const retryFast = { 'retry-after-ms': '5' };
const error = (status: number, code: string | null, message: string, headers: Record<string, string> = retryFast): Reply => ({
  kind: 'error',
  status,
  error: { message, type: status >= 500 ? 'server_error' : 'invalid_request_error', code },
  headers,
});

describe('openai provider against a local Images API', () => {
  it('streams partial images as previews and progress, then returns the final images', async () => {
    const fake = await startFakeOpenAi();
    const { images, events } = await run(provider(fake), request({ count: 2, seed: 40 }));

    expect(images.map((i) => [i.width, i.height, i.ext, i.seed])).toEqual([
      [1024, 1024, 'png', 40],
      [1024, 1024, 'png', 41],
    ]);
    expect((await sharp(images[0]!.data).metadata()).width).toBe(1024);
    const previews = events.filter((e): e is Extract<ProviderEvent, { type: 'preview' }> => e.type === 'preview');
    expect(previews.map((p) => p.index)).toEqual([0, 0, 1, 1]);
    const progress = events.flatMap((e) => (e.type === 'progress' ? [e.progress] : []));
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress.at(-1)).toBeCloseTo(0.95);

    // Moderation first, then one streamed request with every parameter.
    expect(fake.requests.map((r) => r.path)).toEqual(['/v1/moderations', '/v1/images/generations']);
    expect(fake.requests[0]!.body).toMatchObject({ model: 'omni-moderation-latest', input: 'a lighthouse at dusk' });
    expect(fake.requests[1]!.body).toMatchObject({
      prompt: 'a lighthouse at dusk',
      model: 'gpt-image-1',
      n: 2,
      size: '1024x1024',
      stream: true,
      partial_images: 2,
      safety_identifier: 'user-hash',
    });
  });

  it('uses the plain JSON answer when no partial images are wanted', async () => {
    const fake = await startFakeOpenAi();
    const { images, events } = await run(
      provider(fake, { partialImages: 0, moderation: false }),
      request({ count: 3, size: '1536x1024', width: 1536, height: 1024 }),
    );
    expect(images.map((i) => [i.width, i.height])).toEqual([
      [1536, 1024],
      [1536, 1024],
      [1536, 1024],
    ]);
    expect(events.some((e) => e.type === 'preview')).toBe(false);
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]!.body.stream).toBeUndefined();
  });

  it('edits with the image and a mask of the same size, sent as multipart files', async () => {
    const fake = await startFakeOpenAi();
    const image = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#ff0000' } })
      .jpeg()
      .toBuffer();
    const mask = await sharp({ create: { width: 30, height: 20, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
      .png()
      .toBuffer();
    const { images, events } = await run(provider(fake), request({ edit: { image, mask } }));
    expect(images).toHaveLength(1);
    expect(events.filter((e) => e.type === 'preview')).toHaveLength(2);
    const edit = fake.imageRequests()[0]!;
    expect(edit.path).toBe('/v1/images/edits');
    expect(edit.body).toMatchObject({ prompt: 'a lighthouse at dusk', model: 'gpt-image-1', n: '1', size: '1024x1024', stream: 'true' });
    const sentImage = await sharp(edit.files.image!).metadata();
    const sentMask = await sharp(edit.files.mask!).metadata();
    expect([sentImage.format, sentImage.width, sentImage.height]).toEqual(['png', 300, 200]);
    expect([sentMask.format, sentMask.width, sentMask.height, sentMask.hasAlpha]).toEqual(['png', 300, 200, true]);
  });

  it('maps an invalid key (401) to provider_auth without retrying or echoing the key', async () => {
    const fake = await startFakeOpenAi();
    const err = await failure(run(provider(fake, { apiKey: 'sk-wrong-key', moderation: false })));
    expect(err.code).toBe('provider_auth');
    expect(err.message).not.toContain('sk-');
    expect(fake.requests).toHaveLength(1);
  });

  it('retries 429 with backoff and succeeds when the limit lifts', async () => {
    const fake = await startFakeOpenAi();
    fake.script(error(429, 'rate_limit_exceeded', 'Rate limit reached'), error(429, 'rate_limit_exceeded', 'Rate limit reached'));
    const { images } = await run(provider(fake, { moderation: false }));
    expect(images).toHaveLength(1);
    expect(fake.imageRequests()).toHaveLength(3);
  });

  it('maps a rate limit that outlasts the retries to provider_rate_limited, and exhausted quota to provider_quota', async () => {
    const fake = await startFakeOpenAi();
    fake.fallback = error(429, 'rate_limit_exceeded', 'Rate limit reached for images per minute');
    const limited = await failure(run(provider(fake, { moderation: false, maxRetries: 2 })));
    expect(limited.code).toBe('provider_rate_limited');
    expect(limited.message).toContain('Rate limit reached');
    expect(fake.imageRequests()).toHaveLength(3);

    fake.fallback = error(429, 'insufficient_quota', 'You exceeded your current quota');
    expect((await failure(run(provider(fake, { moderation: false, maxRetries: 0 })))).code).toBe('provider_quota');
  });

  it('maps a content policy refusal (400) to content_policy, without retrying', async () => {
    const fake = await startFakeOpenAi();
    fake.script({
      kind: 'error',
      status: 400,
      error: {
        message: 'Your request was rejected by the safety system.',
        type: 'image_generation_user_error',
        code: 'moderation_blocked',
      },
    });
    const err = await failure(run(provider(fake, { moderation: false })));
    expect(err.code).toBe('content_policy');
    expect(err.message).toContain('safety system');
    expect(fake.imageRequests()).toHaveLength(1);
  });

  it('maps a bad size (400) to invalid_request with the API message', async () => {
    const fake = await startFakeOpenAi();
    fake.script({
      kind: 'error',
      status: 400,
      error: {
        message: "Invalid value: '512x512'. Supported values are: '1024x1024', '1024x1536', '1536x1024', and 'auto'.",
        type: 'invalid_request_error',
        code: 'invalid_value',
        param: 'size',
      },
    });
    const err = await failure(run(provider(fake, { moderation: false }), request({ size: '512x512', width: 512, height: 512 })));
    expect(err.code).toBe('invalid_request');
    expect(err.message).toContain("Invalid value: '512x512'");
    expect(fake.imageRequests()).toHaveLength(1);
  });

  it('retries 5xx, and maps one that never recovers to provider_unavailable', async () => {
    const fake = await startFakeOpenAi();
    fake.script(error(500, null, 'The server had an error while processing your request.'));
    expect((await run(provider(fake, { moderation: false }))).images).toHaveLength(1);
    expect(fake.imageRequests()).toHaveLength(2);

    fake.fallback = error(503, null, 'The engine is currently overloaded.');
    const err = await failure(run(provider(fake, { moderation: false, maxRetries: 1 })));
    expect(err.code).toBe('provider_unavailable');
    expect(fake.imageRequests()).toHaveLength(4);
  });

  it('refuses a prompt the moderation endpoint flags, before any image request', async () => {
    const fake = await startFakeOpenAi();
    const err = await failure(run(provider(fake), request({ prompt: 'a forbiddenword scene' })));
    expect(err.code).toBe('content_policy');
    expect(err.message).toContain('violence');
    expect(fake.imageRequests()).toHaveLength(0);
  });

  it('maps an error event inside the stream', async () => {
    const fake = await startFakeOpenAi();
    fake.script({ kind: 'stream-error', error: { message: 'Generated image rejected by the safety system.', code: 'moderation_blocked' } });
    expect((await failure(run(provider(fake, { moderation: false })))).code).toBe('content_policy');
    fake.script({ kind: 'stream-error', error: { message: 'Something broke.', code: null } });
    expect((await failure(run(provider(fake, { moderation: false })))).code).toBe('provider_error');
  });

  it('gives up after the request timeout with `timeout`', async () => {
    const fake = await startFakeOpenAi();
    fake.fallback = { kind: 'hang' };
    const err = await failure(run(provider(fake, { moderation: false, timeoutMs: 200, maxRetries: 0 })));
    expect(err.code).toBe('timeout');
  });

  it('aborts the request on cancellation and rejects with the signal reason', async () => {
    const fake = await startFakeOpenAi();
    fake.hold();
    const controller = new AbortController();
    const pending = run(provider(fake, { moderation: false }), request(), controller.signal).then(
      () => 'resolved',
      (e: unknown) => e,
    );
    await waitFor(() => fake.held === 1);
    const reason = new Error('cancelled by test');
    controller.abort(reason);
    expect(await pending).toBe(reason);
    await waitFor(() => fake.aborted === 1);
    expect(fake.imageRequests()).toHaveLength(1);
  });

  it('turns an answer without images into provider_error', async () => {
    const fake = await startFakeOpenAi();
    fake.script({ kind: 'empty', streamed: true });
    expect((await failure(run(provider(fake, { moderation: false })))).code).toBe('provider_error');
    fake.script({ kind: 'empty', streamed: false });
    expect((await failure(run(provider(fake, { moderation: false, partialImages: 0 })))).code).toBe('provider_error');
  });
});
