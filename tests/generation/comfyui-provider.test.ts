import { writeFileSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { ComfyUiProvider } from '../../server/generation/comfyui/provider.ts';
import type { GenerationRequest, ProviderEvent } from '../../server/generation/provider.ts';
import type { ComfyUiConfig } from '../../server/generation/provider-config.ts';
import { ProviderError } from '../../server/generation/provider-error.ts';
import { ProviderSetupError } from '../../server/generation/provider-registry.ts';
import { tempDir, waitFor } from '../helpers/server.ts';
import { colourOf, type FakeComfyUi, startFakeComfyUi } from './fakes/fake-comfyui.ts';
import { failure, generate } from './provider-calls.ts';

function provider(fake: FakeComfyUi, over: Partial<ComfyUiConfig> = {}): ComfyUiProvider {
  const p = new ComfyUiProvider(
    { url: fake.url, workflow: undefined, workflowNodes: undefined, model: undefined, concurrency: 2, reconnectMaxMs: 200, ...over },
    pino({ level: 'silent' }),
  );
  return p;
}

const request = (over: Partial<GenerationRequest> = {}): GenerationRequest => ({
  jobId: 'job1',
  prompt: 'a lighthouse at dusk',
  size: '512x512',
  width: 512,
  height: 512,
  count: 1,
  seed: 40,
  model: 'sd_xl_base_1.0.safetensors',
  user: 'u',
  ...over,
});

async function run(p: ComfyUiProvider, req = request(), signal?: AbortSignal) {
  try {
    return await generate(p, req, signal);
  } finally {
    await p.close();
  }
}

describe('comfyui provider against a ComfyUI-protocol server', () => {
  it('queues one prompt per image with its client_id and prompt_id, follows progress and type-4 previews, reads images and seeds from history', async () => {
    const fake = await startFakeComfyUi();
    fake.behaviour = { steps: 10, previews: 5 };
    const { images, events } = await run(provider(fake), request({ count: 2, negativePrompt: 'blurry', steps: 12 }));

    const prompts = fake.requests.filter((r) => r.path === '/prompt');
    expect(prompts).toHaveLength(2);
    const [first] = prompts as Array<{
      body: { client_id: string; prompt_id: string; prompt: Record<string, { inputs: Record<string, unknown> }> };
    }>;
    expect(fake.connections).toEqual([{ clientId: first!.body.client_id, flags: { supports_preview_metadata: true } }]);
    expect(first!.body.prompt_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(first!.body.prompt['3']!.inputs).toMatchObject({ seed: 40, steps: 12 });
    expect(first!.body.prompt['6']!.inputs.text).toBe('a lighthouse at dusk');
    expect(first!.body.prompt['7']!.inputs.text).toBe('blurry');
    expect(first!.body.prompt['4']!.inputs.ckpt_name).toBe('sd_xl_base_1.0.safetensors');

    expect(images.map((i) => [i.width, i.height, i.seed, i.ext])).toEqual([
      [512, 512, 40, 'png'],
      [512, 512, 41, 'png'],
    ]);
    const pixel = await sharp(images[1]!.data).extract({ left: 0, top: 0, width: 1, height: 1 }).raw().toBuffer();
    expect(`#${[...pixel.subarray(0, 3)].map((c) => c.toString(16).padStart(2, '0')).join('')}`).toBe(colourOf(41));

    const previews = events.filter((e) => e.type === 'preview');
    expect(previews.map((p) => (p.type === 'preview' ? p.index : -1))).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
    const meta = await sharp((previews[0] as Extract<ProviderEvent, { type: 'preview' }>).image.data).metadata();
    expect(meta.format).toBe('jpeg');
    const progress = events.flatMap((e) => (e.type === 'progress' ? [e.progress] : []));
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress.at(-1)).toBe(1);
  });

  it('takes the type-1 preview frames of a ComfyUI without feature flags, routed to the prompt executing', async () => {
    const fake = await startFakeComfyUi({ featureFlags: false });
    fake.behaviour = { steps: 4, previews: 2 };
    const { events } = await run(provider(fake));
    const previews = events.filter((e) => e.type === 'preview');
    expect(previews).toHaveLength(2);
  });

  it("refuses a workflow ComfyUI rejects with bad_request naming the node (a checkpoint it doesn't have)", async () => {
    const fake = await startFakeComfyUi();
    const err = await failure(run(provider(fake), request({ model: 'missing.safetensors' })));
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ failure: 'bad_request', code: 'invalid_request' });
    expect((err as Error).message).toContain("node 4 (CheckpointLoaderSimple): Value not in list: ckpt_name: 'missing.safetensors' not in");
  });

  it('maps an out-of-memory execution_error to unavailable naming the node', async () => {
    const fake = await startFakeComfyUi();
    fake.behaviour = { steps: 6, oomAtStep: 3 };
    const err = await failure(run(provider(fake)));
    expect(err).toMatchObject({ failure: 'unavailable', code: 'provider_unavailable' });
    expect((err as Error).message).toMatch(/ran out of GPU memory in node 3 \(KSampler\): torch\.OutOfMemoryError/);
  });

  it('cancels a running prompt with POST /interrupt {prompt_id}, never a global interrupt', async () => {
    const fake = await startFakeComfyUi();
    fake.behaviour = { steps: 200, stepDelayMs: 10 };
    const controller = new AbortController();
    const p = provider(fake);
    const started = run(p, request(), controller.signal);
    await waitFor(() => fake.running.length === 1);
    controller.abort(new Error('cancelled by test'));
    expect(await failure(started)).toEqual(new Error('cancelled by test'));
    const prompt = fake.requests.find((r) => r.path === '/prompt')!.body as { prompt_id: string };
    expect(fake.interrupts).toEqual([prompt.prompt_id]);
    expect(fake.requests.filter((r) => r.path === '/interrupt').map((r) => r.body)).toEqual([{ prompt_id: prompt.prompt_id }]);
    expect(fake.deleted).toEqual([]);
  });

  it("cancels a prompt still waiting in ComfyUI's queue with POST /queue {delete}", async () => {
    const fake = await startFakeComfyUi();
    fake.hold();
    const controller = new AbortController();
    const started = run(provider(fake), request({ count: 2 }), controller.signal);
    await waitFor(() => fake.pending.length === 2);
    controller.abort(new Error('cancelled'));
    await failure(started);
    expect(fake.deleted.sort()).toEqual(
      fake.requests
        .filter((r) => r.path === '/prompt')
        .map((r) => (r.body as { prompt_id: string }).prompt_id)
        .sort(),
    );
    expect(fake.interrupts).toEqual([]);
    expect(fake.pending).toEqual([]);
  });

  it('reports a prompt interrupted on the ComfyUI server itself as cancelled', async () => {
    const fake = await startFakeComfyUi();
    fake.behaviour = { steps: 200, stepDelayMs: 10 };
    const started = run(provider(fake));
    await waitFor(() => fake.running.length === 1);
    await fetch(`${fake.url}/interrupt`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(await failure(started)).toMatchObject({ failure: 'cancelled', code: 'provider_cancelled' });
  });

  it('finishes a job whose WebSocket dropped mid-job: reconnects with the same clientId and reads the history', async () => {
    const fake = await startFakeComfyUi();
    fake.behaviour = { steps: 20, stepDelayMs: 5, dropSocketAtStep: 5 };
    const { images, events } = await run(provider(fake), request({ seed: 7 }));
    expect(images.map((i) => i.seed)).toEqual([7]);
    expect(fake.connections.length).toBeGreaterThanOrEqual(2);
    expect(new Set(fake.connections.map((c) => c.clientId)).size).toBe(1);
    expect(fake.connections.every((c) => c.flags !== undefined)).toBe(true);
    expect(events.some((e) => e.type === 'progress')).toBe(true);
  });

  it('edits: uploads the image and the mask with /upload/image and runs the masked graph', async () => {
    const fake = await startFakeComfyUi();
    const image = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#ff0000' } })
      .png()
      .toBuffer();
    const mask = await sharp({ create: { width: 30, height: 20, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
      .png()
      .toBuffer();
    const { images } = await run(provider(fake), request({ edit: { image, mask } }));
    expect(images).toHaveLength(1);
    expect([...fake.uploads.keys()]).toEqual(['atelier-job1.png', 'atelier-job1-mask.png']);
    const sent = await sharp(fake.uploads.get('atelier-job1-mask.png')!).metadata();
    expect([sent.width, sent.height, sent.hasAlpha]).toEqual([512, 512, true]);
    const graph = (
      fake.requests.find((r) => r.path === '/prompt')!.body as { prompt: Record<string, { class_type: string; inputs: object }> }
    ).prompt;
    expect(graph['12']).toEqual({ class_type: 'LoadImageMask', inputs: { image: 'atelier-job1-mask.png', channel: 'alpha' } });
    expect(graph['5']).toMatchObject({ class_type: 'SetLatentNoiseMask' });
  });

  it('lists the checkpoints of /object_info as models', async () => {
    const fake = await startFakeComfyUi();
    const status = await provider(fake).check(AbortSignal.timeout(2000));
    expect(status.models).toEqual([
      { id: 'sd_xl_base_1.0.safetensors', label: 'sd_xl_base_1.0' },
      { id: 'v1-5-pruned-emaonly.safetensors', label: 'v1-5-pruned-emaonly' },
    ]);
  });

  it('runs an own workflow through COMFYUI_WORKFLOW_NODES, and refuses mappings that cannot work', async () => {
    const fake = await startFakeComfyUi();
    const dir = tempDir();
    const workflow = path.join(dir, 'flow.json');
    writeFileSync(
      workflow,
      JSON.stringify({
        '1': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'v1-5-pruned-emaonly.safetensors' } },
        '2': { class_type: 'CLIPTextEncode', inputs: { text: '', clip: ['1', 1] } },
        '3': { class_type: 'CLIPTextEncode', inputs: { text: 'ugly', clip: ['1', 1] } },
        '4': { class_type: 'EmptyLatentImage', inputs: { width: 256, height: 256, batch_size: 1 } },
        '5': {
          class_type: 'KSampler',
          inputs: {
            seed: 0,
            steps: 3,
            cfg: 7,
            sampler_name: 'euler',
            scheduler: 'normal',
            denoise: 1,
            model: ['1', 0],
            positive: ['2', 0],
            negative: ['3', 0],
            latent_image: ['4', 0],
          },
        },
        '6': { class_type: 'VAEDecode', inputs: { samples: ['5', 0], vae: ['1', 2] } },
        '7': { class_type: 'SaveImage', inputs: { filename_prefix: 'x', images: ['6', 0] } },
      }),
    );
    const own = provider(fake, { workflow, workflowNodes: 'prompt=2.text,seed=5.seed' });
    expect(own.capabilities).toMatchObject({ seed: true, negativePrompt: false, steps: false, edit: false, mask: false, models: false });
    expect((await own.check(AbortSignal.timeout(2000))).models).toEqual([{ id: 'flow', label: 'flow' }]);
    const { images } = await run(own, request({ model: 'flow', seed: 3 }));
    expect(images.map((i) => [i.width, i.seed])).toEqual([[256, 3]]);
    const sent = (fake.requests.find((r) => r.path === '/prompt')!.body as { prompt: Record<string, { inputs: Record<string, unknown> }> })
      .prompt;
    expect(sent['2']!.inputs.text).toBe('a lighthouse at dusk');
    expect(sent['5']!.inputs.seed).toBe(3);

    expect(() => provider(fake, { workflow, workflowNodes: 'prompt=9.text' })).toThrow(ProviderSetupError);
    expect(() => provider(fake, { workflow, workflowNodes: 'seed=5.seed' })).toThrow(/must map prompt/);
    expect(() => provider(fake, { workflow, workflowNodes: 'colour=2.text' })).toThrow(/unknown name "colour"/);
    const wrongInput = provider(fake, { workflow, workflowNodes: 'prompt=2.txt' });
    await expect(wrongInput.check(AbortSignal.timeout(2000))).rejects.toThrow(
      /prompt names input txt of node 2 \(CLIPTextEncode\), which has no such input/,
    );
  });

  it('fails with unavailable when ComfyUI cannot be reached', async () => {
    const fake = await startFakeComfyUi({ autoClose: false });
    const url = fake.url;
    await fake.close();
    const p = new ComfyUiProvider(
      { url, workflow: undefined, workflowNodes: undefined, model: undefined, concurrency: 1, reconnectMaxMs: 200 },
      pino({ level: 'silent' }),
    );
    await expect(p.check(AbortSignal.timeout(2000))).rejects.toMatchObject({ failure: 'unavailable' });
    expect(await failure(run(p))).toMatchObject({ failure: 'unavailable' });
  });
});
