// `GET /api/providers`: the image providers a job may use now (configured and
// reachable at their last check), with their capabilities and models.
import { Router } from 'express';
import type { ProvidersResponse } from '../../shared/protocol.ts';
import type { ProviderRegistry } from '../generation/provider-registry.ts';

/** Browsers may reuse an answer this long; the server's own answers are refreshed by the registry. */
const MAX_AGE_SECONDS = 5;

export function providerRoutes(providers: ProviderRegistry): Router {
  const router = Router();
  router.get('/api/providers', (_req, res) => {
    const body: ProvidersResponse = { providers: providers.list() };
    res.setHeader('Cache-Control', `private, max-age=${MAX_AGE_SECONDS}`);
    res.json(body);
  });
  return router;
}
