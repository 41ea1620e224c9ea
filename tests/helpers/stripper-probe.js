// Loaded with `node --import` into a server process: when a thread ends, it
// appends to STRIPPER_PROBE_FILE whether that thread loaded Node's type
// stripper. Plain JavaScript: a TypeScript probe would load the stripper itself.
import { appendFileSync } from 'node:fs';
import { threadId } from 'node:worker_threads';

const file = process.env.STRIPPER_PROBE_FILE;
if (file) {
  process.on('exit', () => {
    const stripper = process.moduleLoadList.some((name) => name.includes('internal/deps/amaro'));
    appendFileSync(file, `${JSON.stringify({ threadId, stripper })}\n`);
  });
}
