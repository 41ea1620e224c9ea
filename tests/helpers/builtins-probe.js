// Loaded with `node --import` into a server process: when a thread ends, it
// appends to BUILTINS_PROBE_FILE whether that thread loaded Node's type
// stripper (amaro) and Node's fetch implementation (undici). Plain JavaScript:
// a TypeScript probe would load the stripper itself.
import { appendFileSync } from 'node:fs';
import { threadId } from 'node:worker_threads';

const file = process.env.BUILTINS_PROBE_FILE;
const loaded = (dep) => process.moduleLoadList.some((name) => name.includes(`internal/deps/${dep}/`));
if (file) {
  process.on('exit', () => {
    appendFileSync(file, `${JSON.stringify({ threadId, stripper: loaded('amaro'), undici: loaded('undici') })}\n`);
  });
}
