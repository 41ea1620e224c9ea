// The SPA shell as served over real HTTP from a build directory: a rebuild
// while the server runs is picked up at once (the old shell would point at
// asset names the rebuild deleted), unknown page paths give browsers the shell
// with a 404 and API clients the JSON error, and a build removed mid-run is a
// 503 that says so.
import { mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import express from 'express';
import { expect, it, onTestFinished } from 'vitest';
import { clientRoutes } from '../../server/http/client-routes.ts';
import { notFound } from '../../server/http/errors.ts';
import { tempDir } from '../helpers/server.ts';

async function serve(distDir: string): Promise<string> {
  const app = express();
  app.use(clientRoutes(distDir));
  app.use(notFound);
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function build(distDir: string, version: string, mtime: Date): void {
  mkdirSync(path.join(distDir, 'assets'), { recursive: true });
  const index = path.join(distDir, 'index.html');
  writeFileSync(index, `<!doctype html><script src="/assets/index-${version}.js"></script>`);
  utimesSync(index, mtime, mtime);
}

const HTML = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };

it('serves the current build, the shell with a 404 for unknown pages, and says when the build is gone', async () => {
  const dist = tempDir();
  build(dist, 'aaaa', new Date('2026-01-01T00:00:00Z'));
  const url = await serve(dist);

  const first = await fetch(`${url}/`, { headers: HTML });
  expect(first.status).toBe(200);
  expect(await first.text()).toContain('index-aaaa.js');

  // A rebuild while the server runs: the next page load gets the new asset names.
  build(dist, 'bbbb', new Date('2026-01-01T00:00:05Z'));
  for (const page of ['/', '/live', '/r/some-room']) {
    const res = await fetch(`${url}${page}`, { headers: HTML });
    expect(res.status, page).toBe(200);
    expect(await res.text(), page).toContain('index-bbbb.js');
  }

  // Unknown pages: a browser gets the shell (the app shows "Nothing here"), with a 404.
  const unknown = await fetch(`${url}/no/such/page`, { headers: HTML });
  expect(unknown.status).toBe(404);
  expect(await unknown.text()).toContain('index-bbbb.js');
  // API clients, and /api and /media paths whatever they accept, keep the JSON error.
  for (const [page, headers] of [
    ['/no/such/page', {}],
    ['/no/such/page', { accept: 'application/json' }],
    ['/api/nothing', HTML],
    ['/media/nothing.png', HTML],
  ] as const) {
    const res = await fetch(`${url}${page}`, { headers });
    expect(res.status, page).toBe(404);
    expect(await res.json(), page).toEqual({ error: { code: 'not_found', message: 'no such route' } });
  }

  // The build removed while the server runs (a rebuild in progress): a 503 that says so, not a crash.
  rmSync(path.join(dist, 'index.html'));
  const gone = await fetch(`${url}/`, { headers: HTML });
  expect(gone.status).toBe(503);
  expect(await gone.text()).toContain('rebuilt');
});
