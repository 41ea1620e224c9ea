// The Express application: hygiene first (helmet, CORS, rate limits), then
// the uploads, the JSON body gate and the other routes, then JSON errors for
// everything that fails.
import express, { type Router } from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import type { Limits } from '../config.ts';
import type { Metrics } from '../metrics.ts';
import type { RateLimiter } from '../rate-limit.ts';
import type { Sessions } from '../auth/sessions.ts';
import { authenticate } from './auth.ts';
import { errorHandler, notFound } from './errors.ts';
import { jsonBodies } from './json-body.ts';
import { rateLimit } from './rate-limit.ts';

export interface HttpAppDeps {
  sessions: Sessions;
  limiter: RateLimiter;
  limits: Limits;
  logger: Logger;
  metrics: Metrics;
  corsOrigins: string[];
  trustProxy: boolean;
  /** Routers whose bodies are not JSON (image uploads): they read their own, ahead of the JSON gate. */
  uploadRouters: Router[];
  /** API and page routers, in order: a body reaches them as a JSON object or not at all (json-body.ts). */
  routers: Router[];
}

export function createHttpApp(deps: HttpAppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.trustProxy);
  app.set('etag', 'strong');
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          // Images come from our media store and from data:/blob: previews.
          'img-src': ["'self'", 'data:', 'blob:'],
          'connect-src': ["'self'"],
        },
      },
      crossOriginEmbedderPolicy: false,
    }),
  );
  app.use((req, res, next) => {
    res.on('finish', () => deps.metrics.httpRequests.inc({ method: req.method, status: `${Math.floor(res.statusCode / 100)}xx` }));
    next();
  });
  if (deps.corsOrigins.length > 0) app.use(cors(deps.corsOrigins));
  app.use(authenticate(deps.sessions));
  app.use('/api', rateLimit(deps.limiter, 'http', { limit: deps.limits.httpRequestsPerMinute, windowMs: 60_000 }));
  for (const router of deps.uploadRouters) app.use(router);
  app.use(jsonBodies(deps.limits.maxBodyBytes));
  for (const router of deps.routers) app.use(router);
  app.use(notFound);
  app.use(errorHandler(deps.logger));
  return app;
}

/** CORS for the listed origins only (never `*`: requests carry credentials). */
function cors(origins: readonly string[]): express.RequestHandler {
  const allowed = new Set(origins);
  return (req, res, next) => {
    const origin = req.headers.origin;
    if (origin && allowed.has(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
      res.setHeader('Vary', 'Origin');
      if (req.method === 'OPTIONS') {
        res.setHeader('Access-Control-Allow-Methods', 'GET, POST, PUT, PATCH, DELETE');
        res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type');
        res.setHeader('Access-Control-Max-Age', '600');
        res.status(204).end();
        return;
      }
    }
    next();
  };
}
