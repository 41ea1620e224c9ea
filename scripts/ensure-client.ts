// Builds the client when there is no build or a source is newer than it, so
// `npm start` works on a fresh clone and after a pull.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { build } from 'vite';

const root = path.resolve(import.meta.dirname, '..');
const built = path.join(root, 'dist/client/index.html');

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(full) : statSync(full).mtimeMs);
  }
  return latest;
}

const sources = Math.max(
  newest(path.join(root, 'client')),
  newest(path.join(root, 'shared')),
  statSync(path.join(root, 'vite.config.ts')).mtimeMs,
  statSync(path.join(root, 'package-lock.json')).mtimeMs,
);
if (!existsSync(built) || statSync(built).mtimeMs < sources) {
  process.stdout.write('Building the client…\n');
  await build({ configFile: path.join(root, 'vite.config.ts'), logLevel: 'warn' });
}
