import path from 'node:path';
import type { MergeUpdates } from '../merge.ts';
import type { Store } from '../store.ts';
import { openDatabase } from './database.ts';
import { SqliteDocLog } from './doc-log.ts';
import { SqliteJobStore } from './jobs.ts';
import { SqliteGalleryStore } from './gallery.ts';
import { SqliteRecordStore } from './records.ts';
import { SqliteSignalStore } from './signals.ts';

/** The embedded store: one SQLite file in WAL mode under DATA_DIR. */
export function openSqliteStore(dataDir: string, merge?: MergeUpdates): Store {
  const db = openDatabase(path.join(dataDir, 'atelier.db'));
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
      if (db.isOpen) db.close();
    },
  };
}
