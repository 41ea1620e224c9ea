import type { Logger } from 'pino';
import type { MergeUpdates } from '../merge.ts';
import type { OutageLog } from '../outage-log.ts';
import type { Store } from '../store.ts';
import { openPool } from './database.ts';
import { PostgresDocLog } from './doc-log.ts';
import { PostgresGalleryStore } from './gallery.ts';
import { PostgresJobStore } from './jobs.ts';
import { PostgresRecordStore } from './records.ts';
import { PostgresSignalStore } from './signals.ts';
import { PostgresSessionStore } from './sessions.ts';
import { PostgresAccountStore } from './accounts.ts';
import { PostgresLiveStore } from './live.ts';
import { postgresSocialStore } from './social.ts';
import { PostgresTimelineStore } from './timeline.ts';

export interface PostgresStoreOptions {
  url: string;
  poolMax: number;
  /** Merges for compaction (the merge worker); inline when not given. */
  merge?: MergeUpdates;
  logger: Logger;
  /** Where lost pooled connections are reported (once per outage); else each is logged. */
  outage?: OutageLog;
}

/** The shared store of scaled mode: every node points at one PostgreSQL database. */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const { outage } = options;
  const pool = await openPool({
    connectionString: options.url,
    max: options.poolMax,
    logger: options.logger,
    onIdleError: outage ? (err) => outage.failed(err, { operation: 'idle connection' }) : undefined,
  });
  let closed = false;
  return {
    kind: 'postgres',
    docLog: new PostgresDocLog(pool, options.merge),
    records: new PostgresRecordStore(pool),
    jobs: new PostgresJobStore(pool),
    gallery: new PostgresGalleryStore(pool),
    signals: new PostgresSignalStore(pool),
    sessions: new PostgresSessionStore(pool),
    accounts: new PostgresAccountStore(pool),
    social: postgresSocialStore(pool),
    timeline: new PostgresTimelineStore(pool),
    live: new PostgresLiveStore(pool),
    async ping() {
      await pool.query('SELECT 1');
    },
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}
