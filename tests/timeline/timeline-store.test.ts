// The timeline store contract on both backends.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { onTestFinished } from 'vitest';
import { openPostgresStore } from '../../server/store/postgres/store.ts';
import { openSqliteStore } from '../../server/store/sqlite/store.ts';
import { createTestDatabase, describeWith, postgresService } from '../helpers/services.ts';
import { timelineStoreContract } from './timeline-store-contract.ts';

timelineStoreContract('SQLite', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'atelier-timeline-'));
  const store = openSqliteStore(dir, { thread: false });
  onTestFinished(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return store;
});

const service = await postgresService();
describeWith([service], 'PostgreSQL timeline store', () => {
  timelineStoreContract('PostgreSQL', async () => {
    const store = await openPostgresStore({ url: await createTestDatabase(service), poolMax: 4, logger: pino({ level: 'silent' }) });
    onTestFinished(() => store.close());
    return store;
  });
});
