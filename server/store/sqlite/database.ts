// Opening the embedded database: WAL, named migrations, and a transaction helper.
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { type Migration, MIGRATIONS } from './migrations.ts';
import { batonOf } from './write-baton.ts';

export type Db = DatabaseSync;

/**
 * How long a write waits for another connection's write lock (the maintenance
 * thread's journal move or compaction swap), in wall-clock time. SQLite's
 * busy_timeout alone does not hold to it: it adds up the sleeps it asks for,
 * not the time they took, and a signal ends each sleep early. Under a sampling
 * profiler (SIGPROF every millisecond: --cpu-prof, the inspector's profiler)
 * its 5 s lasted about 100 ms, and a room's creation failed with "database is
 * locked" whenever a journal move took longer.
 */
export const LOCK_WAIT_MS = 5000;
const SQLITE_BUSY = 5;

/** `migrations`: those to apply, all of them unless a test wants a database as an older release left it. */
export function openDatabase(file: string, migrations: readonly Migration[] = MIGRATIONS): Db {
  const db = new DatabaseSync(file);
  // WAL with synchronous=NORMAL: a committed transaction survives a killed
  // process (not a power cut), and appends cost no fsync each.
  db.exec(`
    PRAGMA journal_mode = WAL;
    PRAGMA synchronous = NORMAL;
    PRAGMA busy_timeout = ${LOCK_WAIT_MS};
    PRAGMA foreign_keys = ON;
  `);
  migrate(db, migrations);
  waitsByTheClock(db);
  return db;
}

/**
 * Every statement the connection prepares from now on runs through
 * untilUnlocked: a write outside a transaction waits for the lock as a
 * transaction's BEGIN does, whoever prepares it (inside a transaction the lock
 * is held and nothing is refused busy).
 */
function waitsByTheClock(db: Db): void {
  const prepare = db.prepare.bind(db);
  db.prepare = (sql: string): StatementSync => {
    const statement = prepare(sql);
    const { run, get, all } = statement;
    type Run = ReturnType<StatementSync['run']>;
    type Get = ReturnType<StatementSync['get']>;
    type All = ReturnType<StatementSync['all']>;
    statement.run = (...params) => untilUnlocked(() => Reflect.apply(run, statement, params) as Run);
    statement.get = (...params) => untilUnlocked(() => Reflect.apply(get, statement, params) as Get);
    statement.all = (...params) => untilUnlocked(() => Reflect.apply(all, statement, params) as All);
    return statement;
  };
}

/**
 * Runs fn in one transaction; IMMEDIATE so concurrent processes queue instead
 * of failing mid-way. A connection that shares its writes with another thread
 * (write-baton.ts) holds the baton throughout.
 */
export function transaction<T>(db: Db, fn: () => T): T {
  const baton = batonOf(db);
  return baton ? baton.hold(() => immediate(db, fn)) : immediate(db, fn);
}

function immediate<T>(db: Db, fn: () => T): T {
  untilUnlocked(() => db.exec('BEGIN IMMEDIATE'));
  try {
    const result = fn();
    db.exec('COMMIT');
    return result;
  } catch (err) {
    db.exec('ROLLBACK');
    throw err;
  }
}

/**
 * Runs fn again while another connection holds the write lock, until
 * LOCK_WAIT_MS have passed: a BEGIN IMMEDIATE, or one write outside a
 * transaction (refused busy, it changed nothing). Each attempt has slept in
 * SQLite's busy handler already; without signals, the first waited it all.
 */
export function untilUnlocked<T>(fn: () => T): T {
  const deadline = performance.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      return fn();
    } catch (err) {
      if (!isBusy(err) || performance.now() >= deadline) throw err;
    }
  }
}

/** SQLITE_BUSY or one of its extended codes: another connection holds the lock. */
function isBusy(err: unknown): boolean {
  const code = (err as { errcode?: unknown } | null)?.errcode;
  return typeof code === 'number' && (code & 0xff) === SQLITE_BUSY;
}

/**
 * Runs several reads in one read transaction: they see one snapshot (a
 * writer on another connection, such as the maintenance thread, cannot land
 * between them), and the WAL is locked and unlocked once, not once per
 * statement (two system calls each). Inside a transaction already, just fn.
 */
export function readTogether<T>(db: Db, fn: () => T): T {
  if (db.isTransaction) return fn();
  db.exec('BEGIN');
  try {
    return fn();
  } finally {
    db.exec('COMMIT');
  }
}

function migrate(db: Db, migrations: readonly Migration[]): void {
  // SQLite cannot compose text; text-002 composes what older releases stored with JavaScript's normalize.
  db.function('nfc', { deterministic: true }, (text) => (typeof text === 'string' ? text.normalize('NFC') : text));
  db.exec('CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)');
  const applied = new Set(
    db
      .prepare('SELECT name FROM migrations')
      .all()
      .map((row) => String(row.name)),
  );
  for (const migration of migrations) {
    if (applied.has(migration.name)) continue;
    transaction(db, () => {
      db.exec(migration.sql);
      db.prepare('INSERT INTO migrations (name, applied_at) VALUES (?, ?)').run(migration.name, new Date().toISOString());
    });
  }
}
