import path from 'node:path';
import type { MergeUpdates } from '../merge.ts';
import type { Store } from '../store.ts';
import { openDatabase } from './database.ts';
import { type CheckpointResult, SqliteMaintenance } from './maintenance.ts';
import { SqliteDocLog } from './doc-log.ts';
import { shareWrites } from './write-baton.ts';
import { SqliteJobStore } from './jobs.ts';
import { SqliteGalleryStore } from './gallery.ts';
import { SqliteRecordStore } from './records.ts';
import { SqliteSignalStore } from './signals.ts';
import { SqliteSessionStore } from './sessions.ts';
import { SqliteAccountStore } from './accounts.ts';
import { SqliteLiveStore } from './live.ts';
import { sqliteSocialStore } from './social.ts';
import { SqliteTimelineStore } from './timeline.ts';

export interface SqliteStoreOptions {
  /** Merging for compaction on the event loop's path (used only without the thread). */
  merge?: MergeUpdates;
  /** WAL checkpoints on the maintenance thread this often; 0: SQLite's own, on the event loop. */
  checkpointMs?: number;
  /** Compactions and checkpoints on a thread of their own (maintenance.ts); false keeps both here. */
  thread?: boolean;
  onMaintenanceError?: (message: string) => void;
  /** Each timed checkpoint on the thread as it completes. */
  onCheckpoint?: (result: CheckpointResult) => void;
  /** The thread moves the doc log's journal into doc_updates this often (doc-journal.ts); 0: only past its bound. */
  journalMs?: number;
}

/** The embedded store: one SQLite file in WAL mode under DATA_DIR. */
export function openSqliteStore(dataDir: string, options: SqliteStoreOptions = {}): Store {
  const { merge, checkpointMs = 1000, thread = true } = options;
  const file = path.join(dataDir, 'atelier.db');
  const db = openDatabase(file);
  const maintenance = thread
    ? new SqliteMaintenance(file, {
        checkpointMs,
        journalMs: options.journalMs,
        onError: options.onMaintenanceError,
        onCheckpoint: options.onCheckpoint,
      })
    : null;
  if (maintenance && checkpointMs > 0) db.exec('PRAGMA wal_autocheckpoint = 0');
  if (maintenance) shareWrites(db, maintenance.baton);
  const docLog = new SqliteDocLog(db, merge, maintenance ? (roomId) => maintenance.compact(roomId) : undefined);
  return {
    kind: 'sqlite',
    docLog,
    records: new SqliteRecordStore(db),
    jobs: new SqliteJobStore(db),
    gallery: new SqliteGalleryStore(db),
    signals: new SqliteSignalStore(db),
    sessions: new SqliteSessionStore(db),
    accounts: new SqliteAccountStore(db),
    social: sqliteSocialStore(db),
    timeline: new SqliteTimelineStore(db),
    live: new SqliteLiveStore(db),
    async ping() {
      db.prepare('SELECT 1').get();
    },
    async close() {
      await maintenance?.stop();
      if (!db.isOpen) return;
      docLog.drainJournal();
      // Leave the file whole and the WAL empty: a clean stop needs no recovery.
      db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
      db.close();
    },
  };
}
