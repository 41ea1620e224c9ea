// Operator routes, guarded by ADMIN_TOKEN. Without a token configured they do
// not exist (404, like any unknown route), so nobody can probe for them.
import { createHash, timingSafeEqual } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type Request, Router } from 'express';
import type { Logger } from 'pino';
import { AppError } from '../errors.ts';
import type { Metrics } from '../metrics.ts';
import { exportChunks, parseSince } from '../signals/export.ts';
import type { Pseudonyms } from '../signals/pseudonyms.ts';
import type { SignalStore } from '../store/signals.ts';

export interface AdminRoutesDeps {
  adminToken: string | undefined;
  signals: SignalStore;
  pseudonyms: Pseudonyms;
  metrics: Metrics;
  logger: Logger;
}

export function adminRoutes(deps: AdminRoutesDeps): Router {
  const router = Router();

  router.get('/api/admin/signals.jsonl', async (req, res) => {
    requireAdmin(req, deps.adminToken);
    const since = parseSince(req.query.since);
    res.status(200);
    res.setHeader('Content-Type', 'application/x-ndjson; charset=utf-8');
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Content-Disposition', 'attachment; filename="signals.jsonl"');
    const chunks = exportChunks(deps.signals, deps.pseudonyms, {
      since,
      onRecords: (count) => deps.metrics.signalsExported.inc(count),
    });
    try {
      // pipeline waits for the socket to drain before it asks for the next page.
      await pipeline(Readable.from(chunks, { highWaterMark: 1 }), res);
    } catch (err) {
      // A client that went away is no error of ours; anything else cuts the
      // response short (no final chunk), so the client cannot take it for whole.
      if (req.socket.destroyed && (err as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE') return;
      deps.logger.error({ err }, 'signals export failed');
      res.destroy();
    }
  });

  return router;
}

function requireAdmin(req: Request, adminToken: string | undefined): void {
  if (adminToken === undefined) throw new AppError('not_found', 'no such route');
  const header = req.headers.authorization;
  const given = header?.startsWith('Bearer ') ? header.slice(7).trim() : '';
  if (!sameSecret(given, adminToken)) {
    throw new AppError('unauthorized', 'this route needs the admin token: Authorization: Bearer <ADMIN_TOKEN>');
  }
}

/** Constant-time comparison; hashing first makes the lengths equal, so not even the length leaks. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
