// Loaded with `node --import` by `npm start`, before server/main.ts: serves
// each TypeScript module from its stripped copy in the cache (cache.js), so
// that Node never loads its type stripper. Worker threads inherit the flag and
// run this too. A module without a cached copy is stripped by Node as usual.
import { readFileSync } from 'node:fs';
import { registerHooks } from 'node:module';
import { strippedFile } from './cache.js';

registerHooks({
  load(url, context, nextLoad) {
    const loaded = nextLoad(url, context);
    if (loaded.format !== 'module-typescript' || loaded.source == null) return loaded;
    let source;
    try {
      source = readFileSync(strippedFile(loaded.source), 'utf8');
    } catch {
      return loaded;
    }
    return { format: 'module', source, shortCircuit: true };
  },
});
