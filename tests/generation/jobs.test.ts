// Jobs under their limits, cancelled, timed out, and run by the openai
// provider end to end. A local Images API server holds requests on demand, so
// "running" lasts exactly as long as the test wants.
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { joinWithSocketIo } from '../helpers/clients.ts';
import { api, startServer, type TestEnv, tempDir, waitFor } from '../helpers/server.ts';
import { FAKE_KEY, type FakeOpenAi, startFakeOpenAi } from './fake-openai.ts';
import { candidates, genCancel, genStart, startJob, watchJobs } from './helpers.ts';

async function setup(env: TestEnv = {}, fake?: FakeOpenAi) {
  const server = await startServer({
    ...(fake ? { OPENAI_API_KEY: FAKE_KEY, OPENAI_BASE_URL: fake.baseUrl, OPENAI_MAX_RETRIES: '0' } : {}),
    ...env,
  });
  const http = api(server.url);
  const ann = await http.session('Ann');
  const { room } = await http.room(ann.token);
  const a = await joinWithSocketIo(server.url, ann.token, room.id);
  return { server, http, ann, room, a, watched: watchJobs(a.socket) };
}

const remote = { provider: 'openai', prompt: 'a harbour', size: '1024x1024' } as const;

describe('job limits and lifecycle', () => {
  it('runs at most GEN_CONCURRENCY jobs at once; the rest wait their turn in order', async () => {
    const fake = await startFakeOpenAi();
    const { room, a, watched } = await setup({ GEN_CONCURRENCY: '1' }, fake);
    fake.hold();
    const first = await startJob(a.socket, room.id, remote);
    const second = await startJob(a.socket, room.id, remote);
    await waitFor(() => fake.held === 1);
    await watched.until(first.id, 'running');
    expect(watched.latest(second.id)?.status).toBe('queued');
    expect(fake.imageRequests()).toHaveLength(1);

    fake.release();
    await watched.until(first.id, 'succeeded');
    await watched.until(second.id, 'succeeded');
    expect(fake.imageRequests()).toHaveLength(2);
  });

  it('cancels a queued job (it never runs) and a running one (its request is aborted)', async () => {
    const fake = await startFakeOpenAi();
    const { server, room, a, watched } = await setup({ GEN_CONCURRENCY: '1' }, fake);
    fake.hold();
    const running = await startJob(a.socket, room.id, remote);
    const queued = await startJob(a.socket, room.id, remote);
    await waitFor(() => fake.held === 1);

    const cancelledQueued = await genCancel(a.socket, room.id, queued.id);
    expect(cancelledQueued).toMatchObject({ ok: true, job: { id: queued.id, status: 'cancelled' } });
    expect(watched.statuses(queued.id)).toEqual(['queued', 'cancelled']);

    const cancelledRunning = await genCancel(a.socket, room.id, running.id);
    expect(cancelledRunning).toMatchObject({ ok: true, job: { id: running.id, status: 'cancelled' } });
    await waitFor(() => fake.aborted === 1);
    expect(watched.statuses(running.id)).toEqual(['queued', 'running', 'cancelled']);
    // Cancelling again changes nothing.
    expect(await genCancel(a.socket, room.id, running.id)).toMatchObject({ ok: true, job: { status: 'cancelled' } });

    fake.release();
    const next = await startJob(a.socket, room.id, { prompt: 'after', size: '256x256' });
    await watched.until(next.id, 'succeeded');
    expect(fake.imageRequests()).toHaveLength(1);
    expect(candidates(a.doc).map((c) => c.jobId)).toEqual([next.id]);
    await waitFor(async () => (await server.store.jobs.get(running.id))?.status === 'cancelled');
    expect((await server.store.jobs.get(queued.id))?.status).toBe('cancelled');
  });

  it('refuses a job past GEN_ROOM_QUEUE_LIMIT in one room while other rooms go on', async () => {
    const fake = await startFakeOpenAi();
    const { server, http, ann, room, a } = await setup({ GEN_CONCURRENCY: '1', GEN_ROOM_QUEUE_LIMIT: '2' }, fake);
    fake.hold();
    await startJob(a.socket, room.id, remote);
    await startJob(a.socket, room.id, remote);
    expect(await genStart(a.socket, room.id, remote)).toEqual({
      ok: false,
      error: { code: 'rate_limited', message: expect.stringContaining('this room already has 2 jobs') },
    });
    const other = await http.room(ann.token);
    const o = await joinWithSocketIo(server.url, ann.token, other.room.id);
    expect((await genStart(o.socket, other.room.id, remote)).ok).toBe(true);
  });

  it('refuses a job past GEN_QUEUE_LIMIT waiting on the node with unavailable', async () => {
    const fake = await startFakeOpenAi();
    const { server, http, ann, room, a } = await setup({ GEN_CONCURRENCY: '1', GEN_QUEUE_LIMIT: '1' }, fake);
    fake.hold();
    await startJob(a.socket, room.id, remote);
    await waitFor(() => fake.held === 1);
    await startJob(a.socket, room.id, remote);
    const other = await http.room(ann.token);
    const o = await joinWithSocketIo(server.url, ann.token, other.room.id);
    expect(await genStart(o.socket, other.room.id, remote)).toEqual({
      ok: false,
      error: { code: 'unavailable', message: expect.stringContaining('queue is full (1 jobs)') },
    });
  });

  it('limits each user to GEN_USER_JOBS_PER_MINUTE; other users are not affected', async () => {
    const { server, http, room, a } = await setup({ GEN_USER_JOBS_PER_MINUTE: '2' });
    const params = { prompt: 'x', size: '256x256' } as const;
    await startJob(a.socket, room.id, params);
    await startJob(a.socket, room.id, params);
    expect(await genStart(a.socket, room.id, params)).toEqual({
      ok: false,
      error: { code: 'rate_limited', message: 'you can start 2 generations a minute; wait a little' },
    });
    const bob = await joinWithSocketIo(server.url, (await http.session('Bob')).token, room.id);
    expect((await genStart(bob.socket, room.id, params)).ok).toBe(true);
  });

  it('fails a job that runs past GEN_TIMEOUT_MS with `timeout`', async () => {
    const fake = await startFakeOpenAi();
    fake.fallback = { kind: 'hang' };
    const { room, a, watched } = await setup({ GEN_TIMEOUT_MS: '300' }, fake);
    const job = await startJob(a.socket, room.id, remote);
    const failed = await watched.until(job.id, 'failed');
    expect(failed.error).toEqual({ code: 'timeout', message: 'the job ran longer than 300 ms' });
    await waitFor(() => fake.aborted === 1);
  });

  it('keeps at most GEN_MAX_CANDIDATES candidates, dropping the oldest', async () => {
    const { room, a, watched } = await setup({ GEN_MAX_CANDIDATES: '3' });
    const first = await startJob(a.socket, room.id, { prompt: 'one', size: '256x256', count: 2 });
    await watched.until(first.id, 'succeeded');
    const second = await startJob(a.socket, room.id, { prompt: 'two', size: '256x256', count: 2 });
    await watched.until(second.id, 'succeeded');
    await waitFor(() => candidates(a.doc).some((c) => c.jobId === second.id));
    expect(candidates(a.doc).map((c) => c.id)).toEqual([`${first.id}-1`, `${second.id}-0`, `${second.id}-1`]);
  });

  it('runs the openai provider end to end: streamed previews in gen:update, images as candidates', async () => {
    const fake = await startFakeOpenAi();
    const { server, ann, room, a, watched } = await setup({ OPENAI_PARTIAL_IMAGES: '2' }, fake);
    const job = await startJob(a.socket, room.id, { ...remote, count: 2, seed: 9 });
    expect(job.params).toMatchObject({ provider: 'openai', model: 'gpt-image-1' });
    const done = await watched.until(job.id, 'succeeded');
    expect(watched.of(job.id).some((j) => j.status === 'running' && (j.previews?.length ?? 0) > 0)).toBe(true);
    for (const preview of done.previews!) {
      const res = await fetch(server.url + preview);
      expect(res.headers.get('content-type')).toBe('image/webp');
    }
    await waitFor(() => candidates(a.doc).length === 2);
    expect(candidates(a.doc)[0]).toMatchObject({
      provider: 'openai',
      model: 'gpt-image-1',
      seed: 9,
      width: 1024,
      height: 1024,
      createdBy: ann.user.id,
    });
    const png = (await server.media.readUrl(candidates(a.doc)[0]!.src))!;
    expect((await sharp(png).metadata()).format).toBe('png');
    expect(fake.imageRequests()[0]!.body).toMatchObject({ n: 2, stream: true, partial_images: 2 });
  });

  it('reports provider failures on the job with their stable code', async () => {
    const fake = await startFakeOpenAi();
    const { room, a, watched } = await setup({}, fake);
    const flagged = await startJob(a.socket, room.id, { ...remote, prompt: 'a forbiddenword harbour' });
    expect((await watched.until(flagged.id, 'failed')).error).toMatchObject({ code: 'content_policy' });
    fake.script({ kind: 'error', status: 401, error: { message: 'Incorrect API key provided', code: 'invalid_api_key' } });
    const denied = await startJob(a.socket, room.id, remote);
    expect((await watched.until(denied.id, 'failed')).error).toMatchObject({ code: 'provider_auth' });
    expect(candidates(a.doc)).toEqual([]);
  });
});

describe('generation settings', () => {
  const load = (env: Record<string, string>) => () => loadConfig({ DATA_DIR: tempDir(), ...env });

  it('names the bad variable', () => {
    expect(load({ GEN_PROVIDERS: 'local,midjourney' })).toThrow(/GEN_PROVIDERS: unknown provider "midjourney"/);
    expect(load({ GEN_DEFAULT_PROVIDER: 'openai' })).toThrow(/GEN_DEFAULT_PROVIDER: "openai" needs OPENAI_API_KEY/);
    expect(load({ GEN_PROVIDERS: 'openai', OPENAI_API_KEY: 'k' })).toThrow(/GEN_DEFAULT_PROVIDER: "local" must be one of GEN_PROVIDERS/);
    expect(load({ GEN_CONCURRENCY: '0' })).toThrow(/GEN_CONCURRENCY/);
    expect(load({ OPENAI_PARTIAL_IMAGES: '4' })).toThrow(/OPENAI_PARTIAL_IMAGES/);
    expect(load({ OPENAI_BASE_URL: 'ftp://x' })).toThrow(/OPENAI_BASE_URL/);
  });

  it('offers openai only with a key, and only when listed', () => {
    expect(load({})().generation.providers).toEqual(['local']);
    expect(load({ OPENAI_API_KEY: 'k' })().generation.providers).toEqual(['local', 'openai']);
    expect(load({ OPENAI_API_KEY: 'k', GEN_PROVIDERS: 'local' })().generation.providers).toEqual(['local']);
    expect(load({ OPENAI_API_KEY: 'k', GEN_PROVIDERS: 'openai', GEN_DEFAULT_PROVIDER: 'openai' })().generation).toMatchObject({
      providers: ['openai'],
      defaultProvider: 'openai',
    });
  });
});
