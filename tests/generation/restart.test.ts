// A job in flight when the process dies (SIGKILL, nothing flushed on purpose)
// or stops (SIGTERM-like close) ends `failed` / `interrupted` on the next start.
import { describe, expect, it } from 'vitest';
import { startChildServer } from '../helpers/child-server.ts';
import { joinWithSocketIo } from '../helpers/clients.ts';
import { api, startServer, tempDir, waitFor } from '../helpers/server.ts';
import { FAKE_KEY, startFakeOpenAi } from './fake-openai.ts';
import { startJob, watchJobs } from './helpers.ts';

describe('jobs across a restart', () => {
  it('a running and a queued job end failed/interrupted after the process is killed', async () => {
    const fake = await startFakeOpenAi();
    const env = { OPENAI_API_KEY: FAKE_KEY, OPENAI_BASE_URL: fake.baseUrl, OPENAI_MODERATION: 'false', GEN_CONCURRENCY: '1' };
    const dataDir = tempDir();
    const child = await startChildServer({ ...env, DATA_DIR: dataDir });
    const { url } = child;

    const http = api(url);
    const ann = await http.session('Ann');
    const { room } = await http.room(ann.token);
    const a = await joinWithSocketIo(url, ann.token, room.id);
    const watched = watchJobs(a.socket);
    fake.hold();
    const running = await startJob(a.socket, room.id, { provider: 'openai', prompt: 'one' });
    const queued = await startJob(a.socket, room.id, { provider: 'openai', prompt: 'two' });
    await waitFor(() => fake.held === 1);
    await watched.until(running.id, 'running');

    await child.kill('SIGKILL');

    const again = await startServer({ ...env, DATA_DIR: dataDir });
    const b = await joinWithSocketIo(again.url, ann.token, room.id);
    const interrupted = { code: 'interrupted', message: 'the server stopped while this job was queued or running' };
    expect(b.joined.jobs.map((j) => [j.id, j.status, j.error])).toEqual([
      [queued.id, 'failed', interrupted],
      [running.id, 'failed', interrupted],
    ]);
    expect(b.joined.jobs.every((j) => j.finishedAt !== undefined)).toBe(true);
  });

  it('a clean shutdown interrupts jobs in flight and records why', async () => {
    const fake = await startFakeOpenAi();
    const env = { OPENAI_API_KEY: FAKE_KEY, OPENAI_BASE_URL: fake.baseUrl, OPENAI_MODERATION: 'false', GEN_CONCURRENCY: '1' };
    const dataDir = tempDir();
    const first = await startServer({ ...env, DATA_DIR: dataDir });
    const ann = await api(first.url).session('Ann');
    const { room } = await api(first.url).room(ann.token);
    const a = await joinWithSocketIo(first.url, ann.token, room.id);
    fake.hold();
    const running = await startJob(a.socket, room.id, { provider: 'openai', prompt: 'one' });
    const queued = await startJob(a.socket, room.id, { provider: 'openai', prompt: 'two' });
    await waitFor(() => fake.held === 1);

    await first.close();
    // (What participants hear of it depends on Socket.IO flushing before it closes: see the report.)

    const second = await startServer({ ...env, DATA_DIR: dataDir });
    expect((await second.generation.roomJobs(room.id)).map((j) => [j.id, j.status, j.error?.message])).toEqual([
      [queued.id, 'failed', 'the server stopped before the job ran'],
      [running.id, 'failed', 'the server stopped while the job ran'],
    ]);
  });
});
