// npm run export -- [--since 2026-01-01] [--out signals.jsonl]
//
// Writes the creative-signals export (docs/signals.md) from the store the
// server is configured with (the same environment: DATA_DIR, DATABASE_URL,
// SIGNALS_PSEUDONYM_KEY, …), exactly as GET /api/admin/signals.jsonl serves
// it. Without --out (or with `--out -`) it writes to standard output. A file
// is written beside its destination and renamed into place once complete, so
// a failed export never leaves a file that looks whole.
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { openStore } from '../server/store/open-store.ts';
import { ConfigError, loadConfig } from '../server/config.ts';
import { AppError } from '../server/errors.ts';
import { exportChunks, parseSince } from '../server/signals/export.ts';
import { Pseudonyms } from '../server/signals/pseudonyms.ts';
import { MergeWorker } from '../server/store/merge.ts';

const EXIT_USAGE = 2;
const USAGE = 'usage: npm run export -- [--since 2026-01-01] [--out signals.jsonl]';

function fail(message: string, code = EXIT_USAGE): never {
  process.stderr.write(`export: ${message}\n`);
  process.exit(code);
}

let options: { since?: string; out?: string };
try {
  options = parseArgs({ options: { since: { type: 'string' }, out: { type: 'string' } }, strict: true, allowPositionals: false }).values;
} catch (err) {
  fail(`${(err as Error).message}\n${USAGE}`);
}

let since: Date;
let config: ReturnType<typeof loadConfig>;
try {
  since = parseSince(options.since);
  config = loadConfig(process.env);
} catch (err) {
  if (err instanceof AppError) fail(`${err.message}\n${USAGE}`);
  if (err instanceof ConfigError) fail(`invalid configuration: ${err.message}`);
  throw err;
}

// Standard output may be the export itself: logs go to standard error.
const logger = pino({ level: config.logLevel, base: { service: 'atelier-export' } }, pino.destination(2));
const merger = new MergeWorker();
let store: Awaited<ReturnType<typeof openStore>>;
try {
  store = await openStore(config, merger, logger);
} catch (err) {
  await merger.close();
  fail(`cannot open the store: ${(err as Error).message}`, 1);
}
const outFile = options.out === '-' ? undefined : options.out;
const toFile = outFile !== undefined;
const partial = `${options.out}.partial`;
let records = 0;
try {
  const chunks = exportChunks(store.signals, new Pseudonyms(config.signals.pseudonymKey), {
    since,
    onRecords: (count) => (records += count),
  });
  const destination: Writable = toFile ? createWriteStream(partial, { flags: 'w' }) : process.stdout;
  await pipeline(Readable.from(chunks, { highWaterMark: 1 }), destination, { end: toFile });
  if (outFile !== undefined) await rename(partial, outFile);
  process.stderr.write(`export: ${records} records since ${since.toISOString()}${toFile ? ` written to ${options.out}` : ''}\n`);
} catch (err) {
  if (toFile) await rm(partial, { force: true });
  fail(`failed: ${(err as Error).message}`, 1);
} finally {
  await store.close();
  await merger.close();
}
