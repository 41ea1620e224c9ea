// One JSON shape for every HTTP failure: {error: {code, message}} with the
// status that matches the code.
import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { type ErrorCode, HTTP_STATUS } from '../../shared/protocol.ts';
import { AppError } from '../errors.ts';

export function sendError(res: Response, code: ErrorCode, message: string): void {
  res.status(HTTP_STATUS[code]).json({ error: { code, message } });
}

/** Parses a request part with a zod schema or throws a `bad_request` naming the field. */
export function parse<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  throw new AppError('bad_request', `${where}${issue?.message ?? 'invalid request'}`);
}

export const notFound: RequestHandler = (_req, res) => sendError(res, 'not_found', 'no such route');

interface BodyParserError extends Error {
  type?: string;
  status?: number;
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) return next(err);
    if (err instanceof AppError) return sendError(res, err.code, err.message);
    const bodyError = err as BodyParserError;
    switch (bodyError?.type) {
      case 'entity.parse.failed':
        return sendError(res, 'bad_request', 'malformed JSON body');
      case 'entity.too.large':
        return sendError(res, 'too_large', 'request body too large');
      case 'encoding.unsupported':
      case 'charset.unsupported':
        return sendError(res, 'bad_request', bodyError.message);
    }
    if (typeof bodyError?.status === 'number' && bodyError.status >= 400 && bodyError.status < 500) {
      return sendError(res, bodyError.status === 404 ? 'not_found' : 'bad_request', bodyError.message);
    }
    logger.error({ err, method: req.method, url: req.originalUrl }, 'request failed');
    sendError(res, 'internal', 'internal error');
  };
}
