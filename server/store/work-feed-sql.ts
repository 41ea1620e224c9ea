// The one query behind every list of works (gallery sorts, tags, following,
// search), for both SQL backends: live and visible works only, filters
// combined, keyset-paged by (seq) or (likes, seq).
import type { FeedQuery } from './gallery.ts';
import { userHidden } from './social-sql.ts';

export type Dialect = 'sqlite' | 'postgres';

/** Past every real key, for the first page. */
const FIRST = Number.MAX_SAFE_INTEGER;

/** What makes a work visible to everyone: not deleted, not hidden, its publisher not hidden. */
export const VISIBLE = `w.deleted_at IS NULL AND w.hidden_at IS NULL AND NOT ${userHidden('w.published_by')}`;

export interface FeedSql {
  sql: string;
  params: unknown[];
  /** The statement's shape (which filters, which sort): equal keys, equal SQL. */
  shape: string;
}

/** A full-text query from plain words: every word must match, the last as a prefix (typing "lighth" finds "lighthouse"). */
export function fullTextQuery(terms: readonly string[], dialect: Dialect): string {
  if (dialect === 'sqlite') return terms.map((t, i) => `"${t}"${i === terms.length - 1 ? '*' : ''}`).join(' ');
  return terms.map((t, i) => `${t}${i === terms.length - 1 ? ':*' : ''}`).join(' & ');
}

/** Below this many people followed, the following feed gathers their works instead of scanning all works. */
export const GATHER_FOLLOWS_BELOW = 20;

export interface FeedSqlOptions {
  /** For `followedBy`: whether to gather the followed people's works rather than scan (see GATHER_FOLLOWS_BELOW). */
  gatherFollows?: boolean;
}

export function feedSql(query: FeedQuery, dialect: Dialect, columns: string, options: FeedSqlOptions = {}): FeedSql {
  const params: unknown[] = [];
  const p = (value: unknown, cast = '') => {
    params.push(value);
    return dialect === 'sqlite' ? '?' : `$${params.length}${cast}`;
  };
  const big = dialect === 'postgres' ? '::bigint' : '';
  const { filter = {}, after, sort, limit } = query;
  const shape = [
    sort,
    filter.tag ? 't' : '',
    filter.followedBy ? (options.gatherFollows ? 'g' : 'f') : '',
    filter.authorId ? 'a' : '',
    filter.terms?.length ? 's' : '',
    filter.viewer ? 'v' : '',
  ].join('');
  let from = 'FROM works w';
  const where: string[] = [VISIBLE];
  if (filter.terms?.length) {
    const match = fullTextQuery(filter.terms, dialect);
    // SQLite: read the index in rowid (= seq) order, so a page stops early even for common words.
    if (dialect === 'sqlite') {
      from = 'FROM works_fts f JOIN works w ON w.seq = f.rowid';
      where.push(`works_fts MATCH ${p(match)}`);
    } else {
      where.push(`w.search @@ to_tsquery('english', ${p(match)})`);
    }
  }
  if (filter.tag) {
    from += ' JOIN work_tags t ON t.work_seq = w.seq';
    where.push(`t.tag = ${p(filter.tag)}`);
  }
  if (filter.authorId) where.push(`w.id IN (SELECT a.work_id FROM work_authors a WHERE a.user_id = ${p(filter.authorId)})`);
  if (filter.followedBy) {
    const follower = p(filter.followedBy);
    if (options.gatherFollows) {
      // Few people followed: gather their works and sort them (cheap however old they are).
      where.push(
        `w.id IN (SELECT a.work_id FROM follows fo JOIN work_authors a ON a.user_id = fo.followee_id WHERE fo.follower_id = ${follower})`,
      );
    } else {
      // Many followed: newest works first, each checked against the follows (a few index probes), so a page
      // is found after about limit ÷ (their share of all works) works, however many works they made.
      where.push(`EXISTS (SELECT 1 FROM work_authors a JOIN follows fo ON fo.followee_id = a.user_id
        WHERE a.work_id = w.id AND fo.follower_id = ${follower})`);
    }
  }
  if (filter.viewer) {
    where.push(`NOT EXISTS (SELECT 1 FROM work_authors ba JOIN blocks b ON b.blocked_id = ba.user_id
      WHERE ba.work_id = w.id AND b.blocker_id = ${p(filter.viewer)})`);
  }
  let order: string;
  if (sort === 'new') {
    where.push(`w.seq < ${p(after?.seq ?? FIRST, big)}`);
    order = filter.terms?.length && dialect === 'sqlite' ? 'ORDER BY f.rowid DESC' : 'ORDER BY w.seq DESC';
  } else {
    const likes = after?.sort === 'top' ? after.likes : FIRST;
    where.push(`(w.likes${big}, w.seq) < (${p(likes, big)}, ${p(after?.seq ?? FIRST, big)})`);
    order = 'ORDER BY w.likes DESC, w.seq DESC';
  }
  const sql = `SELECT ${columns} ${from} LEFT JOIN works p ON p.id = w.remix_of WHERE ${where.join(' AND ')} ${order} LIMIT ${p(limit)}`;
  return { sql, params, shape };
}
