// A node starved of CPU (here frozen with SIGSTOP) longer than the heartbeat
// timeout is found dead by the others, which fail its jobs in the store. When
// it resumes it must not go on showing those jobs running: it stops them and
// tells every client the state the store holds, so that when it really dies
// later, nobody is left waiting for a job that will never end.
import { expect, it } from 'vitest';
import { joinWithSocketIo } from '../helpers/clients.ts';
import { clusterEnv, type NodeProcess, spawnNode } from '../helpers/cluster.ts';
import { api, waitFor } from '../helpers/server.ts';
import { describeWith, postgresService, redisService } from '../helpers/services.ts';
import { candidates, startJob, watchJobs } from '../generation/helpers.ts';

const redis = await redisService();
const postgres = await postgresService();

const SETTINGS = {
  NODE_HEARTBEAT_MS: '250',
  NODE_TIMEOUT_MS: '1500',
  ROOM_UNLOAD_GRACE_MS: '200',
  LOG_LEVEL: 'info',
  GEN_CONCURRENCY: '1',
};
const interrupted = { code: 'interrupted', message: 'the server running this job went away' };

const logged = (node: NodeProcess, msg: string) => node.logs.some((l) => (l as { msg?: string }).msg === msg);

describeWith([redis, postgres], 'a node presumed dead that resumes', () => {
  it('stops the jobs the others failed and tells every client their stored state, which stays after it dies', async () => {
    const env = await clusterEnv(redis, postgres, SETTINGS);
    const [frozen, other] = (await Promise.all(['p1', 'p2'].map((id) => spawnNode(env, id)))) as [NodeProcess, NodeProcess];
    const pid = frozen.process.pid;
    if (pid === undefined) throw new Error('no child process');
    const http = api(other.url);
    const [ann, bob] = await Promise.all(['Ann', 'Bob'].map((n) => http.session(n)));
    const { room } = await http.room(ann!.token);
    const parts = [await joinWithSocketIo(frozen.url, ann!.token, room.id), await joinWithSocketIo(other.url, bob!.token, room.id)];
    const watchers = parts.map((p) => watchJobs(p.socket));

    // A slow local job (twelve steps, each a progress update) and one queued behind it.
    const running = await startJob(parts[0]!.socket, room.id, { provider: 'local', prompt: 'a slow harbour', size: '1024x1536', count: 4 });
    const queued = await startJob(parts[0]!.socket, room.id, { provider: 'local', prompt: 'two' });
    for (const w of watchers) await w.until(running.id, 'running');

    process.kill(pid, 'SIGSTOP');
    try {
      // The other node finds it dead and fails its jobs, for its clients (the frozen one's hear it on resuming).
      expect((await watchers[1]!.until(running.id, 'failed', 20_000)).error).toEqual(interrupted);
      expect((await watchers[1]!.until(queued.id, 'failed', 20_000)).error).toEqual(interrupted);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    await waitFor(() => logged(other, 'node found dead earlier is beating again'), 20_000, 'the frozen node beating again');
    // It learns it was presumed dead and ends its jobs as the store holds them.
    await waitFor(() => logged(frozen, 'job finished elsewhere while this node was presumed dead'), 20_000, 'the jobs stopped');
    await frozen.kill('SIGKILL');

    const dan = await api(other.url).session('Dan');
    const late = await joinWithSocketIo(other.url, dan!.token, room.id);
    const stored = late.joined.jobs;
    expect(stored.map((j) => [j.id, j.status, j.error])).toEqual([
      [queued.id, 'failed', interrupted],
      [running.id, 'failed', interrupted],
    ]);
    // What every client saw last is what the store holds; the job's images never landed.
    for (const w of watchers) {
      for (const job of stored) expect(w.latest(job.id)).toEqual(job);
    }
    expect(candidates(parts[1]!.doc).filter((c) => c.jobId === running.id)).toEqual([]);
  }, 90_000);
});
