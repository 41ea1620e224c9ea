// The settings of scaled mode: defaults, refusals, and start-up when a service
// it needs is not there.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.ts';
import { CONNECT_TIMEOUT_MS } from '../../server/scale/redis-client.ts';
import { startServer, tempDir } from '../helpers/server.ts';
import { freePort } from '../helpers/services.ts';

describe('scaled-mode settings', () => {
  it('defaults: prefix, pool, heartbeat; a dead node is noticed within 30 s', () => {
    const config = loadConfig({ DATA_DIR: tempDir() });
    expect(config).toMatchObject({ redisPrefix: 'atelier:', databasePoolMax: 10, nodeHeartbeatMs: 5000, nodeTimeoutMs: 15000 });
    expect(config.nodeTimeoutMs + config.nodeHeartbeatMs).toBeLessThanOrEqual(30_000);
    expect(
      loadConfig({
        DATA_DIR: tempDir(),
        REDIS_PREFIX: 'team-a:',
        DATABASE_POOL_MAX: '3',
        NODE_HEARTBEAT_MS: '1000',
        NODE_TIMEOUT_MS: '2000',
      }),
    ).toMatchObject({
      redisPrefix: 'team-a:',
      databasePoolMax: 3,
      nodeHeartbeatMs: 1000,
      nodeTimeoutMs: 2000,
    });
  });

  it.each([
    ['REDIS_PREFIX', 'has spaces'],
    ['REDIS_PREFIX', 'x'.repeat(65)],
    ['DATABASE_POOL_MAX', '0'],
    ['NODE_HEARTBEAT_MS', '10'],
    ['NODE_TIMEOUT_MS', 'soon'],
  ])('refuses %s=%s, naming the variable', (variable, value) => {
    const run = () => loadConfig({ DATA_DIR: tempDir(), [variable]: value });
    expect(run).toThrow(ConfigError);
    expect(run).toThrow(new RegExp(`^${variable}: `));
  });

  it('refuses a timeout shorter than two heartbeats', () => {
    expect(() => loadConfig({ DATA_DIR: tempDir(), NODE_HEARTBEAT_MS: '5000', NODE_TIMEOUT_MS: '9000' })).toThrow(/^NODE_TIMEOUT_MS: /);
  });

  it('start-up fails, naming REDIS_URL, when Redis cannot be reached', async () => {
    const port = await freePort();
    const started = startServer({ REDIS_URL: `redis://127.0.0.1:${port}`, SESSION_SECRET: 's'.repeat(32) });
    await expect(started).rejects.toThrow(/REDIS_URL/);
    expect(CONNECT_TIMEOUT_MS).toBeLessThanOrEqual(10_000);
  });

  it('the process exits 1 with a message when PostgreSQL cannot be reached', async () => {
    const port = await freePort();
    const result = spawnSync(process.execPath, [path.resolve(import.meta.dirname, '../../server/main.ts')], {
      env: { ...process.env, DATA_DIR: tempDir(), PORT: '0', DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/none`, REDIS_URL: '' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/start-up failed: .*ECONNREFUSED/);
  });
});
