import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../server/config.ts';
import { tempDir } from './helpers/server.ts';

describe('configuration', () => {
  it('has working defaults', () => {
    const dir = tempDir();
    const config = loadConfig({ DATA_DIR: dir });
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      listenBacklog: 4096,
      dataDir: dir,
      mediaDir: path.join(dir, 'media'),
      corsOrigins: [],
      redisUrl: undefined,
      databaseUrl: undefined,
      healthDegradedStatus: 200,
      presenceIntervalMs: 33,
      wsPingIntervalMs: 30_000,
      adapterOfflineMaxCommands: 10_000,
      adapterOfflineMaxBytes: 16 * 1024 * 1024,
      live: { accessSweepMs: 60_000 },
      limits: { maxMessageBytes: 1048576, maxRoomsPerConnection: 8, maxParticipantsPerRoom: 500 },
    });
  });

  it('generates SESSION_SECRET once, keeps it in DATA_DIR, and prefers a given one', () => {
    const dir = tempDir();
    const first = loadConfig({ DATA_DIR: dir }).sessionSecret;
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(loadConfig({ DATA_DIR: dir }).sessionSecret).toBe(first);
    expect(readFileSync(path.join(dir, 'session-secret'), 'utf8').trim()).toBe(first);
    expect(statSync(path.join(dir, 'session-secret')).mode & 0o077).toBe(0);
    const given = 'x'.repeat(40);
    expect(loadConfig({ DATA_DIR: dir, SESSION_SECRET: given }).sessionSecret).toBe(given);
  });

  it('PRESENCE_INTERVAL_MS sets how often a room sends presence, 0 once a turn', () => {
    expect(loadConfig({ DATA_DIR: tempDir(), PRESENCE_INTERVAL_MS: '50' }).presenceIntervalMs).toBe(50);
    expect(loadConfig({ DATA_DIR: tempDir(), PRESENCE_INTERVAL_MS: '0' }).presenceIntervalMs).toBe(0);
  });

  it("ACCESS_SWEEP_MS and the adapter's outage bounds are read", () => {
    const config = loadConfig({
      DATA_DIR: tempDir(),
      ACCESS_SWEEP_MS: '5000',
      ADAPTER_OFFLINE_MAX_COMMANDS: '500',
      ADAPTER_OFFLINE_MAX_BYTES: '65536',
    });
    expect(config.live.accessSweepMs).toBe(5000);
    expect(config.adapterOfflineMaxCommands).toBe(500);
    expect(config.adapterOfflineMaxBytes).toBe(65536);
  });

  it('scaled mode needs a shared SESSION_SECRET', () => {
    const dir = tempDir();
    expect(() => loadConfig({ DATA_DIR: dir, REDIS_URL: 'redis://127.0.0.1:6379' })).toThrow(/^SESSION_SECRET: required when REDIS_URL/);
    expect(loadConfig({ DATA_DIR: dir, REDIS_URL: 'redis://127.0.0.1:6379', SESSION_SECRET: 'k'.repeat(32) }).redisUrl).toBe(
      'redis://127.0.0.1:6379',
    );
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['LISTEN_BACKLOG', '0'],
    ['MAX_MESSAGE_BYTES', '-1'],
    ['LOG_LEVEL', 'loud'],
    ['REDIS_URL', 'http://not-redis'],
    ['DATABASE_URL', 'mysql://x'],
    ['SESSION_SECRET', 'short'],
    ['TRUST_PROXY', 'maybe'],
    ['HEALTH_DEGRADED_STATUS', '500'],
    ['PRESENCE_INTERVAL_MS', '5000'],
    ['WS_PING_INTERVAL_MS', '10'],
    ['ACCESS_SWEEP_MS', '10'],
    ['ADAPTER_OFFLINE_MAX_COMMANDS', '0'],
    ['ADAPTER_OFFLINE_MAX_BYTES', 'lots'],
  ])('refuses %s=%s, naming the variable', (variable, value) => {
    const run = () => loadConfig({ DATA_DIR: tempDir(), [variable]: value });
    expect(run).toThrow(ConfigError);
    expect(run).toThrow(new RegExp(`^${variable}: `));
  });

  it('a bad value stops start-up with exit code 2 and a message naming the variable', () => {
    const result = spawnSync(process.execPath, [path.resolve(import.meta.dirname, '../server/main.ts')], {
      env: { ...process.env, DATA_DIR: tempDir(), MAX_DOC_BYTES: 'lots' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('MAX_DOC_BYTES');
  });
});
