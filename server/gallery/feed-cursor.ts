// Opaque keyset cursors: the sort key of the last item served, base64url
// encoded, tagged with the list it belongs to. A cursor only ever points
// between two keys, so rows inserted or deleted elsewhere never shift what
// comes after it.
import { z } from 'zod';
import { AppError } from '../errors.ts';
import type { FeedPosition } from '../store/gallery.ts';

/** Every keyset-paged list of works: the gallery's sorts, search results, remixes. */
export type FeedKind = 'new' | 'top' | 'following' | 'search';

const TAGS: Record<FeedKind, string> = { new: 'n', top: 't', following: 'f', search: 's' };
const key = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const cursorSchema = z.union([z.tuple([z.enum(['n', 'f', 's']), key]), z.tuple([z.literal('t'), key, key])]);

export function encodeCursor(kind: FeedKind, position: FeedPosition): string {
  const parts = position.sort === 'new' ? [TAGS[kind], position.seq] : [TAGS[kind], position.likes, position.seq];
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

/** The position a cursor names; `bad_request` for anything else, or a cursor of another list. */
export function decodeCursor(cursor: string, kind: FeedKind): FeedPosition {
  let parsed: z.infer<typeof cursorSchema>;
  try {
    parsed = cursorSchema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch (err) {
    throw new AppError('bad_request', 'cursor: not a cursor this server gave out', { cause: err });
  }
  if (parsed[0] !== TAGS[kind]) {
    const other = (Object.keys(TAGS) as FeedKind[]).find((k) => TAGS[k] === parsed[0]);
    throw new AppError('bad_request', `cursor: it belongs to ${other === 'search' ? 'a search' : `sort=${other}`}`);
  }
  return parsed[0] === 't' ? { sort: 'top', likes: parsed[1], seq: parsed[2] } : { sort: 'new', seq: parsed[1] };
}
