// Serves the built client: hashed assets cached for good, pages as the SPA shell.
import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { type Response, Router } from 'express';
import { clientShell } from './client-shell.ts';

export const CLIENT_DIST = path.resolve(import.meta.dirname, '../../dist/client');
/** Client pages the SPA shell serves as they are (work and profile pages have routes of their own, with OpenGraph tags). */
const PAGES = ['/', '/r/:roomId', '/live', '/t/:tag', '/search', '/moderation', '/settings'];

export function clientRoutes(distDir = CLIENT_DIST): Router {
  const router = Router();
  const indexFile = path.join(distDir, 'index.html');
  if (!existsSync(indexFile)) {
    // Tests and API-only runs have no build; say so instead of a bare 404.
    router.get(PAGES, (_req, res) => {
      res.status(503).type('text/plain').send('The client is not built. Run `npm run build` (npm start does it for you).');
    });
    return router;
  }
  const shell = clientShell(indexFile);
  const send = (res: Response) => {
    const text = shell();
    if (text === null) res.status(503).type('text/plain').send('The client is being rebuilt; reload in a moment.');
    else res.type('html').send(text);
  };
  router.use('/assets', express.static(path.join(distDir, 'assets'), { immutable: true, maxAge: '1y', index: false, fallthrough: false }));
  router.use(express.static(distDir, { index: false, maxAge: '1h' }));
  router.get(PAGES, (_req, res) => {
    res.setHeader('Cache-Control', 'no-cache');
    send(res);
  });
  // Any other page a browser asks for gets the shell with a 404, so the client shows its own "Nothing here"
  // page instead of raw JSON; API clients (and /api, /media) keep the JSON error.
  router.get(/^(?!\/(?:api|media|assets)\/)/, (req, res, next) => {
    if (req.accepts(['json', 'html']) !== 'html') return next();
    res.status(404).setHeader('Cache-Control', 'no-cache');
    send(res);
  });
  return router;
}
