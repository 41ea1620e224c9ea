// Type-stripped copies of the server's TypeScript sources, made ahead of time
// by `npm start` (scripts/strip-server.ts) and served by hooks.js. Node strips
// types itself when it loads a .ts file, but its stripper (a WebAssembly
// module) then stays in memory for the life of the process, once per thread:
// about 20 MB on the main thread and as much again on the SQLite maintenance
// thread. This file is plain JavaScript so that loading it does not load the
// stripper.
//
// Entries are named by a hash of the source and of Node's version: an entry
// found is the stripped form of exactly the bytes Node read, so an edited or
// unknown file can never be served stale; it is stripped by Node as usual.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { stripTypeScriptTypes } from 'node:module';
import path from 'node:path';

export const STRIPPED_DIR = path.resolve(import.meta.dirname, '../../node_modules/.cache/atelier-stripped');

/** Where the stripped form of `source` (a .ts file's bytes) is kept. */
export function strippedFile(source) {
  const hash = createHash('sha256').update(process.version).update('\0').update(source).digest('hex');
  return path.join(STRIPPED_DIR, `${hash}.js`);
}

function tsFiles(dir, into) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) tsFiles(full, into);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) into.push(full);
  }
  return into;
}

/**
 * Strips every .ts file under `dirs` into the cache, and removes entries no
 * longer wanted. Returns how many files it stripped (0: all were cached).
 */
export function fillStrippedCache(dirs) {
  mkdirSync(STRIPPED_DIR, { recursive: true });
  const wanted = new Set();
  let stripped = 0;
  for (const file of dirs.flatMap((dir) => tsFiles(dir, []))) {
    const source = readFileSync(file);
    const target = strippedFile(source);
    wanted.add(path.basename(target));
    if (exists(target)) continue;
    // 'strip' keeps every line and column where it was: stack traces stay true.
    const code = stripTypeScriptTypes(source.toString('utf8'), { mode: 'strip' });
    // Written whole then renamed: a server starting meanwhile never reads half a file.
    const partial = `${target}.${process.pid}.partial`;
    writeFileSync(partial, code);
    renameSync(partial, target);
    stripped++;
  }
  for (const name of readdirSync(STRIPPED_DIR)) {
    if (!wanted.has(name)) rmSync(path.join(STRIPPED_DIR, name), { force: true });
  }
  return stripped;
}

function exists(file) {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}
