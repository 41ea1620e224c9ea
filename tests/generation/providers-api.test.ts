// GET /api/providers and /healthz: what the server offers and how each
// provider is; gen:start's capability checks; start-up refusing a ComfyUI
// workflow that names a missing node; and no key or password anywhere a
// person or another program could read it.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ProvidersResponse } from '../../shared/protocol.ts';
import { startServer, tempDir, waitFor } from '../helpers/server.ts';
import { startFakeA1111 } from './fakes/fake-a1111.ts';
import { startFakeComfyUi } from './fakes/fake-comfyui.ts';
import { startFakeFal } from './fakes/fake-fal.ts';
import { startFakeGemini } from './fakes/fake-gemini.ts';
import { startFakeReplicate } from './fakes/fake-replicate.ts';
import { startFakeStability } from './fakes/fake-stability.ts';
import { genStart, startJob } from './helpers.ts';
import { providerRoom } from './provider-room-helpers.ts';

describe('GET /api/providers and /healthz', () => {
  it('lists the configured, reachable providers with capabilities and models; health has a line per provider', async () => {
    const comfy = await startFakeComfyUi();
    const server = await startServer({ COMFYUI_URL: comfy.url, A1111_URL: 'http://127.0.0.1:9', GEN_PROVIDER_CHECK_TIMEOUT_MS: '1000' });
    const res = await fetch(`${server.url}/api/providers`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('private, max-age=5');
    const body = (await res.json()) as ProvidersResponse;
    expect(body.providers.map((p) => p.id)).toEqual(['local', 'comfyui']);
    expect(body.providers[0]).toMatchObject({
      id: 'local',
      default: true,
      defaultModel: 'procedural-v1',
      capabilities: { previews: true, negativePrompt: false },
    });
    expect(body.providers[1]).toEqual({
      id: 'comfyui',
      label: 'ComfyUI',
      default: false,
      models: [
        { id: 'sd_xl_base_1.0.safetensors', label: 'sd_xl_base_1.0' },
        { id: 'v1-5-pruned-emaonly.safetensors', label: 'v1-5-pruned-emaonly' },
      ],
      defaultModel: 'sd_xl_base_1.0.safetensors',
      capabilities: { edit: true, mask: true, seed: true, negativePrompt: true, steps: true, previews: true, cancel: true, models: true },
    });

    const health = (await (await fetch(`${server.url}/healthz`)).json()) as {
      providers: Array<{ id: string; ok: boolean; error?: string }>;
    };
    expect(health.providers.map((p) => [p.id, p.ok])).toEqual([
      ['local', true],
      ['comfyui', true],
      ['a1111', false],
    ]);
    expect(health.providers[2]!.error).toContain('cannot reach A1111');
  });

  it('refreshes: a provider that comes up is offered, one that goes away is not, and jobs for it are refused as unavailable', async () => {
    const comfy = await startFakeComfyUi({ autoClose: false });
    const room = await providerRoom({ COMFYUI_URL: comfy.url, GEN_PROVIDER_REFRESH_MS: '1000', GEN_PROVIDER_CHECK_TIMEOUT_MS: '500' });
    const ids = async () =>
      ((await (await fetch(`${room.server.url}/api/providers`)).json()) as ProvidersResponse).providers.map((p) => p.id);
    expect(await ids()).toEqual(['local', 'comfyui']);
    await comfy.close();
    await waitFor(async () => (await ids()).length === 1, 5000);
    expect(await genStart(room.ann.socket, room.roomId, { prompt: 'x', provider: 'comfyui' })).toEqual({
      ok: false,
      error: { code: 'unavailable', message: expect.stringContaining('provider "comfyui" is not reachable') },
    });
  });

  it('gen:start takes negativePrompt and steps (1–150) only where the provider supports them, and only its models', async () => {
    const comfy = await startFakeComfyUi();
    const room = await providerRoom({ COMFYUI_URL: comfy.url });
    const start = (params: object) => genStart(room.ann.socket, room.roomId, { prompt: 'x', size: '512x512', ...params });
    expect(await start({ negativePrompt: 'fog' })).toEqual({
      ok: false,
      error: { code: 'bad_request', message: 'provider "local" does not support negativePrompt' },
    });
    expect(await start({ steps: 10 })).toEqual({
      ok: false,
      error: { code: 'bad_request', message: 'provider "local" does not support steps' },
    });
    expect(await start({ provider: 'comfyui', steps: 0 })).toMatchObject({
      ok: false,
      error: { code: 'bad_request', message: expect.stringContaining('params.steps') },
    });
    expect(await start({ provider: 'comfyui', steps: 151 })).toMatchObject({
      ok: false,
      error: { code: 'bad_request', message: expect.stringContaining('params.steps') },
    });
    expect(await start({ provider: 'comfyui', negativePrompt: 'x'.repeat(2001) })).toMatchObject({
      ok: false,
      error: { code: 'bad_request', message: expect.stringContaining('params.negativePrompt') },
    });
    expect(await start({ provider: 'comfyui', model: 'nope.safetensors' })).toMatchObject({
      ok: false,
      error: { code: 'bad_request', message: expect.stringContaining('has no model "nope.safetensors"') },
    });
    const job = await startJob(room.ann.socket, room.roomId, {
      prompt: 'x',
      size: '512x512',
      provider: 'comfyui',
      negativePrompt: 'fog',
      steps: 150,
    });
    expect(job.params).toMatchObject({ provider: 'comfyui', negativePrompt: 'fog', steps: 150, model: 'sd_xl_base_1.0.safetensors' });
    await room.annUpdates.until(job.id, 'succeeded', 20_000);
    const sent = comfy.requests.find((r) => r.path === '/prompt')!.body as { prompt: Record<string, { inputs: Record<string, unknown> }> };
    expect(sent.prompt['3']!.inputs.steps).toBe(150);
    expect(sent.prompt['7']!.inputs.text).toBe('fog');
  });

  it('refuses to start when COMFYUI_WORKFLOW_NODES names a node the workflow lacks, or an input ComfyUI’s node lacks', async () => {
    const comfy = await startFakeComfyUi();
    const workflow = path.join(tempDir(), 'flow.json');
    writeFileSync(
      workflow,
      JSON.stringify({
        '6': { class_type: 'CLIPTextEncode', inputs: { text: '', clip: ['4', 1] } },
        '9': { class_type: 'SaveImage', inputs: { filename_prefix: 'x', images: ['8', 0] } },
      }),
    );
    await expect(
      startServer({ COMFYUI_URL: comfy.url, COMFYUI_WORKFLOW: workflow, COMFYUI_WORKFLOW_NODES: 'prompt=6.text,seed=3.seed' }),
    ).rejects.toThrow('comfyui: COMFYUI_WORKFLOW_NODES: seed names node 3, which the workflow does not have');
    await expect(
      startServer({ COMFYUI_URL: comfy.url, COMFYUI_WORKFLOW: workflow, COMFYUI_WORKFLOW_NODES: 'prompt=6.prompt' }),
    ).rejects.toThrow(
      'comfyui: COMFYUI_WORKFLOW cannot run here: prompt names input prompt of node 6 (CLIPTextEncode), which has no such input',
    );
    // Unreachable at start: checked once ComfyUI answers; the server starts meanwhile.
    const server = await startServer({
      COMFYUI_URL: 'http://127.0.0.1:9',
      COMFYUI_WORKFLOW: workflow,
      COMFYUI_WORKFLOW_NODES: 'prompt=6.text',
    });
    expect(server.url).toMatch(/^http:/);
  });
});

describe('secrets', () => {
  it('keys and passwords reach no log line, job record, job update, provider list or health line', { timeout: 60_000 }, async () => {
    const secrets = {
      A1111_AUTH: 'atelier:pw-Zq81-never-logged',
      FAL_KEY: 'fal-id:fal-secret-Zq82-never-logged',
      REPLICATE_API_TOKEN: 'r8_Zq83_never_logged_token_000000000',
      GEMINI_API_KEY: 'AIzaZq84NeverLogged0000000000000000000',
      STABILITY_API_KEY: 'sk-Zq85-never-logged-0000000000000000',
    };
    // Each fake expects another key: every call is refused, and the refusals are logged and recorded.
    const [a1111, fal, replicate, gemini, stability] = await Promise.all([
      startFakeA1111(),
      startFakeFal(),
      startFakeReplicate(),
      startFakeGemini(),
      startFakeStability(),
    ]);
    a1111.auth = 'atelier:the-right-password';
    const room = await providerRoom({
      ...secrets,
      A1111_URL: a1111.url,
      FAL_BASE_URL: fal.url,
      REPLICATE_BASE_URL: `${replicate.url}/v1`,
      GEMINI_BASE_URL: gemini.url,
      STABILITY_BASE_URL: stability.url,
      GEN_ROOM_QUEUE_LIMIT: '10',
    });
    const wire: unknown[] = [];
    // fal offers its configured models without asking; the others were found down at start-up.
    for (const provider of ['fal', 'a1111', 'replicate', 'gemini', 'stability']) {
      const res = await genStart(room.ann.socket, room.roomId, { prompt: 'x', size: '512x512', provider });
      wire.push(res);
      if (res.ok) wire.push(await room.bobUpdates.until(res.job.id, 'failed', 20_000));
    }
    wire.push(await (await fetch(`${room.server.url}/api/providers`)).json());
    wire.push(await (await fetch(`${room.server.url}/healthz`)).json());
    wire.push(await room.server.store.jobs.listForRoom(room.roomId, 50));
    wire.push(room.bobUpdates.all);
    expect(room.logs.some((line) => line.includes('provider unreachable'))).toBe(true);
    const everything = `${room.logs.join('\n')}\n${JSON.stringify(wire)}`;
    expect(everything).toContain('provider_auth');
    for (const value of Object.values(secrets)) {
      const password = value.includes(':') ? value.slice(value.indexOf(':') + 1) : value;
      expect(everything).not.toContain(password);
      expect(everything).not.toContain(Buffer.from(value).toString('base64'));
    }
  });
});
