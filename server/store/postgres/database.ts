// Opening PostgreSQL: a pool, the named migrations (applied once however many
// nodes start together), and a transaction helper.
import type pg from 'pg';
import type { Logger } from 'pino';
import { type Migration, MIGRATIONS } from './migrations.ts';

export type Pool = pg.Pool;
export type Client = pg.PoolClient;

/**
 * Keys of our advisory locks: the first half names what is locked, so they
 * never collide with another application's locks on the same database.
 */
export const LOCK_SPACE = {
  migrations: 0x41544c31, // 'ATL1'
  compaction: 0x41544c32, // 'ATL2'
  notifications: 0x41544c33, // 'ATL3'
  handles: 0x41544c34, // 'ATL4'
} as const;

// bytea arrives as Buffer, timestamps as Date (our records keep ISO strings),
// bigint (BIGSERIAL) as string: exact, and only ever compared inside SQL.
export interface PoolOptions {
  connectionString: string;
  max: number;
  logger: Logger;
  migrations?: readonly Migration[];
  /** An idle pooled connection broke (the server went away); logged as an error when not given. */
  onIdleError?: (err: Error) => void;
}

export async function openPool(options: PoolOptions): Promise<Pool> {
  // Imported here, not at the top: a SQLite node never loads the driver.
  const { default: driver } = await import('pg');
  const pool = new driver.Pool({ connectionString: options.connectionString, max: options.max });
  // An idle client whose connection breaks emits here; unhandled, it would kill the process.
  pool.on('error', options.onIdleError ?? ((err) => options.logger.error({ err }, 'postgresql connection lost')));
  try {
    await migrate(pool, options.migrations ?? MIGRATIONS, options.logger);
  } catch (err) {
    await pool.end();
    throw err;
  }
  return pool;
}

/** Runs fn inside BEGIN … COMMIT on one client, rolling back if it throws. */
export async function transaction<T>(pool: Pool, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/**
 * Applies every migration not yet recorded, each in its own transaction,
 * holding a session advisory lock so nodes starting at once take turns: the
 * second finds the work done. The lock goes with the connection if we die.
 */
async function migrate(pool: Pool, migrations: readonly Migration[], logger: Logger): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1, 0)', [LOCK_SPACE.migrations]);
    await client.query('CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())');
    const { rows } = await client.query<{ name: string }>('SELECT name FROM migrations');
    const applied = new Set(rows.map((row) => row.name));
    for (const migration of migrations) {
      if (applied.has(migration.name)) continue;
      await client.query('BEGIN');
      try {
        await client.query(migration.sql);
        await client.query('INSERT INTO migrations (name) VALUES ($1)', [migration.name]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${migration.name} failed: ${(err as Error).message}`, { cause: err });
      }
      logger.info({ migration: migration.name }, 'migration applied');
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1, 0)', [LOCK_SPACE.migrations]).catch(() => undefined);
    client.release();
  }
}

/** A Buffer from pg as a plain Uint8Array of its own (pg's may share a pooled slab). */
export function bytes(value: unknown): Uint8Array {
  if (!(value instanceof Uint8Array)) throw new Error('expected bytea');
  return new Uint8Array(value);
}

/** A Uint8Array as the Buffer pg sends as bytea, without copying. */
export function toBuffer(data: Uint8Array): Buffer {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}
