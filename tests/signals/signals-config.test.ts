import { describe, expect, it } from 'vitest';
import { ConfigError, derivePseudonymKey, loadConfig } from '../../server/config.ts';
import { startServer, tempDir } from '../helpers/server.ts';
import { exported, oneGeneration, SIGNALS_ENV } from './helpers.ts';

describe('signals settings', () => {
  it('have defaults, read each variable, and refuse bad values naming the variable', () => {
    const dir = tempDir();
    const defaults = loadConfig({ DATA_DIR: dir });
    expect(defaults.adminToken).toBeUndefined();
    expect(defaults.signals.record).toBe(true);
    // Derived from the session secret: stable across restarts, and not the secret itself.
    expect(defaults.signals.pseudonymKey).toBe(derivePseudonymKey(defaults.sessionSecret));
    expect(defaults.signals.pseudonymKey).toMatch(/^[0-9a-f]{64}$/);
    expect(loadConfig({ DATA_DIR: dir }).signals.pseudonymKey).toBe(defaults.signals.pseudonymKey);
    const secret = 's'.repeat(40);
    expect(loadConfig({ DATA_DIR: dir, SESSION_SECRET: secret }).signals.pseudonymKey).toBe(derivePseudonymKey(secret));
    expect(derivePseudonymKey(secret)).not.toBe(derivePseudonymKey(`${secret}x`));

    const set = loadConfig({ DATA_DIR: dir, ADMIN_TOKEN: 'a'.repeat(32), SIGNALS_RECORD: 'false', SIGNALS_PSEUDONYM_KEY: 'k'.repeat(32) });
    expect(set.adminToken).toBe('a'.repeat(32));
    expect(set.signals).toEqual({ record: false, pseudonymKey: 'k'.repeat(32) });

    for (const [variable, value] of [
      ['ADMIN_TOKEN', 'short'],
      ['SIGNALS_PSEUDONYM_KEY', 'k'.repeat(31)],
      ['SIGNALS_RECORD', 'maybe'],
    ] as const) {
      const run = () => loadConfig({ DATA_DIR: dir, [variable]: value });
      expect(run).toThrow(ConfigError);
      expect(run).toThrow(new RegExp(`^${variable}: `));
    }
  });

  it('SIGNALS_RECORD=false records nothing, even for a consenting user', async () => {
    const server = await startServer({ ...SIGNALS_ENV, SIGNALS_RECORD: 'false' });
    const { room } = await oneGeneration(server, 'unrecorded');
    expect(await exported(server.url)).toEqual([]);
    expect(await server.store.signals.latest(room.id, 'prompt_revision')).toBeNull();
  });
});
