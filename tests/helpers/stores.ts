// Stores of a test's own, on either backend, cleaned up when the test
// finishes; and the one way a store contract suite runs on both backends.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { onTestFinished } from 'vitest';
import { openPostgresStore } from '../../server/store/postgres/store.ts';
import { openSqliteStore } from '../../server/store/sqlite/store.ts';
import type { Store } from '../../server/store/store.ts';
import { createTestDatabase, describeWith, postgresService, type Service } from './services.ts';

/** A SQLite store (no worker thread) in a temporary folder, closed and removed when the test finishes. */
export function tempSqliteStore(prefix = 'atelier-store-'): Store {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  const store = openSqliteStore(dir, { thread: false });
  onTestFinished(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return store;
}

/** A PostgreSQL store on a database of this test's own, closed when the test finishes. */
export async function tempPostgresStore(service: Service): Promise<Store> {
  const store = await openPostgresStore({ url: await createTestDatabase(service), poolMax: 4, logger: pino({ level: 'silent' }) });
  onTestFinished(() => store.close());
  return store;
}

/** Runs `contract` on SQLite and, when PostgreSQL answers, on PostgreSQL (`describeWith` says why it is skipped otherwise). */
export async function onBothStores(what: string, contract: (backend: string, open: () => Promise<Store>) => void): Promise<void> {
  contract('SQLite', async () => tempSqliteStore(`atelier-${what.replaceAll(' ', '-')}-`));
  const service = await postgresService();
  describeWith([service], `PostgreSQL ${what}`, () => contract('PostgreSQL', () => tempPostgresStore(service)));
}
