import { Router } from 'express';
import type { ProviderHealth } from '../generation/provider-registry.ts';
import type { Metrics } from '../metrics.ts';
import type { RoomRegistry } from '../rooms/registry.ts';
import type { Store } from '../store/store.ts';

/** `providers`: one health line per image provider (its last check), for `/healthz`. */
export function opsRoutes(
  store: Store,
  registry: RoomRegistry,
  metrics: Metrics,
  nodeId: string,
  providers?: () => ProviderHealth[],
): Router {
  const router = Router();
  const started = Date.now();

  router.get('/healthz', async (_req, res) => {
    let storeOk = true;
    try {
      await store.ping();
    } catch {
      storeOk = false;
    }
    res.setHeader('Cache-Control', 'no-store');
    res.status(storeOk ? 200 : 503).json({
      status: storeOk ? 'ok' : 'degraded',
      node: nodeId,
      store: { kind: store.kind, ok: storeOk },
      roomsLoaded: registry.size,
      ...(providers ? { providers: providers() } : {}),
      uptimeSeconds: Math.round((Date.now() - started) / 1000),
    });
  });

  router.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', metrics.registry.contentType);
    res.setHeader('Cache-Control', 'no-store');
    res.send(await metrics.registry.metrics());
  });

  return router;
}
