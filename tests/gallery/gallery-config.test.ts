import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.ts';
import { tempDir } from '../helpers/server.ts';

describe('gallery settings', () => {
  it('have defaults, read each variable, and refuse bad values naming the variable', () => {
    const dir = tempDir();
    expect(loadConfig({ DATA_DIR: dir }).gallery).toEqual({
      publishesPerMinute: 10,
      maxLayers: 64,
      renderConcurrency: 1,
      renderQueueLimit: 16,
      maxSourcePixels: 40_000_000,
      renderBatchBytes: 256 * 1024 * 1024,
      maxAgeSeconds: 5,
      feedCacheMs: 1000,
    });
    const set = loadConfig({
      DATA_DIR: dir,
      PUBLISHES_PER_MINUTE: '3',
      PUBLISH_MAX_LAYERS: '4',
      RENDER_CONCURRENCY: '2',
      RENDER_QUEUE_LIMIT: '0',
      RENDER_MAX_SOURCE_PIXELS: '1000',
      RENDER_BATCH_BYTES: '4096',
      GALLERY_MAX_AGE_SECONDS: '0',
      GALLERY_CACHE_MS: '0',
    }).gallery;
    expect(set).toEqual({
      publishesPerMinute: 3,
      maxLayers: 4,
      renderConcurrency: 2,
      renderQueueLimit: 0,
      maxSourcePixels: 1000,
      renderBatchBytes: 4096,
      maxAgeSeconds: 0,
      feedCacheMs: 0,
    });
    for (const [variable, value] of [
      ['PUBLISHES_PER_MINUTE', '0'],
      ['PUBLISH_MAX_LAYERS', 'many'],
      ['RENDER_CONCURRENCY', '0'],
      ['RENDER_QUEUE_LIMIT', '-1'],
      ['GALLERY_CACHE_MS', '1.5'],
    ] as const) {
      const err = (() => {
        try {
          loadConfig({ DATA_DIR: dir, [variable]: value });
          return null;
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).variable).toBe(variable);
    }
  });
});
