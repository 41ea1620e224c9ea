import path from 'node:path';
import type { MergeUpdates } from '../merge.ts';
import type { Store } from '../store.ts';
import { Checkpointer } from './checkpointer.ts';
import { openDatabase } from './database.ts';
import { SqliteDocLog } from './doc-log.ts';
import { SqliteJobStore } from './jobs.ts';
import { SqliteGalleryStore } from './gallery.ts';
import { SqliteRecordStore } from './records.ts';
import { SqliteSignalStore } from './signals.ts';

export interface SqliteStoreOptions {
  merge?: MergeUpdates;
  /** WAL checkpoints on a thread this often (checkpointer.ts); 0: SQLite's own, on the event loop. */
  checkpointMs?: number;
  onCheckpointError?: (message: string) => void;
}

/** The embedded store: one SQLite file in WAL mode under DATA_DIR. */
export function openSqliteStore(dataDir: string, options: SqliteStoreOptions = {}): Store {
  const { merge, checkpointMs = 1000 } = options;
  const file = path.join(dataDir, 'atelier.db');
  const db = openDatabase(file);
  let checkpointer: Checkpointer | null = null;
  if (checkpointMs > 0) {
    db.exec('PRAGMA wal_autocheckpoint = 0');
    checkpointer = new Checkpointer(file, checkpointMs, options.onCheckpointError);
  }
  return {
    kind: 'sqlite',
    docLog: new SqliteDocLog(db, merge),
    records: new SqliteRecordStore(db),
    jobs: new SqliteJobStore(db),
    gallery: new SqliteGalleryStore(db),
    signals: new SqliteSignalStore(db),
    async ping() {
      db.prepare('SELECT 1').get();
    },
    async close() {
      await checkpointer?.stop();
      if (!db.isOpen) return;
      // Leave the file whole and the WAL empty: a clean stop needs no recovery.
      db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
      db.close();
    },
  };
}
