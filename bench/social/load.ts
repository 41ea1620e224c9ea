// Bulk-loading the data set: SQLite in one transaction of prepared inserts,
// PostgreSQL with COPY (pg-copy-streams), both after the server's own
// migrations, so triggers and indexes are the real ones.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DatabaseSync } from 'node:sqlite';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import pino from 'pino';
import { openPool } from '../../server/store/postgres/database.ts';
import { openSqliteStore } from '../../server/store/sqlite/store.ts';
import { benchId, type Dataset } from './dataset.ts';

export const BENCH_ROOM = benchId('r', 0);
const IMAGE = `/media/${'b'.repeat(64)}.png`;
const THUMB = `/media/${'c'.repeat(64)}.webp`;

/** Seconds each part took. */
export type LoadTimes = Record<string, number>;

/** Sessions the bench's tokens name: seen at load, working for as long as any run lasts. */
const SEEN = new Date().toISOString();
const SESSIONS_EXPIRE = '2099-01-01T00:00:00.000Z';

async function timed<T>(times: LoadTimes, part: string, fn: () => T | Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await fn();
  times[part] = +((performance.now() - started) / 1000).toFixed(2);
  return result;
}

export async function loadSqlite(dataDir: string, data: Dataset): Promise<LoadTimes> {
  // Migrations as the server runs them, then a plain connection for the load.
  await openSqliteStore(dataDir, { thread: false }).close();
  const db = new DatabaseSync(`${dataDir}/atelier.db`);
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF; PRAGMA foreign_keys = OFF; PRAGMA cache_size = -262144;');
  const times: LoadTimes = {};
  db.exec('BEGIN');
  await timed(times, 'users', () => {
    const insert = db.prepare('INSERT INTO users (id, name, color, created_at) VALUES (?, ?, ?, ?)');
    for (const u of data.users) insert.run(u.id, u.name, u.color, u.createdAt);
    // Each user's one sign-in session, named by the user's id (the bench signs tokens for them).
    const session = db.prepare('INSERT INTO sessions (id, user_id, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?)');
    for (const u of data.users) session.run(u.id, u.id, u.createdAt, SEEN, SESSIONS_EXPIRE);
    db.prepare("INSERT INTO rooms (id, title, owner_id, link_access, created_at) VALUES (?, 'bench', ?, 'edit', ?)").run(
      BENCH_ROOM,
      data.users[0]!.id,
      data.users[0]!.createdAt,
    );
  });
  await timed(times, 'works', () => {
    const work = db.prepare(
      `INSERT INTO works (seq, id, room_id, published_by, title, description, prompt, width, height, image_url, thumb_url,
         placeholder, layers, likes, created_at, tags) VALUES (?, ?, ?, ?, ?, ?, ?, 1024, 1024, ?, ?, '#8899aa', '[]', ?, ?, ?)`,
    );
    const author = db.prepare('INSERT INTO work_authors (work_id, position, user_id) VALUES (?, ?, ?)');
    const tag = db.prepare('INSERT INTO work_tags (tag, work_seq) VALUES (?, ?)');
    for (const w of data.works) {
      work.run(
        w.seq,
        w.id,
        BENCH_ROOM,
        w.publishedBy,
        w.title,
        w.description,
        w.prompt,
        IMAGE,
        THUMB,
        w.likes,
        w.createdAt,
        JSON.stringify(w.tags),
      );
      for (const [i, id] of w.authorIds.entries()) author.run(w.id, i, id);
      for (const t of w.tags) tag.run(t, w.seq);
    }
  });
  await timed(times, 'follows', () => {
    const insert = db.prepare('INSERT INTO follows (follower_id, followee_id, created_at) VALUES (?, ?, ?)');
    for (const f of data.follows) insert.run(f.follower, f.followee, f.createdAt);
  });
  await timed(times, 'comments', () => {
    const insert = db.prepare(
      'INSERT INTO comments (seq, id, work_id, parent_id, thread_seq, author_id, body, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    for (const c of data.comments) insert.run(c.seq, c.id, c.workId, c.parentId, c.threadSeq, c.authorId, c.body, c.createdAt);
  });
  await timed(times, 'commit', () => db.exec('COMMIT'));
  await timed(times, 'analyze', () => db.exec('ANALYZE; PRAGMA wal_checkpoint(TRUNCATE);'));
  db.close();
  return times;
}

/** COPY text format: tab-separated, `\N` for null, backslash, tab and newlines escaped. */
function copyText(rows: Iterable<Array<string | number | null>>): Readable {
  const field = (v: string | number | null) =>
    v === null ? '\\N' : String(v).replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
  return Readable.from(
    (function* () {
      let chunk = '';
      for (const row of rows) {
        chunk += `${row.map(field).join('\t')}\n`;
        if (chunk.length > 1 << 16) {
          yield chunk;
          chunk = '';
        }
      }
      if (chunk) yield chunk;
    })(),
  );
}

export async function loadPostgres(url: string, data: Dataset): Promise<LoadTimes> {
  await (await openPool({ connectionString: url, max: 1, logger: pino({ level: 'silent' }) })).end();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const times: LoadTimes = {};
  const copy = (table: string, columns: string, rows: Iterable<Array<string | number | null>>) =>
    pipeline(copyText(rows), client.query(copyFrom(`COPY ${table} (${columns}) FROM STDIN`)));
  try {
    await client.query('BEGIN');
    await timed(times, 'users', async () => {
      await copy(
        'users',
        'id, name, color, created_at',
        data.users.map((u) => [u.id, u.name, u.color, u.createdAt]),
      );
      await copy(
        'sessions',
        'id, user_id, created_at, last_seen_at, expires_at',
        data.users.map((u) => [u.id, u.id, u.createdAt, SEEN, SESSIONS_EXPIRE]),
      );
      await client.query("INSERT INTO rooms (id, title, owner_id, link_access, created_at) VALUES ($1, 'bench', $2, 'edit', $3)", [
        BENCH_ROOM,
        data.users[0]!.id,
        data.users[0]!.createdAt,
      ]);
    });
    await timed(times, 'works', async () => {
      await copy(
        'works',
        'seq, id, room_id, published_by, title, description, prompt, width, height, image_url, thumb_url, placeholder, layers, likes, created_at, tags',
        data.works.map((w) => [
          w.seq,
          w.id,
          BENCH_ROOM,
          w.publishedBy,
          w.title,
          w.description,
          w.prompt,
          1024,
          1024,
          IMAGE,
          THUMB,
          '#8899aa',
          '[]',
          w.likes,
          w.createdAt,
          JSON.stringify(w.tags),
        ]),
      );
      await copy(
        'work_authors',
        'work_id, position, user_id',
        data.works.flatMap((w) => w.authorIds.map((id, i) => [w.id, i, id])),
      );
      await copy(
        'work_tags',
        'tag, work_seq',
        data.works.flatMap((w) => w.tags.map((t) => [t, w.seq])),
      );
      await client.query("SELECT setval(pg_get_serial_sequence('works', 'seq'), (SELECT max(seq) FROM works))");
    });
    await timed(times, 'follows', () =>
      copy(
        'follows',
        'follower_id, followee_id, created_at',
        (function* () {
          for (const f of data.follows) yield [f.follower, f.followee, f.createdAt];
        })(),
      ),
    );
    await timed(times, 'comments', async () => {
      await copy(
        'comments',
        'seq, id, work_id, parent_id, thread_seq, author_id, body, created_at',
        (function* () {
          for (const c of data.comments) yield [c.seq, c.id, c.workId, c.parentId, c.threadSeq, c.authorId, c.body, c.createdAt];
        })(),
      );
      await client.query("SELECT setval(pg_get_serial_sequence('comments', 'seq'), (SELECT max(seq) FROM comments))");
    });
    await timed(times, 'commit', () => client.query('COMMIT'));
    await timed(times, 'analyze', () => client.query('VACUUM ANALYZE'));
  } finally {
    await client.end();
  }
  return times;
}
