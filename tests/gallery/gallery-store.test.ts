import { onTestFinished } from 'vitest';
import { openSqliteStore } from '../../server/store/sqlite/store.ts';
import { tempDir } from '../helpers/server.ts';
import { galleryStoreContract } from './gallery-store-contract.ts';

galleryStoreContract('sqlite', async () => {
  const store = openSqliteStore(tempDir());
  onTestFinished(() => store.close());
  return store;
});
