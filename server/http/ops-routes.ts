import { Router } from 'express';
import type { ProviderHealth } from '../generation/provider-registry.ts';
import type { Metrics } from '../metrics.ts';
import type { RoomRegistry } from '../rooms/registry.ts';
import type { OutageLog } from '../store/outage-log.ts';
import type { Store } from '../store/store.ts';

export interface HealthOptions {
  nodeId: string;
  /** One health line per image provider (its last check). */
  providers?: () => ProviderHealth[];
  /** Scaled mode: whether this node's Redis connection is up. */
  redisReady?: () => boolean;
  /** HEALTH_DEGRADED_STATUS: the HTTP status of `degraded` (a lost Redis). */
  degradedStatus: 200 | 503;
  /** Told each ping's outcome, so an outage's end is logged even while nothing else reaches the store. */
  storeOutage?: OutageLog;
}

/**
 * `/healthz`: `ok`; `degraded` when Redis is lost (the node serves its own
 * participants, but not the traffic between nodes), answered with
 * HEALTH_DEGRADED_STATUS; `down` when the store is unreachable, always 503
 * (the node can load no room and check no session).
 */
export function opsRoutes(store: Store, registry: RoomRegistry, metrics: Metrics, health: HealthOptions): Router {
  const router = Router();
  const started = Date.now();

  router.get('/healthz', async (_req, res) => {
    let storeOk = true;
    try {
      await store.ping();
      health.storeOutage?.succeeded();
    } catch (err) {
      storeOk = false;
      health.storeOutage?.failed(err, { operation: 'health check' });
    }
    const redisOk = health.redisReady?.();
    const status = !storeOk ? 'down' : redisOk === false ? 'degraded' : 'ok';
    res.setHeader('Cache-Control', 'no-store');
    res.status(status === 'down' ? 503 : status === 'degraded' ? health.degradedStatus : 200).json({
      status,
      node: health.nodeId,
      store: { kind: store.kind, ok: storeOk },
      ...(redisOk === undefined ? {} : { redis: { ok: redisOk } }),
      roomsLoaded: registry.size,
      ...(health.providers ? { providers: health.providers() } : {}),
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
