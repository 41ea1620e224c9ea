import { onTestFinished } from 'vitest';
import { openSqliteStore } from '../../server/store/sqlite/store.ts';
import { tempDir } from '../helpers/server.ts';
import { socialStoreContract } from './social-store-contract.ts';

socialStoreContract('sqlite', async () => {
  const store = openSqliteStore(tempDir());
  onTestFinished(() => store.close());
  return store;
});
