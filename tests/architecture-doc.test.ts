// docs/architecture.md stays a true map: every file and folder it names exists,
// and every top-level folder of server/ has a row in its table.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
const doc = readFileSync(path.join(root, 'docs/architecture.md'), 'utf8');

describe('docs/architecture.md', () => {
  it('names only files and folders that exist', () => {
    const named = new Set(doc.match(/\b(?:server|client|shared|tests)\/[\w./-]*[\w/]/g) ?? []);
    expect(named.size).toBeGreaterThan(20);
    const missing = [...named].filter((p) => !p.includes('*') && !existsSync(path.join(root, p)));
    expect(missing).toEqual([]);
  });

  it('has a row for every folder of server/', () => {
    const folders = readdirSync(path.join(root, 'server'), { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => `server/${e.name}/`);
    const unmapped = folders.filter((f) => !doc.includes(`\`${f}`) && !doc.includes(`, \`${f}`));
    expect(unmapped).toEqual([]);
  });
});
