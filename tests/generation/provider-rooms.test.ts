// Every provider in a real room: a job one participant starts shows progress
// (and previews, where the provider has them) to everyone, and lands as
// candidates carrying the seeds the backend reported. Cancelling works on a
// job still waiting for its provider and on one running at the backend.
import { describe, expect, it } from 'vitest';
import type { GenParams } from '../../shared/protocol.ts';
import type { TestEnv } from '../helpers/server.ts';
import { waitFor } from '../helpers/server.ts';
import { startFakeA1111 } from './fakes/fake-a1111.ts';
import { startFakeComfyUi } from './fakes/fake-comfyui.ts';
import { FAL_TEST_KEY, startFakeFal } from './fakes/fake-fal.ts';
import { GEMINI_TEST_KEY, startFakeGemini } from './fakes/fake-gemini.ts';
import { REPLICATE_TEST_TOKEN, startFakeReplicate } from './fakes/fake-replicate.ts';
import { STABILITY_TEST_KEY, startFakeStability } from './fakes/fake-stability.ts';
import { candidates, genCancel, startJob } from './helpers.ts';
import { providerRoom } from './provider-room-helpers.ts';

interface Case {
  provider: string;
  setup(): Promise<{ env: TestEnv; params?: GenParams }>;
  previews: boolean;
  /** The seeds the backend reports for a job of seed 5 and two images. */
  seeds: number[];
}

const CASES: Case[] = [
  {
    provider: 'comfyui',
    previews: true,
    seeds: [5, 6],
    setup: async () => {
      const fake = await startFakeComfyUi();
      fake.behaviour = { steps: 10, previews: 3, stepDelayMs: 15 };
      return { env: { COMFYUI_URL: fake.url }, params: { model: 'v1-5-pruned-emaonly.safetensors', steps: 10 } };
    },
  },
  {
    provider: 'a1111',
    previews: true,
    seeds: [5, 6],
    setup: async () => {
      const fake = await startFakeA1111();
      fake.behaviour = { stepDelayMs: 40 };
      return { env: { A1111_URL: fake.url, A1111_PREVIEW_MS: '100' }, params: { steps: 20 } };
    },
  },
  {
    provider: 'fal',
    previews: false,
    seeds: [5, 6],
    setup: async () => {
      const fake = await startFakeFal();
      fake.behaviour = { queuedPolls: 2, progressPolls: 3 };
      return { env: { FAL_KEY: FAL_TEST_KEY, FAL_BASE_URL: fake.url, FAL_POLL_MS: '50' } };
    },
  },
  {
    provider: 'replicate',
    previews: false,
    seeds: [4242, 4243],
    setup: async () => {
      const fake = await startFakeReplicate();
      fake.behaviour = { loggedSeed: 4242, processingPolls: 3 };
      return {
        env: {
          REPLICATE_API_TOKEN: REPLICATE_TEST_TOKEN,
          REPLICATE_BASE_URL: `${fake.url}/v1`,
          REPLICATE_MODELS: 'black-forest-labs/flux-schnell',
          REPLICATE_POLL_MS: '50',
        },
      };
    },
  },
  {
    provider: 'gemini',
    previews: false,
    seeds: [5, 6],
    setup: async () => {
      const fake = await startFakeGemini();
      return { env: { GEMINI_API_KEY: GEMINI_TEST_KEY, GEMINI_BASE_URL: fake.url } };
    },
  },
  {
    provider: 'stability',
    previews: false,
    seeds: [777, 777],
    setup: async () => {
      const fake = await startFakeStability();
      fake.behaviour = { seed: 777 };
      return { env: { STABILITY_API_KEY: STABILITY_TEST_KEY, STABILITY_BASE_URL: fake.url } };
    },
  },
];

describe.each(CASES)('$provider in a room', ({ provider, setup, previews, seeds }) => {
  it('shows every participant the job’s progress and previews, and lands candidates with the backend’s seeds', async () => {
    const { env, params } = await setup();
    const room = await providerRoom(env);
    const job = await startJob(room.ann.socket, room.roomId, {
      prompt: 'a lighthouse at dusk',
      size: '512x512',
      count: 2,
      seed: 5,
      provider,
      ...params,
    });
    expect(job.params.provider).toBe(provider);

    const done = await room.bobUpdates.until(job.id, 'succeeded', 30_000);
    expect(room.bobUpdates.statuses(job.id)).toEqual(['queued', 'running', 'succeeded']);
    const progress = room.bobUpdates.of(job.id).map((j) => j.progress);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress.some((p) => p > 0 && p < 1)).toBe(true);
    if (previews) {
      expect(room.bobUpdates.of(job.id).some((j) => (j.previews ?? []).some((url) => url.startsWith('/media/')))).toBe(true);
      expect(room.annUpdates.of(job.id).some((j) => (j.previews ?? []).some((url) => url.startsWith('/media/')))).toBe(true);
    }
    expect(done.results!.map((r) => r.seed)).toEqual(seeds);
    await waitFor(() => candidates(room.bob.doc).length === 2);
    expect(candidates(room.bob.doc)).toEqual(
      done.results!.map((r, i) => ({
        id: `${job.id}-${i}`,
        src: r.src,
        width: r.width,
        height: r.height,
        jobId: job.id,
        prompt: 'a lighthouse at dusk',
        seed: seeds[i],
        provider,
        model: done.params.model,
        createdBy: room.annId,
      })),
    );
    for (const result of done.results!) expect((await fetch(room.server.url + result.src)).status).toBe(200);
  });
});

describe('cancelling provider jobs in a room', () => {
  it('comfyui: a job waiting for its provider’s slot never reaches ComfyUI; a running one is interrupted by its prompt_id', async () => {
    const fake = await startFakeComfyUi();
    fake.behaviour = { steps: 400, stepDelayMs: 10 };
    const room = await providerRoom({ COMFYUI_URL: fake.url, COMFYUI_CONCURRENCY: '1' });
    const params: GenParams = { prompt: 'x', size: '512x512', provider: 'comfyui' };
    const running = await startJob(room.ann.socket, room.roomId, params);
    const queued = await startJob(room.ann.socket, room.roomId, params);
    await waitFor(() => fake.running.length === 1);
    expect(room.bobUpdates.latest(queued.id)?.status).toBe('queued');

    expect(await genCancel(room.ann.socket, room.roomId, queued.id)).toMatchObject({ ok: true, job: { status: 'cancelled' } });
    await room.bobUpdates.until(queued.id, 'cancelled');
    expect(fake.requests.filter((r) => r.path === '/prompt')).toHaveLength(1);

    expect(await genCancel(room.bob.socket, room.roomId, running.id)).toMatchObject({ ok: true, job: { status: 'cancelled' } });
    await room.annUpdates.until(running.id, 'cancelled');
    await waitFor(() => fake.interrupts.length === 1);
    expect(fake.interrupts).toEqual([(fake.requests.find((r) => r.path === '/prompt')!.body as { prompt_id: string }).prompt_id]);
    expect(candidates(room.bob.doc)).toEqual([]);
  });

  it('a1111: one job at a time (A1111_CONCURRENCY); cancelling the running one interrupts A1111, the waiting one never reaches it', async () => {
    const fake = await startFakeA1111();
    fake.behaviour = { stepDelayMs: 20 };
    const room = await providerRoom({ A1111_URL: fake.url, A1111_PREVIEW_MS: '100', GEN_CONCURRENCY: '4' });
    const params: GenParams = { prompt: 'x', size: '512x512', provider: 'a1111', steps: 150 };
    const running = await startJob(room.ann.socket, room.roomId, params);
    const queued = await startJob(room.ann.socket, room.roomId, params);
    await waitFor(() => fake.currentTask === `atelier-${running.id}`);
    // A job for a provider without a limit of its own, started after: once it is done, the queue has passed the
    // waiting A1111 job over (and said so first, had it started it).
    const other = await startJob(room.ann.socket, room.roomId, { prompt: 'x', size: '512x512', provider: 'local' });
    await room.bobUpdates.until(other.id, 'succeeded');
    expect(room.bobUpdates.latest(queued.id)?.status).toBe('queued');
    expect(fake.requests.filter((r) => r.path === '/sdapi/v1/txt2img')).toHaveLength(1);

    expect(await genCancel(room.ann.socket, room.roomId, queued.id)).toMatchObject({ ok: true, job: { status: 'cancelled' } });
    expect(await genCancel(room.ann.socket, room.roomId, running.id)).toMatchObject({ ok: true, job: { status: 'cancelled' } });
    await waitFor(() => fake.interrupts.length === 1);
    expect(fake.interrupts).toEqual([`atelier-${running.id}`]);
    expect(fake.requests.filter((r) => r.path === '/sdapi/v1/txt2img')).toHaveLength(1);
  });

  it('comfyui: a hung server ends the job with timeout after GEN_TIMEOUT_MS', async () => {
    const fake = await startFakeComfyUi();
    fake.behaviour = { hang: true };
    const room = await providerRoom({ COMFYUI_URL: fake.url, GEN_TIMEOUT_MS: '800' });
    const job = await startJob(room.ann.socket, room.roomId, { prompt: 'x', size: '512x512', provider: 'comfyui' });
    const failed = await room.bobUpdates.until(job.id, 'failed', 10_000);
    expect(failed.error).toEqual({ code: 'timeout', message: 'the job ran longer than 800 ms' });
  });

  it('a failure reaches everyone with its code: an out-of-memory at ComfyUI', async () => {
    const fake = await startFakeComfyUi();
    fake.behaviour = { steps: 5, oomAtStep: 2 };
    const room = await providerRoom({ COMFYUI_URL: fake.url });
    const job = await startJob(room.ann.socket, room.roomId, { prompt: 'x', size: '512x512', provider: 'comfyui' });
    const failed = await room.bobUpdates.until(job.id, 'failed', 10_000);
    expect(failed.error).toMatchObject({
      code: 'provider_unavailable',
      message: expect.stringContaining('ran out of GPU memory in node 3 (KSampler)'),
    });
  });

  it('a rate limit reaches everyone with the time to wait', async () => {
    const fake = await startFakeStability();
    fake.behaviour = { rateLimitSeconds: 9 };
    const room = await providerRoom({ STABILITY_API_KEY: STABILITY_TEST_KEY, STABILITY_BASE_URL: fake.url });
    const job = await startJob(room.ann.socket, room.roomId, { prompt: 'x', size: '512x512', provider: 'stability' });
    const failed = await room.bobUpdates.until(job.id, 'failed');
    expect(failed.error).toMatchObject({ code: 'provider_rate_limited', retryAfterMs: 9000 });
  });
});
