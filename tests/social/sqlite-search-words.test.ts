import path from 'node:path';
import { onTestFinished } from 'vitest';
import { openDatabase } from '../../server/store/sqlite/database.ts';
import { SqliteGalleryStore } from '../../server/store/sqlite/gallery.ts';
import { MIGRATIONS } from '../../server/store/sqlite/migrations.ts';
import { SqliteRecordStore } from '../../server/store/sqlite/records.ts';
import { openSqliteStore } from '../../server/store/sqlite/store.ts';
import { tempDir } from '../helpers/server.ts';
import { searchWordsContract } from './search-words.contract.ts';

function opened(dir: string) {
  const store = openSqliteStore(dir);
  onTestFinished(() => store.close());
  return store;
}

searchWordsContract('sqlite', {
  async open() {
    return opened(tempDir());
  },
  async openBefore(migration) {
    const dir = tempDir();
    const upTo = MIGRATIONS.findIndex((m) => m.name === migration);
    if (upTo < 0) throw new Error(`no migration ${migration}`);
    const db = openDatabase(path.join(dir, 'atelier.db'), MIGRATIONS.slice(0, upTo));
    return {
      records: new SqliteRecordStore(db),
      gallery: new SqliteGalleryStore(db),
      async finish() {
        db.close();
        return opened(dir);
      },
    };
  },
});
