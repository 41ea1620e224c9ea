// Strips the types from the server's sources ahead of time, into the cache that
// server/stripped/hooks.js serves them from: `npm start` runs it before the
// server, so the server process never loads Node's type stripper (about 20 MB
// per thread). Quick when nothing changed: it hashes the sources and finds them.
import path from 'node:path';
import { fillStrippedCache } from '../server/stripped/cache.js';

const root = path.resolve(import.meta.dirname, '..');
const stripped = fillStrippedCache([path.join(root, 'server'), path.join(root, 'shared')]);
if (stripped > 0) process.stdout.write(`Stripped the types of ${stripped} server sources.\n`);
