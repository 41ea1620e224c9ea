// Opaque cursors for the social lists: the key of the last item served (one
// or two integers) tagged with the list it belongs to, base64url encoded.
import { z } from 'zod';
import { AppError } from '../errors.ts';

const keys = z.array(z.number().int().min(0).max(Number.MAX_SAFE_INTEGER)).min(1).max(2);
const cursorSchema = z.tuple([z.string().max(16)]).rest(z.number());

export function encodeKeys(list: string, ...position: number[]): string {
  return Buffer.from(JSON.stringify([list, ...position])).toString('base64url');
}

/** The key a cursor names; `bad_request` for anything else, or a cursor of another list. */
export function decodeKeys(cursor: string, list: string, count: 1 | 2): number[] {
  let parsed: unknown[];
  try {
    parsed = cursorSchema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch (err) {
    throw new AppError('bad_request', 'cursor: not a cursor this server gave out', { cause: err });
  }
  const [tag, ...rest] = parsed;
  const position = keys.safeParse(rest);
  if (tag !== list || !position.success || position.data.length !== count) {
    throw new AppError('bad_request', 'cursor: not a cursor of this list');
  }
  return position.data;
}

/** A page of `limit` from `limit + 1` rows read: the items, and the cursor after the last when there are more. */
export function pageOf<T, R>(rows: readonly T[], limit: number, show: (row: T) => R, cursorAfter: (last: T) => string) {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items: items.map(show), nextCursor: rows.length > limit && last !== undefined ? cursorAfter(last) : null };
}
