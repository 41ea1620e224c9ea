// The heavy dependencies that only some requests need are loaded by the first
// of them, not at start: a node serving rooms does not carry image processing,
// hosted providers' SDKs, Redis or PostgreSQL clients it does not use.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, onTestFinished, test } from 'vitest';
import { startChildServer } from '../helpers/child-server.ts';

const HOOK = path.resolve(import.meta.dirname, '../helpers/loaded-packages.ts');
const LOADED_ON_DEMAND = [
  'sharp',
  'openai',
  '@google/genai',
  '@fal-ai/client',
  'replicate',
  'redis',
  '@socket.io/redis-streams-adapter',
  'pg',
  'openid-client',
];

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'atelier-lazy-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

// Configured hosted providers other than OpenAI load their SDK with their first
// backend check (the provider registry checks each at start), so only OpenAI's
// key is set here: its check needs no request, and its SDK waits for a job.
test('a started server has loaded none of the on-demand packages, OpenAI configured or not', async () => {
  const dir = tempDir();
  const listFile = path.join(dir, 'packages.txt');
  const server = await startChildServer({
    DATA_DIR: path.join(dir, 'data'),
    NODE_OPTIONS: `--import=${HOOK}`,
    LOADED_PACKAGES_FILE: listFile,
    OPENAI_API_KEY: 'sk-test-not-used',
  });
  // A request through the routes and the room layer, so "at start" includes a served page.
  const res = await fetch(`${server.url}/healthz`);
  expect(res.status).toBe(200);
  const loaded = readFileSync(listFile, 'utf8').trim().split('\n');
  // The hook works: the server's own dependencies are listed.
  expect(loaded).toEqual(expect.arrayContaining(['socket.io', 'yjs', 'ws']));
  expect(loaded.filter((name) => LOADED_ON_DEMAND.includes(name))).toEqual([]);
  await server.kill('SIGTERM');
}, 60_000);
