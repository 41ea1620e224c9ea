// Route parameters and paging queries shared by the social routes.
import { z } from 'zod';
import { AppError } from '../errors.ts';
import { parse } from './errors.ts';

/** User ids are 128 random bits in base64url, like room and work ids. */
export const userIdSchema = z.string().regex(/^[A-Za-z0-9_-]{22}$/, 'not a user id');
const idParams = z.object({ id: z.string() });

/** The `:id` of a route; a malformed one names nothing, the same answer as an unknown one. */
export function idParam(params: unknown, what: 'user' | 'work' | 'comment' | 'report'): string {
  const { id } = parse(idParams, params);
  if (!/^[A-Za-z0-9_-]{22}$/.test(id)) throw new AppError('not_found', `no such ${what}`);
  return id;
}

/** `?limit=&cursor=` with a default page size. */
export function pageQuery(defaultLimit: number) {
  return z.object({
    limit: z.coerce.number().int().min(1).max(100).default(defaultLimit),
    cursor: z.string().min(1).max(200).optional(),
  });
}
