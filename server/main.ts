// The process: read the configuration, start, and stop cleanly on SIGTERM.
import v8 from 'node:v8';
import { startAtelier } from './atelier.ts';
import { type Config, ConfigError, loadConfig } from './config.ts';
import { createLogger } from './logger.ts';

// `npm start` caps the young generation with --max-semi-space-size, a V8 flag
// that applies to every isolate and outranks a worker's resourceLimits. This
// thread's heap is sized by now: clearing the flag lets each worker thread's
// resourceLimits size its own (store/merge.ts: smaller than this one's).
v8.setFlagsFromString('--max-semi-space-size=0');

const EXIT_CONFIG = 2;

let config: Config;
try {
  config = loadConfig(process.env);
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`atelier: invalid configuration: ${err.message}\n`);
    process.exit(EXIT_CONFIG);
  }
  throw err;
}

const EXIT_START_FAILED = 1;

const logger = createLogger(config.logLevel);
let atelier: Awaited<ReturnType<typeof startAtelier>>;
try {
  atelier = await startAtelier(config, logger);
} catch (err) {
  // A service it needs (PostgreSQL, Redis) is unreachable, or the port is taken.
  logger.fatal({ err }, 'start-up failed');
  process.stderr.write(`atelier: start-up failed: ${(err as Error).message}\n`);
  process.exit(EXIT_START_FAILED);
}

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down');
  const timer = setTimeout(() => {
    logger.error('shutdown timed out');
    process.exit(1);
  }, config.shutdownTimeoutMs);
  timer.unref();
  try {
    await atelier.close();
    process.exit(0);
  } catch (err) {
    logger.error({ err }, 'shutdown failed');
    process.exit(1);
  }
}
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));
