// `npm run dev`'s Vite server in front of a real Atelier: the client's own
// modules under client/api/ (served as /api/*.ts) stay with Vite, while the
// API itself is proxied to the server. Before, the /api proxy took the
// modules too and the dev page never started.
import path from 'node:path';
import { createServer, type ViteDevServer } from 'vite';
import { expect, it, onTestFinished } from 'vitest';
import { startServer } from '../helpers/server.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

it('serves the client modules under /api/ itself and proxies the API to the server', async () => {
  const atelier = await startServer();
  // vite.config.ts reads PORT when it is loaded: point it at this server.
  const port = process.env.PORT;
  process.env.PORT = String(atelier.port);
  let vite: ViteDevServer;
  try {
    vite = await createServer({ configFile: path.join(ROOT, 'vite.config.ts'), logLevel: 'silent', server: { port: 0, hmr: false } });
  } finally {
    if (port === undefined) delete process.env.PORT;
    else process.env.PORT = port;
  }
  onTestFinished(() => vite.close());
  await vite.listen();
  const base = vite.resolvedUrls?.local[0];
  if (!base) throw new Error('vite is not listening');

  const module = await fetch(new URL('/api/session.ts', base));
  expect(module.status).toBe(200);
  expect(module.headers.get('content-type')).toContain('javascript');
  expect(await module.text()).toContain('/api/session');

  const api = await fetch(new URL('/api/gallery', base));
  expect(api.status).toBe(200);
  expect(await api.json()).toEqual({ items: [], nextCursor: null });
}, 60_000);
