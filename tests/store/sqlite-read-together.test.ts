// Reads made together see one snapshot: a write by another connection (the
// maintenance thread's, in the server) cannot land between them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, readTogether, transaction } from '../../server/store/sqlite/database.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function open() {
  const dir = mkdtempSync(path.join(tmpdir(), 'atelier-read-together-'));
  dirs.push(dir);
  const file = path.join(dir, 'db.sqlite');
  const db = openDatabase(file);
  db.exec('CREATE TABLE t (n INTEGER)');
  const other = new DatabaseSync(file);
  const count = () => Number(db.prepare('SELECT count(*) AS c FROM t').get()?.c);
  return { db, other, count };
}

describe('readTogether', () => {
  it('sees one snapshot across its reads, and leaves no transaction open, even when it throws', () => {
    const { db, other, count } = open();
    const seen = readTogether(db, () => {
      const before = count();
      other.exec('INSERT INTO t VALUES (1)');
      return [before, count()];
    });
    expect(seen).toEqual([0, 0]);
    expect(db.isTransaction).toBe(false);
    expect(count()).toBe(1);
    expect(() =>
      readTogether(db, () => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(db.isTransaction).toBe(false);
    other.close();
    db.close();
  });

  it('inside a transaction already, runs in it', () => {
    const { db, other, count } = open();
    transaction(db, () => {
      db.exec('INSERT INTO t VALUES (1)');
      expect(readTogether(db, count)).toBe(1);
      expect(db.isTransaction).toBe(true);
    });
    expect(count()).toBe(1);
    other.close();
    db.close();
  });
});
