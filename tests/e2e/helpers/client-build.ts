// Builds the client once for every e2e suite (the server serves dist/client):
// scripts/ensure-client.ts does it when a source is newer than the build, and
// a lock directory keeps parallel workers from building at the same time.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../../..');
const lock = path.join(root, 'dist/.client-build.lock');
const STALE_LOCK_MS = 5 * 60_000;

export async function ensureClientBuilt(): Promise<void> {
  mkdirSync(path.dirname(lock), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      try {
        if (Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS) rmSync(lock, { recursive: true, force: true });
      } catch {
        // The other worker finished and removed it: try again.
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    const result = spawnSync(process.execPath, [path.join(root, 'scripts/ensure-client.ts')], { cwd: root, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`building the client failed:\n${result.stdout}\n${result.stderr}`);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
