// Three real server processes on one Redis and one PostgreSQL database, as an
// operator runs them behind a load balancer; one of them is SIGKILLed while
// its participants type.
import { expect, it } from 'vitest';
import * as Y from 'yjs';
import { SocketIoProvider } from '../../client/realtime/socketio-provider.ts';
import { ROOTS } from '../../shared/doc-schema.ts';
import { connectSocket, joinWithSocketIo } from '../helpers/clients.ts';
import { clusterEnv, type NodeProcess, spawnNode, startBalancer, storedLog } from '../helpers/cluster.ts';
import { api, WAIT_BUDGET_MS, waitFor } from '../helpers/server.ts';
import { describeWith, postgresService, redisService } from '../helpers/services.ts';
import { FAKE_KEY, startFakeOpenAi } from '../generation/fake-openai.ts';
import { candidates, startJob, watchJobs } from '../generation/helpers.ts';
import { names, promptOf } from '../helpers/replica.ts';

const redis = await redisService();
const postgres = await postgresService();

const storedPrompt = async (databaseUrl: string, roomId: string) => promptOf((await storedLog(databaseUrl, roomId)).doc);

/** Fails with the nodes' logs attached, which is where the reason will be. */
async function withLogs<T>(nodes: NodeProcess[], fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const logs = nodes.map(
      (n) =>
        `--- ${n.nodeId}\n${n.logs
          .slice(-30)
          .map((l) => JSON.stringify(l))
          .join('\n')}`,
    );
    throw new Error(`${(err as Error).message}\n${logs.join('\n')}`, { cause: err });
  }
}

const SETTINGS = { NODE_HEARTBEAT_MS: '250', NODE_TIMEOUT_MS: '5000', ROOM_UNLOAD_GRACE_MS: '200', LOG_LEVEL: 'info' };
const interrupted = { code: 'interrupted', message: 'the server running this job went away' };

describeWith([redis, postgres], 'three node processes', () => {
  it('participants on three nodes co-edit one room and converge; presence and a job cross nodes', async () => {
    const env = await clusterEnv(redis, postgres, SETTINGS);
    const nodes = await Promise.all(['n1', 'n2', 'n3'].map((id) => spawnNode(env, id)));
    await withLogs(nodes, async () => {
      const http = api(nodes[0]!.url);
      const users = await Promise.all(['Ann', 'Bob', 'Cat'].map((n) => http.session(n)));
      const { room } = await http.room(users[0]!.token, { title: 'Three' });
      const parts = await Promise.all(users.map((u, i) => joinWithSocketIo(nodes[i]!.url, u.token, room.id)));
      parts.forEach((p, i) => {
        p.provider.awareness.setLocalStateField('user', { name: users[i]!.user.name });
        const text = p.doc.getText(ROOTS.prompt);
        for (const ch of `<${i}>`) text.insert(text.length, ch);
      });
      await waitFor(
        () => parts.every((p) => promptOf(p.doc) === promptOf(parts[0]!.doc) && promptOf(p.doc).length === 9),
        WAIT_BUDGET_MS,
        'convergence',
      );
      await waitFor(
        () => parts.every((p) => names(p.provider.awareness.getStates()).join() === 'Ann,Bob,Cat'),
        WAIT_BUDGET_MS,
        'presence everywhere',
      );
      expect(Y.encodeStateVector(parts[2]!.doc)).toEqual(Y.encodeStateVector(parts[0]!.doc));

      // A job started on node 2 runs there; its progress and result reach every node.
      const watchers = parts.map((p) => watchJobs(p.socket));
      const job = await startJob(parts[1]!.socket, room.id, { prompt: 'three harbours', size: '256x256', count: 2 });
      for (const w of watchers) {
        await w.until(job.id, 'succeeded');
        expect(w.statuses(job.id)).toContain('running');
      }
      await waitFor(
        () => parts.every((p) => candidates(p.doc).filter((c) => c.jobId === job.id).length === 2),
        WAIT_BUDGET_MS,
        'candidates everywhere',
      );
      // A late joiner on node 3 gets the finished job in its join ack.
      const dan = await http.session('Dan');
      const pd = await joinWithSocketIo(nodes[2]!.url, dan.token, room.id);
      expect(pd.joined.jobs.find((j) => j.id === job.id)).toMatchObject({ status: 'succeeded' });
    });
  });

  it('SIGKILL one node mid-editing: its participants reconnect to another and every edit made before the kill is there', async () => {
    const env = await clusterEnv(redis, postgres, SETTINGS);
    const nodes = await Promise.all(['k1', 'k2', 'k3'].map((id) => spawnNode(env, id)));
    const [doomed, survivor, third] = nodes as [NodeProcess, NodeProcess, NodeProcess];
    await withLogs(nodes, async () => {
      const balancer = await startBalancer(doomed.url);
      const http = api(survivor.url);
      const [ann, bob, cat] = await Promise.all(['Ann', 'Bob', 'Cat'].map((n) => http.session(n)));
      const { room } = await http.room(ann!.token);

      // Ann goes through the balancer (to the doomed node) and reconnects by herself.
      const annDoc = new Y.Doc();
      const annSocket = connectSocket(balancer.url, ann!.token, { reconnection: true });
      const annProvider = new SocketIoProvider(annSocket, room.id, annDoc);
      await annProvider.whenSynced();
      const pb = await joinWithSocketIo(survivor.url, bob!.token, room.id);
      const pc = await joinWithSocketIo(third.url, cat!.token, room.id);

      // Both type, one keystroke every few milliseconds, across the kill.
      const typed = { ann: '', bob: '' };
      const type = (doc: Y.Doc, who: 'ann' | 'bob', letter: string) => {
        const text = doc.getText(ROOTS.prompt);
        text.insert(who === 'ann' ? text.length : 0, letter);
        typed[who] += letter;
      };
      let keystrokes = 0;
      const typing = setInterval(() => {
        keystrokes++;
        type(annDoc, 'ann', 'a');
        type(pb.doc, 'bob', 'b');
      }, 5);
      try {
        await waitFor(() => keystrokes >= 40, WAIT_BUDGET_MS, 'typing before the kill');
        await doomed.kill('SIGKILL');
        balancer.route(survivor.url);
        await waitFor(() => keystrokes >= 120, 20_000, 'typing after the kill');
        // Ann is back on a live node.
        await waitFor(() => annProvider.synced && annSocket.connected, 20_000, 'Ann reconnected');
      } finally {
        clearInterval(typing);
      }
      type(annDoc, 'ann', '!');
      const expected = (doc: Y.Doc) => {
        const text = promptOf(doc);
        return text.replace(/[^a!]/g, '') === typed.ann && text.replace(/[^b]/g, '') === typed.bob;
      };
      await waitFor(() => expected(annDoc) && expected(pb.doc) && expected(pc.doc), 20_000, 'every keystroke everywhere');
      expect(promptOf(pb.doc)).toBe(promptOf(annDoc));
      expect(promptOf(pc.doc)).toBe(promptOf(annDoc));
      const final = promptOf(annDoc);

      // Everyone leaves; the rooms unload; the log alone holds everything.
      annProvider.destroy();
      annSocket.disconnect();
      pb.provider.destroy();
      pb.socket.disconnect();
      pc.provider.destroy();
      pc.socket.disconnect();
      await waitFor(async () => (await storedPrompt(env.DATABASE_URL, room.id)) === final, 20_000, 'the log holds every edit');
      const dan = await api(third.url).session('Dan');
      await waitFor(
        async () => {
          const health = (await (await fetch(`${third.url}/healthz`)).json()) as { roomsLoaded: number };
          return health.roomsLoaded === 0;
        },
        10_000,
        'room unloaded',
      );
      const pd = await joinWithSocketIo(third.url, dan.token, room.id);
      expect(promptOf(pd.doc)).toBe(final);
    });
  });

  it('a job running on a node that dies ends failed/interrupted on every other node, well within 30 s', async () => {
    const fake = await startFakeOpenAi();
    const env = await clusterEnv(redis, postgres, {
      ...SETTINGS,
      OPENAI_API_KEY: FAKE_KEY,
      OPENAI_BASE_URL: fake.baseUrl,
      OPENAI_MODERATION: 'false',
      GEN_CONCURRENCY: '1',
    });
    const nodes = await Promise.all(['j1', 'j2', 'j3'].map((id) => spawnNode(env, id)));
    await withLogs(nodes, async () => {
      const http = api(nodes[0]!.url);
      const users = await Promise.all(['Ann', 'Bob', 'Cat'].map((n) => http.session(n)));
      const { room } = await http.room(users[0]!.token);
      const parts = await Promise.all(users.map((u, i) => joinWithSocketIo(nodes[i]!.url, u.token, room.id)));
      const watchers = parts.map((p) => watchJobs(p.socket));
      fake.hold();
      const running = await startJob(parts[0]!.socket, room.id, { provider: 'openai', prompt: 'one' });
      const queued = await startJob(parts[0]!.socket, room.id, { provider: 'openai', prompt: 'two' });
      await waitFor(() => fake.held === 1, WAIT_BUDGET_MS, 'the first job at the provider');
      for (const w of watchers.slice(1)) await w.until(running.id, 'running');

      await nodes[0]!.kill('SIGKILL');
      // Found within NODE_TIMEOUT_MS + NODE_HEARTBEAT_MS (5.25 s here, 20 s by default); 30 s is the contract.
      // The timeout is not shorter because a node process starved for 1.8 s on a loaded machine (load 16) was
      // found dead before the kill, and its job failed before the test could see it running.
      for (const w of watchers.slice(1)) {
        const failed = await w.until(running.id, 'failed', 30_000);
        expect(failed.error).toEqual(interrupted);
        expect((await w.until(queued.id, 'failed', 30_000)).error).toEqual(interrupted);
      }
      // And the store agrees, for whoever joins later.
      const dan = await api(nodes[2]!.url).session('Dan');
      const pd = await joinWithSocketIo(nodes[2]!.url, dan.token, room.id);
      expect(pd.joined.jobs.map((j) => [j.id, j.status, j.error])).toEqual([
        [queued.id, 'failed', interrupted],
        [running.id, 'failed', interrupted],
      ]);
      fake.release();
    });
  }, 90_000);
});
