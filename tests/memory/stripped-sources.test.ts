// `npm start` strips the server's types ahead of time (scripts/strip-server.ts)
// and serves the stripped copies (server/stripped/hooks.js), so that neither
// the main thread nor the SQLite maintenance thread loads Node's type stripper
// (about 20 MB each). A copy is found by the hash of the source Node read, so
// an edited file is never served stale. And nothing at start loads Node's
// fetch implementation (an ES import of node:http would).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, onTestFinished, test } from 'vitest';
import { parseStartScript, ROOT, readNpmStart } from '../../bench/lib/npm-start.ts';
import { strippedFile } from '../../server/stripped/cache.js';
import { startChildServer } from '../helpers/child-server.ts';

const HOOKS = path.join(ROOT, 'server/stripped/hooks.js');
const PROBE = path.resolve(import.meta.dirname, '../helpers/builtins-probe.js');

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'atelier-stripped-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

interface ThreadReport {
  threadId: number;
  stripper: boolean;
  undici: boolean;
}

/** Starts a server with `nodeFlags`, stops it, and returns what each of its threads reported. */
async function threadsOfAServer(nodeFlags: string): Promise<ThreadReport[]> {
  const dir = tempDir();
  const probeFile = path.join(dir, 'threads.jsonl');
  const server = await startChildServer({
    DATA_DIR: path.join(dir, 'data'),
    NODE_OPTIONS: `${nodeFlags} --import=${PROBE}`,
    BUILTINS_PROBE_FILE: probeFile,
  });
  expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  expect(await server.kill('SIGTERM')).toBe(0);
  return readFileSync(probeFile, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as ThreadReport)
    .sort((a, b) => a.threadId - b.threadId);
}

test('npm start runs the strip step, then the server with the hooks', () => {
  const { steps, nodeArgs } = readNpmStart();
  expect(steps.map((step) => step.at(-1))).toContain('scripts/strip-server.ts');
  expect(path.resolve(ROOT, nodeArgs[nodeArgs.indexOf('--import') + 1] ?? '')).toBe(HOOKS);
});

test('after the strip step, no thread of a started server loads the type stripper; without the hooks, each does', async () => {
  execFileSync(process.execPath, ['--disable-warning=ExperimentalWarning', path.join(ROOT, 'scripts/strip-server.ts')]);
  const hooked = await threadsOfAServer(`--import=${HOOKS}`);
  // The main thread and the SQLite maintenance thread.
  expect(hooked.length).toBeGreaterThanOrEqual(2);
  expect(hooked.filter((thread) => thread.stripper)).toEqual([]);
  const plain = await threadsOfAServer('');
  expect(plain.length).toBeGreaterThanOrEqual(2);
  expect(plain.every((thread) => thread.stripper)).toBe(true);
}, 60_000);

test("a started server has not loaded Node's fetch implementation (undici), which it does not use", async () => {
  const [main] = await threadsOfAServer(`--import=${HOOKS}`);
  expect(main).toMatchObject({ threadId: 0, undici: false });
}, 60_000);

test('a module is served from the copy of exactly its bytes, and stripped as usual once edited', () => {
  const dir = tempDir();
  // An ES module, as the server's are ("type": "module").
  writeFileSync(path.join(dir, 'package.json'), '{"type": "module"}');
  const module = path.join(dir, 'where.ts');
  const run = () => execFileSync(process.execPath, ['--import', HOOKS, module], { encoding: 'utf8' }).trim();
  const original = "const where: string = 'source';\nprocess.stdout.write(where);\n";
  writeFileSync(module, original);
  // A copy that differs from what stripping would give, to tell where the code came from.
  const copy = strippedFile(original);
  onTestFinished(() => rmSync(copy, { force: true }));
  writeFileSync(copy, "process.stdout.write('copy');\n");
  expect(run()).toBe('copy');
  writeFileSync(module, original.replace('source', 'edited'));
  expect(run()).toBe('edited');
  rmSync(copy);
  writeFileSync(module, original);
  expect(existsSync(copy)).toBe(false);
  expect(run()).toBe('source');
});

test('a start script of another shape is refused by the benchmarks rather than half followed', () => {
  expect(parseStartScript('node a.ts && node --flag server/main.ts')).toEqual({ steps: [['a.ts']], nodeArgs: ['--flag'] });
  expect(() => parseStartScript('node a.ts && tsx server/main.ts')).toThrow(/last step/);
  expect(() => parseStartScript('vite build && node server/main.ts')).toThrow(/step "vite build"/);
  expect(() => parseStartScript('node server/other.ts')).toThrow(/last step/);
});
