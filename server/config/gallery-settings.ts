// Publishing, compositing and the public feed (Config's `gallery`).
import { int, setting } from './setting.ts';

export const gallerySettings = {
  publishesPerMinute: setting('PUBLISHES_PER_MINUTE', int(1).default(10), '`work:publish` per user (`rate_limited`)'),
  maxLayers: setting('PUBLISH_MAX_LAYERS', int(1).default(64), 'layers in a published room (`too_large`)'),
  renderConcurrency: setting('RENDER_CONCURRENCY', int(1, 64).default(1), 'works composited at once per node'),
  renderQueueLimit: setting('RENDER_QUEUE_LIMIT', int(0).default(16), 'publishes waiting for the compositor (`unavailable` past it)'),
  maxSourcePixels: setting(
    'RENDER_MAX_SOURCE_PIXELS',
    int(1).default(40_000_000),
    "a layer source's width × height when publishing (`bad_request`)",
  ),
  renderBatchBytes: setting(
    'RENDER_BATCH_BYTES',
    int(1).default(256 * 1024 * 1024),
    'transformed layers held in memory at once while compositing',
  ),
  maxAgeSeconds: setting('GALLERY_MAX_AGE_SECONDS', int(0).default(5), '`Cache-Control: max-age` of feed and work answers'),
  feedCacheMs: setting('GALLERY_CACHE_MS', int(0).default(1000), 'how long a shared feed page is reused in memory (0: never)'),
};
