// Opens the configured backend: PostgreSQL when DATABASE_URL is set, else
// SQLite under DATA_DIR. The server and the export script open it the same way.
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { MergeWorker } from './merge.ts';
import type { OutageLog } from './outage-log.ts';
import { openPostgresStore } from './postgres/store.ts';
import { openSqliteStore } from './sqlite/store.ts';
import type { Store } from './store.ts';

/** The configured backend; the export script opens it the same way. */
export async function openStore(config: Config, merger: MergeWorker, logger: Logger, outage?: OutageLog): Promise<Store> {
  if (config.databaseUrl) {
    return openPostgresStore({
      url: config.databaseUrl,
      poolMax: config.databasePoolMax,
      merge: merger.merge,
      logger: logger.child({ module: 'store' }),
      outage,
    });
  }
  const storeLogger = logger.child({ module: 'store' });
  return openSqliteStore(config.dataDir, {
    merge: merger.merge,
    checkpointMs: config.sqliteCheckpointMs,
    onMaintenanceError: (message) => storeLogger.error({ message }, 'SQLite maintenance failed'),
  });
}
