import { onTestFinished } from 'vitest';
import { randomId } from '../../server/ids.ts';
import { openSqliteStore } from '../../server/store/sqlite/store.ts';
import { tempDir } from '../helpers/server.ts';
import { jobStoreContract } from './job-store-contract.ts';

jobStoreContract('sqlite', async () => {
  const store = openSqliteStore(tempDir());
  onTestFinished(() => store.close());
  const owner = { id: randomId(), name: 'Owner', color: '#123456', createdAt: new Date().toISOString() };
  await store.records.createUser(owner);
  return {
    jobs: store.jobs,
    room: async () => {
      const id = randomId();
      await store.records.createRoom({ id, title: 't', ownerId: owner.id, linkAccess: 'edit', remixOf: null, createdAt: new Date().toISOString() }, []);
      return id;
    },
  };
});
