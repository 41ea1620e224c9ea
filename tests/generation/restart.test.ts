// A job in flight when the process dies (SIGKILL, nothing flushed on purpose)
// or stops (SIGTERM-like close) ends `failed` / `interrupted` on the next start.
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it, onTestFinished } from 'vitest';
import { joinWithSocketIo } from '../helpers/clients.ts';
import { api, startServer, tempDir, waitFor } from '../helpers/server.ts';
import { FAKE_KEY, startFakeOpenAi } from './fake-openai.ts';
import { startJob, watchJobs } from './helpers.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** `server/main.ts` as its own process; resolves with its URL once it listens. */
async function spawnServer(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['server/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  onTestFinished(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const entry = JSON.parse(line) as { msg?: string; url?: string };
      if (entry.msg === 'atelier listening' && entry.url) resolve(entry.url);
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code}): ${stderr}`)));
  });
  return { child, url };
}

describe('jobs across a restart', () => {
  it('a running and a queued job end failed/interrupted after the process is killed', async () => {
    const fake = await startFakeOpenAi();
    const env = { OPENAI_API_KEY: FAKE_KEY, OPENAI_BASE_URL: fake.baseUrl, OPENAI_MODERATION: 'false', GEN_CONCURRENCY: '1' };
    const dataDir = tempDir();
    const { child, url } = await spawnServer({ ...env, DATA_DIR: dataDir });

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

    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));

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
