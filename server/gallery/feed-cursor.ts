// Opaque keyset cursors: the sort key of the last item served, base64url
// encoded. A cursor only ever points between two keys, so rows inserted or
// deleted elsewhere never shift what comes after it.
import { z } from 'zod';
import type { GallerySort } from '../../shared/protocol.ts';
import { AppError } from '../errors.ts';
import type { FeedPosition } from '../store/gallery.ts';

const key = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const cursorSchema = z.union([z.tuple([z.literal('n'), key]), z.tuple([z.literal('t'), key, key])]);

export function encodeCursor(position: FeedPosition): string {
  const parts = position.sort === 'new' ? ['n', position.seq] : ['t', position.likes, position.seq];
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

/** The position a cursor names; `bad_request` for anything else, or a cursor of another sort. */
export function decodeCursor(cursor: string, sort: GallerySort): FeedPosition {
  let parsed: z.infer<typeof cursorSchema>;
  try {
    parsed = cursorSchema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch (err) {
    throw new AppError('bad_request', 'cursor: not a cursor this server gave out', { cause: err });
  }
  const position: FeedPosition = parsed[0] === 'n' ? { sort: 'new', seq: parsed[1] } : { sort: 'top', likes: parsed[1], seq: parsed[2] };
  if (position.sort !== sort) throw new AppError('bad_request', `cursor: it belongs to sort=${position.sort}`);
  return position;
}
