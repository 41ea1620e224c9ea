// Honest health: a node that lost Redis says `degraded` (with the status
// HEALTH_DEGRADED_STATUS gives balancers), a node whose store is unreachable
// says `down` (503), and a PostgreSQL outage is one error line and one
// recovery line with the count of failed attempts, not a line per retry.
import { Writable } from 'node:stream';
import pino from 'pino';
import { expect, it, onTestFinished } from 'vitest';
import { type Atelier, startAtelier } from '../../server/atelier.ts';
import { loadConfig } from '../../server/config.ts';
import { ROOTS } from '../../shared/doc-schema.ts';
import { joinWithSocketIo } from '../helpers/clients.ts';
import { storedLog } from '../helpers/cluster.ts';
import { api, tempDir, type TestEnv, WAIT_BUDGET_MS, waitFor } from '../helpers/server.ts';
import { createTestDatabase, describeWith, postgresService, redisServerBinary, startPrivateRedis } from '../helpers/services.ts';
import { startTcpGate } from '../helpers/tcp-gate.ts';

const postgres = await postgresService();
const binary = await redisServerBinary();

interface LogLine {
  level: number;
  msg: string;
  failedAttempts?: number;
  downMs?: number;
}

async function loggedServer(env: TestEnv): Promise<{ server: Atelier; logs: LogLine[] }> {
  const logs: LogLine[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logs.push(JSON.parse(String(chunk)) as LogLine);
      done();
    },
  });
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: tempDir(), ROOM_UNLOAD_GRACE_MS: '100', ...env });
  const server = await startAtelier(config, pino({ level: 'info' }, sink));
  onTestFinished(() => server.close());
  return { server, logs };
}

async function health(
  server: Atelier,
): Promise<{ status: number; body: { status: string; redis?: { ok: boolean }; store: { ok: boolean } } }> {
  const res = await fetch(`${server.url}/healthz`);
  return { status: res.status, body: await res.json() };
}

const metric = async (server: Atelier, name: string) => {
  const text = await server.metrics.registry.getSingleMetricAsString(name);
  return text
    .split('\n')
    .filter((line) => line.startsWith(name))
    .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
};

describeWith([binary], 'health: Redis lost', () => {
  it('is degraded while Redis is gone (200 by default, 503 with HEALTH_DEGRADED_STATUS=503) and ok again when it is back', async () => {
    const redis = await startPrivateRedis();
    const env = { REDIS_URL: redis.url, SESSION_SECRET: 's'.repeat(32) };
    const { server: lenient } = await loggedServer(env);
    const { server: strict } = await loggedServer({ ...env, HEALTH_DEGRADED_STATUS: '503' });
    for (const server of [lenient, strict]) {
      expect(await health(server)).toMatchObject({ status: 200, body: { status: 'ok', redis: { ok: true }, store: { ok: true } } });
    }

    await redis.stop();
    await waitFor(() => !lenient.scale?.redis.isReady && !strict.scale?.redis.isReady, WAIT_BUDGET_MS, 'nodes notice Redis is gone');
    expect(await health(lenient)).toMatchObject({ status: 200, body: { status: 'degraded', redis: { ok: false }, store: { ok: true } } });
    expect(await health(strict)).toMatchObject({ status: 503, body: { status: 'degraded', redis: { ok: false } } });

    await redis.start();
    // Each node reconnects on its own schedule: wait for both, then say what each answers.
    await waitFor(async () => (await health(strict)).status === 200, WAIT_BUDGET_MS, 'Redis back');
    await waitFor(async () => (await health(lenient)).body.status === 'ok', WAIT_BUDGET_MS, 'Redis back on the other node');
    expect(await health(lenient)).toMatchObject({ status: 200, body: { status: 'ok', redis: { ok: true } } });
  });
});

describeWith([postgres], 'health: PostgreSQL outage', () => {
  it('is down (503) during it; logs it once and its end once, with the failed attempts; loses no edit', async () => {
    const gate = await startTcpGate(await createTestDatabase(postgres));
    const { server, logs } = await loggedServer({ DATABASE_URL: gate.url });
    const http = api(server.url);
    const { token } = await http.session('Ann');
    const { room } = await http.room(token);
    const ann = await joinWithSocketIo(server.url, token, room.id);
    const prompt = ann.doc.getText(ROOTS.prompt);
    prompt.insert(0, 'before');
    await waitFor(async () => (await storedLog(gate.url, room.id)).doc.getText(ROOTS.prompt).toString() === 'before');
    const loggedBefore = logs.length;

    gate.cut();
    // Each edit is a turn whose append is tried several times: many failed attempts.
    for (let i = 0; (await metric(server, 'atelier_log_failures_total')) < 12; i++) {
      prompt.insert(prompt.length, String(i % 10));
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await health(server)).toMatchObject({ status: 503, body: { status: 'down', store: { ok: false } } });
    const failures = await metric(server, 'atelier_log_failures_total');

    gate.restore();
    prompt.insert(0, 'after ');
    await waitFor(() => logs.some((line) => line.msg === 'postgresql available again'), 15_000, 'recovery logged');
    await waitFor(async () => (await storedLog(gate.url, room.id)).doc.getText(ROOTS.prompt).toString() === prompt.toString());

    const during = logs.slice(loggedBefore);
    const errors = during.filter((line) => line.level >= 50);
    expect(errors.map((line) => line.msg)).toEqual(['postgresql unavailable; retrying (logged again when it is back)']);
    const recovered = during.filter((line) => line.msg === 'postgresql available again');
    expect(recovered).toHaveLength(1);
    expect(recovered[0]?.failedAttempts).toBeGreaterThanOrEqual(failures);
    expect(await health(server)).toMatchObject({ status: 200, body: { status: 'ok' } });
  });
});
