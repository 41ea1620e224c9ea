// The body of every request that reaches a JSON route: a JSON object, or
// nothing. Routes that take other bodies (image uploads) are mounted before
// this gate and read their own. Without it, a body of another type was never
// parsed and the route saw no body at all: `POST /api/rooms` with a text/plain
// `{"title": …}` made an "Untitled room".
import express, { type Request, type RequestHandler } from 'express';
import { AppError } from '../errors.ts';

/** Whether the request carries body bytes (an empty one, as fetch sends for a bare POST, is none). */
function hasBody(req: Request): boolean {
  if (req.headers['transfer-encoding'] !== undefined) return true;
  const length = Number(req.headers['content-length']);
  return Number.isFinite(length) && length > 0;
}

/**
 * Parses an `application/json` body into `req.body` (at most `limit` bytes);
 * refuses a body of any other type (or none named) with `unsupported_media_type`,
 * and JSON that is not an object (an array) with `bad_request`. A request
 * without a body passes with `req.body` undefined.
 */
export function jsonBodies(limit: number): RequestHandler {
  const parseJson = express.json({ limit, strict: true, type: 'application/json' });
  return (req, res, next) => {
    if (!hasBody(req)) return next();
    if (!req.is('application/json')) {
      const type = req.headers['content-type'];
      return next(new AppError('unsupported_media_type', `send the body as application/json${type ? `, not ${type.slice(0, 80)}` : ''}`));
    }
    parseJson(req, res, (err?: unknown) => {
      if (err) return next(err);
      const body: unknown = req.body;
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        return next(new AppError('bad_request', 'the body must be a JSON object'));
      }
      next();
    });
  };
}
