import { onTestFinished } from 'vitest';
import { openSqliteStore } from '../../server/store/sqlite/store.ts';
import { tempDir } from '../helpers/server.ts';
import { signalStoreContract } from './signal-store-contract.ts';

signalStoreContract('sqlite', async () => {
  const store = openSqliteStore(tempDir());
  onTestFinished(() => store.close());
  return store;
});
