import { onTestFinished } from 'vitest';
import { openSqliteStore } from '../../server/store/sqlite/store.ts';
import { tempDir } from '../helpers/server.ts';
import { jobStoreContract, storeFixture } from './job-store-contract.ts';

jobStoreContract('sqlite', async () => {
  const store = openSqliteStore(tempDir());
  onTestFinished(() => store.close());
  return storeFixture(store);
});
