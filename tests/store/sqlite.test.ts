import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../server/store/sqlite/database.ts';
import { MergeWorker } from '../../server/store/merge.ts';
import { SqliteDocLog } from '../../server/store/sqlite/doc-log.ts';
import { SqliteMaintenance } from '../../server/store/sqlite/maintenance.ts';
import { SqliteRecordStore } from '../../server/store/sqlite/records.ts';
import { openSqliteStore } from '../../server/store/sqlite/store.ts';
import { onTestFinished } from 'vitest';
import { accountStoreContract } from './accounts.contract.ts';
import { docLogContract } from './doc-log.contract.ts';
import { sessionStoreContract } from './sessions.contract.ts';
import { recordStoreContract } from './records.contract.ts';

function tempFile(): { file: string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'atelier-sqlite-'));
  return { file: path.join(dir, 'test.db'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

docLogContract('SQLite', async () => {
  const { file, remove } = tempFile();
  return {
    // Each handle is its own connection to the same file, like two processes.
    async open() {
      const db = openDatabase(file);
      return { docLog: new SqliteDocLog(db), close: async () => db.close() };
    },
    async destroy() {
      remove();
    },
  };
});

// Merging on a worker thread makes compaction truly concurrent with appends
// and with other compactors, which is what the contract's conflict tests probe.
docLogContract('SQLite, merging on a worker thread', async () => {
  const { file, remove } = tempFile();
  const worker = new MergeWorker();
  return {
    async open() {
      const db = openDatabase(file);
      return { docLog: new SqliteDocLog(db, worker.merge), close: async () => db.close() };
    },
    async destroy() {
      await worker.close();
      remove();
    },
  };
});

// Compacting whole on the maintenance thread (read, merge, swap on its own
// connection), as the server runs it, while appends go on here.
docLogContract('SQLite, compacting on the maintenance thread', async () => {
  const { file, remove } = tempFile();
  return {
    async open() {
      const db = openDatabase(file);
      const maintenance = new SqliteMaintenance(file, { checkpointMs: 0 });
      return {
        docLog: new SqliteDocLog(db, undefined, (roomId) => maintenance.compact(roomId)),
        close: async () => {
          await maintenance.stop();
          db.close();
        },
      };
    },
    async destroy() {
      remove();
    },
  };
});

recordStoreContract('SQLite', async () => {
  const { file, remove } = tempFile();
  const db = openDatabase(file);
  return {
    records: new SqliteRecordStore(db),
    async destroy() {
      db.close();
      remove();
    },
  };
});

async function sqliteAccountsBackend() {
  const dir = mkdtempSync(path.join(tmpdir(), 'atelier-sqlite-'));
  const store = openSqliteStore(dir, { thread: false });
  onTestFinished(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    store,
    async breakDeletesOn(table: string) {
      // Another connection to the same file, as another process would be: the trigger is in the schema.
      const db = openDatabase(path.join(dir, 'atelier.db'));
      db.exec(`CREATE TRIGGER broken_${table} BEFORE DELETE ON ${table} BEGIN SELECT RAISE(ABORT, 'injected failure'); END`);
      db.close();
    },
  };
}

sessionStoreContract('SQLite', sqliteAccountsBackend);
accountStoreContract('SQLite', sqliteAccountsBackend);
