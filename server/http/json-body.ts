// The body of every request that reaches a JSON route: a JSON object, or
// nothing. Routes that take other bodies (image uploads) are mounted before
// this gate and read their own. Without it, a body of another type was never
// parsed and the route saw no body at all: `POST /api/rooms` with a text/plain
// `{"title": …}` made an "Untitled room".
//
// The type a request declares counts even without a body: an HTML form that
// posts no fields still says `application/x-www-form-urlencoded`, and a
// `fetch` of a string says `text/plain`. Neither is a client of these routes, so
// a request that changes something (POST, PUT, PATCH, DELETE) and names a type
// other than JSON is refused whether or not bytes follow; one that names none
// and sends none is a request with no fields, as `fetch` sends a bare POST.
// GET, HEAD and OPTIONS never carry a body here: what they declare is not read.
import express, { type Request, type RequestHandler } from 'express';
import { AppError } from '../errors.ts';

/** Methods whose requests carry no body on any route here. */
const BODILESS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Whether the request carries body bytes (an empty one, as fetch sends for a bare POST, is none). */
function hasBody(req: Request): boolean {
  if (req.headers['transfer-encoding'] !== undefined) return true;
  const length = Number(req.headers['content-length']);
  return Number.isFinite(length) && length > 0;
}

/** The media type a request declares, lower-cased, without parameters; '' when it names none. */
function declaredType(req: Request): string {
  return (req.headers['content-type'] ?? '').split(';', 1)[0]?.trim().toLowerCase() ?? '';
}

function unsupported(req: Request, withBody: boolean): AppError {
  const type = req.headers['content-type'];
  const not = type ? `, not ${type.slice(0, 80)}` : '';
  return new AppError(
    'unsupported_media_type',
    withBody ? `send the body as application/json${not}` : `a request without a body names no type or application/json${not}`,
  );
}

/**
 * Parses an `application/json` body into `req.body` (at most `limit` bytes);
 * refuses a body of any other type (or none named) with `unsupported_media_type`,
 * and JSON that is not an object (an array) with `bad_request`. A request
 * without a body passes with `req.body` undefined, unless it changes something
 * and declares a type other than JSON (`unsupported_media_type` too).
 */
export function jsonBodies(limit: number): RequestHandler {
  const parseJson = express.json({ limit, strict: true, type: 'application/json' });
  return (req, res, next) => {
    if (!hasBody(req)) {
      const type = declaredType(req);
      if (type === '' || type === 'application/json' || BODILESS.has(req.method)) return next();
      return next(unsupported(req, false));
    }
    if (!req.is('application/json')) return next(unsupported(req, true));
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
