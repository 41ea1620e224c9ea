// The built client's index.html for the routes that send it, re-read whenever
// the file changes: a client rebuild while the server runs (`npm run build`,
// an e2e run's ensure-client) replaces the hashed asset names the old shell
// points at, and a shell read once would leave every page blank until a restart.
import { readFileSync, statSync } from 'node:fs';

/** Returns a reader of `indexFile`: its text, or null while there is no build. */
export function clientShell(indexFile: string): () => string | null {
  let cached: { mtimeMs: number; size: number; text: string } | null = null;
  return () => {
    const stat = statSync(indexFile, { throwIfNoEntry: false });
    if (!stat) return null;
    if (cached?.mtimeMs !== stat.mtimeMs || cached.size !== stat.size) {
      cached = { mtimeMs: stat.mtimeMs, size: stat.size, text: readFileSync(indexFile, 'utf8') };
    }
    return cached.text;
  };
}
