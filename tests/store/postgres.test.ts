// The store contract suites against PostgreSQL, each test in a database of its
// own; plus what only a shared server can show: migrations when several nodes
// start at once, and the pool size setting.
import pg from 'pg';
import pino from 'pino';
import { expect, it, onTestFinished } from 'vitest';
import { MergeWorker } from '../../server/store/merge.ts';
import { openPool } from '../../server/store/postgres/database.ts';
import { PostgresDocLog } from '../../server/store/postgres/doc-log.ts';
import { PostgresGalleryStore } from '../../server/store/postgres/gallery.ts';
import { MIGRATIONS } from '../../server/store/postgres/migrations.ts';
import { PostgresRecordStore } from '../../server/store/postgres/records.ts';
import { MIGRATIONS as SQLITE_MIGRATIONS } from '../../server/store/sqlite/migrations.ts';
import { openPostgresStore } from '../../server/store/postgres/store.ts';
import { createTestDatabase, describeWith, postgresService } from '../helpers/services.ts';
import { galleryStoreContract } from '../gallery/gallery-store-contract.ts';
import { signalStoreContract } from '../signals/signal-store-contract.ts';
import { searchWordsContract } from '../social/search-words.contract.ts';
import { socialStoreContract } from '../social/social-store-contract.ts';
import { jobStoreContract, storeFixture } from '../generation/job-store-contract.ts';
import { accountStoreContract } from './accounts.contract.ts';
import { docLogContract } from './doc-log.contract.ts';
import { sessionStoreContract } from './sessions.contract.ts';
import { recordStoreContract } from './records.contract.ts';

const service = await postgresService();
const logger = pino({ level: 'silent' });

describeWith([service], 'PostgreSQL store', () => {
  docLogContract('PostgreSQL', async () => {
    const url = await createTestDatabase(service);
    return {
      // Each handle is its own pool on the same database, like two nodes.
      async open() {
        const pool = await openPool({ connectionString: url, max: 4, logger });
        return { docLog: new PostgresDocLog(pool), close: () => pool.end() };
      },
      async destroy() {},
    };
  });

  // Merging on a worker thread lets appends and other compactors run while a compaction merges.
  docLogContract('PostgreSQL, merging on a worker thread', async () => {
    const url = await createTestDatabase(service);
    const worker = new MergeWorker();
    return {
      async open() {
        const pool = await openPool({ connectionString: url, max: 4, logger });
        return { docLog: new PostgresDocLog(pool, worker.merge), close: () => pool.end() };
      },
      destroy: () => worker.close(),
    };
  });

  recordStoreContract('PostgreSQL', async () => {
    const url = await createTestDatabase(service);
    const pool = await openPool({ connectionString: url, max: 4, logger });
    return { records: new PostgresRecordStore(pool), destroy: () => pool.end() };
  });

  jobStoreContract('PostgreSQL', async () => {
    const url = await createTestDatabase(service);
    const store = await openPostgresStore({ url, poolMax: 4, logger });
    onTestFinished(() => store.close());
    return storeFixture(store);
  });

  galleryStoreContract('PostgreSQL', async () => {
    const store = await openPostgresStore({ url: await createTestDatabase(service), poolMax: 4, logger });
    onTestFinished(() => store.close());
    return store;
  });

  signalStoreContract('PostgreSQL', async () => {
    const store = await openPostgresStore({ url: await createTestDatabase(service), poolMax: 4, logger });
    onTestFinished(() => store.close());
    return store;
  });

  async function accountsBackend() {
    const url = await createTestDatabase(service);
    const store = await openPostgresStore({ url, poolMax: 4, logger });
    onTestFinished(() => store.close());
    return {
      store,
      async breakDeletesOn(table: string) {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        try {
          await client.query(
            `CREATE FUNCTION broken() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$ LANGUAGE plpgsql`,
          );
          await client.query(`CREATE TRIGGER broken BEFORE DELETE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION broken()`);
        } finally {
          await client.end();
        }
      },
    };
  }
  sessionStoreContract('PostgreSQL', accountsBackend);
  accountStoreContract('PostgreSQL', accountsBackend);
  socialStoreContract('PostgreSQL', async () => {
    const store = await openPostgresStore({ url: await createTestDatabase(service), poolMax: 4, logger });
    onTestFinished(() => store.close());
    return store;
  });

  searchWordsContract('PostgreSQL', {
    async open() {
      const store = await openPostgresStore({ url: await createTestDatabase(service), poolMax: 4, logger });
      onTestFinished(() => store.close());
      return store;
    },
    async openBefore(migration) {
      const url = await createTestDatabase(service);
      const upTo = MIGRATIONS.findIndex((m) => m.name === migration);
      if (upTo < 0) throw new Error(`no migration ${migration}`);
      const pool = await openPool({ connectionString: url, max: 2, logger, migrations: MIGRATIONS.slice(0, upTo) });
      return {
        records: new PostgresRecordStore(pool),
        gallery: new PostgresGalleryStore(pool),
        async finish() {
          await pool.end();
          const store = await openPostgresStore({ url, poolMax: 4, logger });
          onTestFinished(() => store.close());
          return store;
        },
      };
    },
  });

  it('has the same named migrations as SQLite', () => {
    expect(MIGRATIONS.map((m) => m.name)).toEqual(SQLITE_MIGRATIONS.map((m) => m.name));
  });

  it('applies migrations once when several nodes start at the same moment', async () => {
    const url = await createTestDatabase(service);
    const stores = await Promise.all([1, 2, 3, 4].map(() => openPostgresStore({ url, poolMax: 2, logger })));
    try {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      const { rows } = await client.query<{ name: string }>('SELECT name FROM migrations');
      await client.end();
      // Each once: compared as sorted lists, since areas' migrations are not named in the order they run.
      expect(rows.map((r) => r.name).sort()).toEqual(MIGRATIONS.map((m) => m.name).sort());
      // And every node can use the schema.
      for (const store of stores) await store.ping();
      await stores[0]!.docLog.append('r', [new Uint8Array([0, 0])]);
      expect((await stores[3]!.docLog.load('r')).entries).toBe(1);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it('a failing migration is rolled back whole and stops start-up', async () => {
    const url = await createTestDatabase(service);
    const broken = [...MIGRATIONS, { name: '999-broken', sql: 'CREATE TABLE half_done (id INT); SELECT no_such_function();' }];
    await expect(openPool({ connectionString: url, max: 1, logger, migrations: broken })).rejects.toThrow(/999-broken/);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const tables = await client.query("SELECT 1 FROM information_schema.tables WHERE table_name = 'half_done'");
    const applied = await client.query('SELECT name FROM migrations');
    await client.end();
    expect(tables.rowCount).toBe(0);
    expect(applied.rows.map((r) => r.name)).toEqual(MIGRATIONS.map((m) => m.name));
  });

  it('DATABASE_POOL_MAX bounds the connections one node opens', async () => {
    const url = await createTestDatabase(service);
    const store = await openPostgresStore({ url, poolMax: 2, logger });
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      // Eight statements at once queue for two connections; unbounded, they would open eight.
      await Promise.all(Array.from({ length: 8 }, (_, i) => store.docLog.load(`r${i}`)));
      const { rows } = await admin.query<{ n: string }>(
        'SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
      );
      expect(Number(rows[0]!.n)).toBe(2);
    } finally {
      await admin.end();
      await store.close();
    }
  });
});
