// A write waits out another connection's write lock (the maintenance thread's
// journal move, say) for its whole allowance, even when signals cut SQLite's
// own sleeps short: under a sampling profiler, busy_timeout's 5 s lasted about
// 100 ms and POST /api/rooms answered 500 "database is locked".
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LOCK_WAIT_MS, openDatabase, transaction } from '../../server/store/sqlite/database.ts';
import { SqliteRecordStore } from '../../server/store/sqlite/records.ts';
import { holdWriteLock, whileProfiled } from '../helpers/sqlite-contention.ts';

/** Well past what SQLite's sleeps add up to when each is cut short, well within LOCK_WAIT_MS. */
const HOLD_MS = 1500;

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function open() {
  const dir = mkdtempSync(path.join(tmpdir(), 'atelier-lock-wait-'));
  dirs.push(dir);
  const file = path.join(dir, 'db.sqlite');
  const db = openDatabase(file);
  db.exec('CREATE TABLE t (n INTEGER)');
  return { db, file };
}

describe('waiting for the write lock', () => {
  it('waits for another connection to let go of the write lock while a profiler interrupts its sleeps', async () => {
    expect(HOLD_MS * 2).toBeLessThan(LOCK_WAIT_MS);
    const { db, file } = open();
    const lock = await holdWriteLock(file, HOLD_MS);
    const heldAtBegin = await whileProfiled(() => {
      const held = Atomics.load(lock.released, 0) === 0;
      transaction(db, () => db.exec('INSERT INTO t VALUES (1)'));
      return held;
    });
    await lock.done;
    // Otherwise the lock was gone before the write began, and nothing was tested.
    expect(heldAtBegin).toBe(true);
    expect(db.prepare('SELECT count(*) AS c FROM t').get()?.c).toBe(1);
    expect(db.isTransaction).toBe(false);
    db.close();
  });

  it('a write outside a transaction (a remembered membership, as a join with an invite makes) waits likewise', async () => {
    const { db, file } = open();
    const records = new SqliteRecordStore(db);
    const at = new Date().toISOString();
    for (const id of ['owner', 'guest']) await records.createUser({ id, name: id, color: '#000000', createdAt: at, shareSignals: false });
    await records.createRoom({ id: 'room', title: 't', ownerId: 'owner', linkAccess: 'edit', remixOf: null, createdAt: at }, []);
    const lock = await holdWriteLock(file, HOLD_MS);
    const heldAtBegin = await whileProfiled(async () => {
      const held = Atomics.load(lock.released, 0) === 0;
      await records.rememberMembership('room', 'guest', 'editor');
      return held;
    });
    await lock.done;
    expect(heldAtBegin).toBe(true);
    expect(await records.getMembership('room', 'guest')).toBe('editor');
    db.close();
  });

  it('still fails on errors other than a held lock, at once', () => {
    const { db } = open();
    expect(() => transaction(db, () => db.exec('INSERT INTO missing VALUES (1)'))).toThrow(/no such table/);
    expect(db.isTransaction).toBe(false);
    db.close();
  });
});
