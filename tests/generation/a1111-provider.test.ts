import pino from 'pino';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { A1111Provider } from '../../server/generation/a1111-provider.ts';
import type { GenerationRequest } from '../../server/generation/provider.ts';
import type { A1111Config } from '../../server/generation/provider-config.ts';
import { waitFor } from '../helpers/server.ts';
import { type FakeA1111, startFakeA1111 } from './fakes/fake-a1111.ts';
import { failure, generate } from './provider-calls.ts';

const PASSWORD = 'hunter2-very-secret';

function provider(fake: FakeA1111, over: Partial<A1111Config> = {}): A1111Provider {
  return new A1111Provider(
    { url: fake.url, auth: undefined, model: undefined, concurrency: 1, previewMs: 100, ...over },
    10_000,
    pino({ level: 'silent' }),
  );
}

const request = (over: Partial<GenerationRequest> = {}): GenerationRequest => ({
  jobId: 'job1',
  prompt: 'a harbour at night',
  size: '512x512',
  width: 512,
  height: 512,
  count: 1,
  seed: 11,
  model: 'v1-5-pruned-emaonly.safetensors [6ce0161689]',
  user: 'u',
  ...over,
});

const run = (p: A1111Provider, req = request(), signal?: AbortSignal) => generate(p, req, signal);

describe('a1111 provider against an AUTOMATIC1111-API server', () => {
  it('runs txt2img with Basic auth and our task id, reads seeds from the JSON-string info, skips the grid, polls progress and previews', async () => {
    const fake = await startFakeA1111();
    fake.auth = `atelier:${PASSWORD}`;
    fake.behaviour = { stepDelayMs: 40, returnGrid: true };
    const { images, events } = await run(provider(fake, { auth: fake.auth }), request({ count: 2, steps: 12, negativePrompt: 'fog' }));

    const call = fake.requests.find((r) => r.path === '/sdapi/v1/txt2img')!;
    expect(call.authorization).toBe(`Basic ${Buffer.from(fake.auth).toString('base64')}`);
    expect(call.body).toMatchObject({
      prompt: 'a harbour at night',
      negative_prompt: 'fog',
      seed: 11,
      steps: 12,
      width: 512,
      height: 512,
      batch_size: 2,
      force_task_id: 'atelier-job1',
      override_settings: { sd_model_checkpoint: 'v1-5-pruned-emaonly.safetensors [6ce0161689]' },
    });
    expect(images.map((i) => [i.width, i.height, i.seed])).toEqual([
      [512, 512, 11],
      [512, 512, 12],
    ]);
    expect(events.some((e) => e.type === 'preview')).toBe(true);
    const progress = events.flatMap((e) => (e.type === 'progress' ? [e.progress] : []));
    expect(progress.length).toBeGreaterThan(2);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  });

  it('edits with img2img: the layer as init image, the mask white where ours is transparent', async () => {
    const fake = await startFakeA1111();
    const image = await sharp({ create: { width: 100, height: 50, channels: 3, background: '#0000ff' } })
      .png()
      .toBuffer();
    const mask = await sharp({ create: { width: 10, height: 5, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
      .png()
      .toBuffer();
    await run(provider(fake), request({ edit: { image, mask } }));
    const call = fake.requests.find((r) => r.path === '/sdapi/v1/img2img')!;
    const maskPng = Buffer.from(String(call.body!.mask), 'base64');
    const meta = await sharp(maskPng).metadata();
    expect([meta.width, meta.height, meta.channels]).toEqual([512, 512, 1]);
    expect((await sharp(maskPng).stats()).channels[0]!.min).toBe(255);
    expect(call.body).toMatchObject({ denoising_strength: 1, inpainting_fill: 1 });
    expect((await sharp(Buffer.from(String((call.body!.init_images as string[])[0]), 'base64')).metadata()).width).toBe(512);
  });

  it('interrupts A1111 only while our task is the one running', async () => {
    const fake = await startFakeA1111();
    fake.behaviour = { stepDelayMs: 20 };
    const controller = new AbortController();
    const started = failure(run(provider(fake), request({ steps: 100 }), controller.signal));
    await waitFor(() => fake.currentTask === 'atelier-job1');
    controller.abort(new Error('cancelled'));
    expect(await started).toEqual(new Error('cancelled'));
    expect(fake.interrupts).toEqual(['atelier-job1']);
  });

  it('does not interrupt another client’s task; ours, cancelled while waiting, is interrupted when it starts', async () => {
    const fake = await startFakeA1111();
    fake.behaviour = { stepDelayMs: 10 };
    const foreign = fake.runForeignTask('task(web-ui)', 30);
    await waitFor(() => fake.currentTask === 'task(web-ui)');
    const controller = new AbortController();
    const started = failure(run(provider(fake), request({ steps: 200 }), controller.signal));
    await waitFor(() => fake.pendingTasks.includes('atelier-job1'));
    controller.abort(new Error('cancelled'));
    await started;
    expect(fake.interrupts).toEqual([]);
    await foreign;
    await waitFor(() => fake.interrupts.length === 1, 5000);
    expect(fake.interrupts).toEqual(['atelier-job1']);
  });

  it('reports a job interrupted on the A1111 server (its half-made batch is not a result) as cancelled', async () => {
    const fake = await startFakeA1111();
    fake.behaviour = { stepDelayMs: 30 };
    const started = failure(run(provider(fake), request({ steps: 60 })));
    await waitFor(() => fake.currentTask === 'atelier-job1');
    await new Promise((r) => setTimeout(r, 250));
    await fetch(`${fake.url}/sdapi/v1/interrupt`, { method: 'POST' });
    expect(await started).toMatchObject({ failure: 'cancelled', code: 'provider_cancelled' });
  });

  it('maps CUDA out of memory to unavailable, validation to bad_request, a wrong password to provider_auth without echoing it', async () => {
    const fake = await startFakeA1111();
    fake.behaviour = { oomAtStep: 2 };
    const oom = await failure(run(provider(fake)));
    expect(oom).toMatchObject({ failure: 'unavailable' });
    expect((oom as Error).message).toMatch(/out of GPU memory.*CUDA out of memory/);

    fake.behaviour = {};
    const invalid = await failure(run(provider(fake), request({ steps: 2.5 })));
    expect(invalid).toMatchObject({ failure: 'bad_request', code: 'invalid_request' });
    expect((invalid as Error).message).toContain('body.steps: value is not a valid integer');

    fake.auth = `atelier:${PASSWORD}`;
    const denied = await failure(run(provider(fake, { auth: 'atelier:wrong-password-123' })));
    expect(denied).toMatchObject({ failure: 'unavailable', code: 'provider_auth' });
    expect(JSON.stringify(denied) + (denied as Error).message).not.toContain('wrong-password-123');
    await expect(provider(fake, { auth: 'atelier:wrong-password-123' }).check(AbortSignal.timeout(2000))).rejects.toMatchObject({
      code: 'provider_auth',
    });
  });

  it('lists /sdapi/v1/sd-models as models, and stops waiting on a hung server when the job is aborted', async () => {
    const fake = await startFakeA1111();
    expect((await provider(fake).check(AbortSignal.timeout(2000))).models).toEqual([
      { id: 'v1-5-pruned-emaonly.safetensors [6ce0161689]', label: 'v1-5-pruned-emaonly' },
      { id: 'sd_xl_base_1.0.safetensors [31e35c80fc]', label: 'sd_xl_base_1.0' },
    ]);
    fake.behaviour = { hang: true };
    const timeout = AbortSignal.timeout(300);
    expect(await failure(run(provider(fake), request(), timeout))).toBe(timeout.reason);
  });
});
